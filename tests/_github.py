"""A stand-in for GitHub's releases REST API on loopback, for the `cartwheel release` tests.

What it answers, as api.github.com and uploads.github.com do (both served here: uploads under
the `/uploads` prefix, which is where the `upload_url` it hands out points):
- `POST /repos/{owner}/{repo}/releases` JSON `{"tag_name","name","body","draft","prerelease"}`:
  401 `{"message":"Bad credentials"}` unless `Authorization: Bearer TOKEN`; 422 "Validation
  Failed" with `errors[].code == "already_exists"` for a tag that has a release; else 201 with
  the release (`id`, `tag_name`, `name`, `body`, `html_url`, `upload_url` ending in
  `/assets{?name,label}`, `assets: []`);
- `GET /repos/{owner}/{repo}/releases/tags/{tag}`: the release (its assets listed), or 404;
- `POST /uploads/repos/{owner}/{repo}/releases/{id}/assets?name=FILE` with the file's bytes:
  201 with the asset (`name`, `size`, `browser_download_url`, ...); 422 `already_exists` for a
  name the release already has;
- `DELETE /repos/{owner}/{repo}/releases/assets/{id}`: 204, the asset gone; or 404;
- `GET /{owner}/{repo}/releases/download/{tag}/{name}`: the asset's bytes.

Faults for the tests: `faults` is a list consumed by successive requests (any of the above): an
int (answer with that status and `{"message":"Server Error"}`), "drop" (close the connection
without answering), "partial" (an asset upload that breaks off as GitHub's do: half the bytes kept
as an asset in state `starter`, which holds the name until it is deleted, and a 502), or None
(no fault). Every request is recorded in `requests`: method, path
(with its query), headers and body (JSON bodies parsed into `json`).
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from _index import QuietHandler, Served

TOKEN = "ghs_TestToken0123456789abcdefABCDEF"


@dataclass
class Call:
    """One request as received, and the status it was answered with."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""
    answer: int = 0
    json: Any = None
    fault: str | None = None  # a fault the route acts out ("partial")

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)


@dataclass
class Release:
    id: int
    owner: str
    repo: str
    tag_name: str
    name: str
    body: str
    draft: bool
    prerelease: bool
    assets: dict[str, bytes] = field(default_factory=dict)  # name -> bytes, in upload order
    starters: set[str] = field(default_factory=set)  # names whose upload broke off


