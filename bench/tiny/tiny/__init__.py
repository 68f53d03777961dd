"""A tiny package for the build-backend benchmark."""

from tiny.core import greet

__all__ = ["greet"]
__version__ = "1.0.0"
