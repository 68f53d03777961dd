//! Smoke tests: a fresh venv per interpreter, the artifact installed, its modules imported,
//! `__version__` compared, every console script run with `--help`.