class GitHub(Served):
    """The server; use as a context manager. `api_url` is what GITHUB_API_URL gets."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.faults: list[int | str | None] = []
        self.requests: list[Call] = []
        self.releases: dict[int, Release] = {}
        self.lock = threading.Lock()
        self._serve(self._handler())

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def release(self, owner: str, repo: str, tag: str) -> Release | None:
        with self.lock:
            return next(
                (r for r in self.releases.values() if (r.owner, r.repo, r.tag_name) == (owner, repo, tag)), None
            )

    # ------------------------------------------------------------------ JSON shapes

    def release_json(self, r: Release) -> dict[str, Any]:
        base = self.api_url
        return {
            "url": f"{base}/repos/{r.owner}/{r.repo}/releases/{r.id}",
            "html_url": f"{base}/{r.owner}/{r.repo}/releases/tag/{r.tag_name}",
            "upload_url": f"{base}/uploads/repos/{r.owner}/{r.repo}/releases/{r.id}/assets{{?name,label}}",
            "id": r.id,
            "tag_name": r.tag_name,
            "name": r.name,
            "body": r.body,
            "draft": r.draft,
            "prerelease": r.prerelease,
            "assets": [self.asset_json(r, n, i) for i, n in enumerate(r.assets)],
        }

    def asset_json(self, r: Release, name: str, i: int) -> dict[str, Any]:
        return {
            "id": r.id * 1000 + i,
            "name": name,
            "label": "",
            "content_type": "application/octet-stream",
            "state": "starter" if name in r.starters else "uploaded",
            "size": len(r.assets[name]),
            "browser_download_url": f"{self.api_url}/{r.owner}/{r.repo}/releases/download/{r.tag_name}/{name}",
        }

    # ------------------------------------------------------------------ handler

    def _handler(self):
        gh = self

        class Handler(QuietHandler):
            def _send(self, call: Call, status: int, obj: Any = None, raw: bytes | None = None) -> None:
                call.answer = status
                body = raw if raw is not None else json.dumps(obj).encode()
                self.send_response(status)
                ctype = "application/octet-stream" if raw is not None else "application/json; charset=utf-8"
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _receive(self) -> Call | None:
                """Record the request (body read); None when an injected fault answered it."""
                n = int(self.headers.get("Content-Length") or 0)
                if self.headers.get("Transfer-Encoding"):
                    raise AssertionError("chunked bodies are not expected")
                body = self.rfile.read(n) if n else b""
                call = Call(self.command, self.path, dict(self.headers.items()), body)
                ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip()
                if body and ctype == "application/json":
                    call.json = json.loads(body)
                with gh.lock:
                    gh.requests.append(call)
                    fault = gh.faults.pop(0) if gh.faults else None
                if fault == "drop":
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return None
                if isinstance(fault, int):
                    self._send(call, fault, {"message": "Server Error"})
                    return None
                call.fault = fault
                return call

            def _authorized(self, call: Call) -> bool:
                if call.header("Authorization") == f"Bearer {gh.token}":
                    return True
                self._send(
                    call,
                    401,
                    {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"},
                )
                return False

            def _not_found(self, call: Call) -> None:
                self._send(call, 404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})

            def _exists(self, call: Call, resource: str, field: str) -> None:
                errors = [{"resource": resource, "code": "already_exists", "field": field}]
                self._send(call, 422, {"message": "Validation Failed", "errors": errors})

            def do_GET(self) -> None:
                call = self._receive()
                if call is None:
                    return
                path = urlsplit(self.path).path
                m = re.fullmatch(r"/repos/([^/]+)/([^/]+)/releases/tags/(.+)", path)
                if m:
                    if not self._authorized(call):
                        return
                    r = gh.release(*m.groups())
                    return self._send(call, 200, gh.release_json(r)) if r else self._not_found(call)
                m = re.fullmatch(r"/([^/]+)/([^/]+)/releases/download/([^/]+)/([^/]+)", path)
                if m:
                    r = gh.release(*m.groups()[:3])
                    if r and m.group(4) in r.assets:
                        return self._send(call, 200, raw=r.assets[m.group(4)])
                return self._not_found(call)

            def do_POST(self) -> None:
                call = self._receive()
                if call is None:
                    return
                parts = urlsplit(self.path)
                m = re.fullmatch(r"/repos/([^/]+)/([^/]+)/releases", parts.path)
                if m:
                    if not self._authorized(call):
                        return
                    owner, repo = m.groups()
                    data = call.json if isinstance(call.json, dict) else {}
                    tag = data.get("tag_name")
                    if not isinstance(tag, str) or not tag:
                        errors = [{"resource": "Release", "code": "missing_field", "field": "tag_name"}]
                        return self._send(call, 422, {"message": "Validation Failed", "errors": errors})
                    with gh.lock:
                        taken = any((r.owner, r.repo, r.tag_name) == (owner, repo, tag) for r in gh.releases.values())
                        if not taken:
                            r = Release(
                                id=len(gh.releases) + 1,
                                owner=owner,
                                repo=repo,
                                tag_name=tag,
                                name=data.get("name") or tag,
                                body=data.get("body") or "",
                                draft=bool(data.get("draft")),
                                prerelease=bool(data.get("prerelease")),
                            )
                            gh.releases[r.id] = r
                    if taken:
                        return self._exists(call, "Release", "tag_name")
                    return self._send(call, 201, gh.release_json(r))
                m = re.fullmatch(r"/uploads/repos/([^/]+)/([^/]+)/releases/(\d+)/assets", parts.path)
                if m:
                    if not self._authorized(call):
                        return
                    name = parse_qs(parts.query).get("name", [""])[0]
                    with gh.lock:
                        r = gh.releases.get(int(m.group(3)))
                        if r is None or (r.owner, r.repo) != m.groups()[:2]:
                            r = None
                        elif not name:
                            pass
                        elif name in r.assets:
                            name = None  # taken
                        elif call.fault == "partial":
                            r.assets[name] = call.body[: len(call.body) // 2]
                            r.starters.add(name)
                        else:
                            r.assets[name] = call.body
                    if r is None:
                        return self._not_found(call)
                    if name is None:
                        return self._exists(call, "ReleaseAsset", "name")
                    if not name:
                        errors = [{"resource": "ReleaseAsset", "code": "missing_field", "field": "name"}]
                        return self._send(call, 422, {"message": "Validation Failed", "errors": errors})
                    if call.fault == "partial":
                        return self._send(call, 502, {"message": "Server Error"})
                    return self._send(call, 201, gh.asset_json(r, name, list(r.assets).index(name)))
                return self._not_found(call)

            def do_DELETE(self) -> None:
                call = self._receive()
                if call is None:
                    return
                m = re.fullmatch(r"/repos/([^/]+)/([^/]+)/releases/assets/(\d+)", urlsplit(self.path).path)
                if m and not self._authorized(call):
                    return
                with gh.lock:
                    found = None
                    if m:
                        asset_id = int(m.group(3))
                        for r in gh.releases.values():
                            if (r.owner, r.repo) == m.groups()[:2] and r.id == asset_id // 1000:
                                names = list(r.assets)
                                i = asset_id % 1000
                                if i < len(names):
                                    found = (r, names[i])
                    if found:
                        r, name = found
                        del r.assets[name]
                        r.starters.discard(name)
                if not found:
                    return self._not_found(call)
                call.answer = 204
                self.send_response(204)
                self.end_headers()

        return Handler
