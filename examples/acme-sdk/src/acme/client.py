"""A tiny in-memory stand-in for the Acme database client."""

from __future__ import annotations

from typing import Any


class Client:
    """Connect to an Acme database by URL (this demo keeps the data in memory)."""

    def __init__(self, url: str = "acme://localhost/default") -> None:
        if not url.startswith("acme://"):
            raise ValueError(f"not an acme:// URL: {url!r}")
        self.url = url
        self._data: dict[str, Any] = {}

    def put(self, key: str, value: Any) -> None:
        self._data[key] = value

    def get(self, key: str) -> Any | None:
        return self._data.get(key)

    def delete(self, key: str) -> bool:
        return self._data.pop(key, None) is not None

    def __repr__(self) -> str:
        return f"Client({self.url!r})"
