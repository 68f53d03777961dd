"""Acme database SDK."""

from acme.client import Client

__version__ = "1.4.0"  # kept in step with project.version (stamped into the artifacts)

__all__ = ["Client", "__version__"]
