"""A small package index for the `cartwheel publish` tests: warehouse's upload rules on loopback.

What it does, as PyPI's upload endpoint (warehouse `forklift/legacy.py`) does:
- `POST /legacy/` multipart/form-data; `/legacy` (no slash) answers 308 (the body would be lost);
- HTTP Basic auth against `users` (403 "Invalid or non-existent authentication information.");
- a body over `max_bytes` is read and refused with 400 (not 413), reason in the status line;
- `sha256_digest` / `blake2_256_digest` checked against the content;
- the same file name with the same bytes: 200; with other bytes: 400 "File already exists."
  (or 409, as devpi and pypiserver answer, with `conflict_status=409`);
- trusted publishing: `GET /_/oidc/audience`, `POST /_/oidc/mint-token` (422 with `errors`), and a
  fake GitHub Actions token endpoint `GET /_github/token?audience=...` (bearer auth);
- a PEP 503 simple API (`/simple/<name>/`, files under `/files/`) of what was uploaded.

Faults for the tests: `faults` is a list consumed by successive upload POSTs: an int (a status to
answer with, e.g. 503), "drop" (close the connection without answering), or ("hang", seconds).
Every request is recorded in `requests` (the upload's fields parsed, the file's bytes hashed).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from typing_extensions import Self

Fault = int | str | tuple[str, float]


@dataclass
class Recorded:
    """One request as received."""

    method: str
    path: str
    headers: dict[str, str]
    # Upload form fields in order (name, value); the file part as ("content", "<filename>").
    fields: list[tuple[str, str]] = field(default_factory=list)
    content: bytes | None = None
    content_type: str | None = None
    body: bytes = b""
    answer: int = 0


def parse_multipart(body: bytes, content_type: str) -> tuple[list[tuple[str, str]], bytes | None, str | None]:
    """Parse a multipart/form-data body strictly (the framing must be exact)."""
    m = re.search(r'boundary="?([^";]+)"?', content_type)
    assert m, f"no boundary in {content_type!r}"
    boundary = b"--" + m.group(1).encode()
    assert body.startswith(boundary + b"\r\n"), "the body must start with the boundary"
    assert body.endswith(boundary + b"--\r\n"), "the body must end with the closing boundary"
    parts = body[len(boundary) + 2 : -(len(boundary) + 4)].split(b"\r\n" + boundary + b"\r\n")
    last = parts[-1]
    assert last.endswith(b"\r\n"), "the last part must end with CRLF before the closing boundary"
    parts[-1] = last[:-2]
    fields: list[tuple[str, str]] = []
    content = None
    part_type = None
    for part in parts:
        head, _, value = part.partition(b"\r\n\r\n")
        headers = {
            k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in head.decode().split("\r\n"))
        }
        disp = headers["content-disposition"]
        name = re.search(r'; name="([^"]*)"', disp).group(1)
        fn = re.search(r'; filename="([^"]*)"', disp)
        if fn:
            fields.append((name, fn.group(1)))
            content = value
            part_type = headers.get("content-type")
        else:
            fields.append((name, value.decode()))
    return fields, content, part_type


class QuietHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 with keep-alive; nothing logged."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass


class Served:
    """A ThreadingHTTPServer on 127.0.0.1 (`port`, or a free one) in a daemon thread;
    a context manager."""

    def _serve(self, handler: type[BaseHTTPRequestHandler], port: int = 0) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class Index(Served):
    """The server; use as a context manager."""

    def __init__(
        self,
        users: dict[str, str] | None = None,
        *,
        max_bytes: int = 100 * 1024 * 1024,
        conflict_status: int = 400,
        audience: str = "testindex",
        oidc_token: str = "oidc-jwt-from-ci",
        github_request_token: str = "gh-request-token",
        minted_token: str = "pypi-minted-0123456789",
        github_oidc_token: str | None = None,
        tls: tuple[str, str] | None = None,
        port: int = 0,
    ) -> None:
        self.users = dict(users or {})
        self.max_bytes = max_bytes
        self.conflict_status = conflict_status
        self.audience = audience
        self.oidc_token = oidc_token
        self.github_request_token = github_request_token
        self.minted_token = minted_token
        # What the fake GitHub endpoint hands out: by default the token the index accepts.
        self.github_oidc_token = github_oidc_token or oidc_token
        self.faults: list[Fault] = []
        self.requests: list[Recorded] = []
        self.files: dict[str, tuple[str, bytes]] = {}  # filename -> (project, bytes)
        self.lock = threading.Lock()
        # `port`: a server that comes back where a stopped one was (0: a free port).
        self._serve(self._handler(), port)
        self.scheme = "http"
        if tls:
            # HTTPS with the given certificate chain and key (PEM files).
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*tls)
            self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
            self.scheme = "https"

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.server.server_address[1]}"

    @property
    def upload_url(self) -> str:
        return f"{self.url}/legacy/"

    def uploads(self) -> list[Recorded]:
        # Through a proxy, ureq 2 sends the absolute form (`https://host/legacy/`) even inside
        # a CONNECT tunnel; servers must accept it (RFC 9112 3.2.2).
        return [r for r in self.requests if r.method == "POST" and urlsplit(r.path).path.startswith("/legacy")]

    # ------------------------------------------------------------------ handler

    def _handler(self):
        index = self

        class Handler(QuietHandler):
            def _answer(
                self,
                rec: Recorded,
                status: int,
                reason: str,
                body: bytes = b"",
                ctype: str = "text/html",
                headers: dict[str, str] | None = None,
            ) -> None:
                rec.answer = status
                self.send_response(status, reason)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def _record(self) -> Recorded:
                rec = Recorded(self.command, self.path, {k: v for k, v in self.headers.items()})
                with index.lock:
                    index.requests.append(rec)
                return rec

            def _read_body(self, rec: Recorded, keep: bool = True) -> bytes:
                n = int(self.headers.get("Content-Length") or 0)
                if self.headers.get("Transfer-Encoding"):
                    raise AssertionError("chunked bodies are not expected")
                data = bytearray()
                while n:
                    chunk = self.rfile.read(min(n, 1 << 20))
                    if not chunk:
                        break
                    n -= len(chunk)
                    if keep:
                        data += chunk
                return bytes(data)

            def do_GET(self) -> None:
                rec = self._record()
                parts = urlsplit(self.path)
                path = parts.path
                if path == "/_/oidc/audience":
                    body = json.dumps({"audience": index.audience}).encode()
                    return self._answer(rec, 200, "OK", body, "application/json")
                if path == "/_github/token":
                    if self.headers.get("Authorization") != f"bearer {index.github_request_token}":
                        return self._answer(
                            rec, 401, "Unauthorized", b'{"message":"bad request token"}', "application/json"
                        )
                    aud = parse_qs(parts.query).get("audience", [""])[0]
                    value = index.github_oidc_token if aud == index.audience else "wrong-audience-token"
                    return self._answer(rec, 200, "OK", json.dumps({"value": value}).encode(), "application/json")
                m = re.fullmatch(r"/simple/([^/]+)/", path)
                if m:
                    name = m.group(1)
                    with index.lock:
                        files = [(fn, data) for fn, (proj, data) in sorted(index.files.items()) if proj == name]
                    if not files:
                        return self._answer(rec, 404, "Not Found", b"not found")
                    links = "\n".join(
                        f'<a href="/files/{fn}#sha256={hashlib.sha256(data).hexdigest()}">{fn}</a><br/>'
                        for fn, data in files
                    )
                    page = f"<!DOCTYPE html><html><body><h1>Links for {name}</h1>\n{links}\n</body></html>"
                    return self._answer(rec, 200, "OK", page.encode())
                m = re.fullmatch(r"/files/([^/]+)", path)
                if m and m.group(1) in index.files:
                    return self._answer(rec, 200, "OK", index.files[m.group(1)][1], "application/octet-stream")
                return self._answer(rec, 404, "Not Found", b"not found")

            def do_POST(self) -> None:
                rec = self._record()
                path = urlsplit(self.path).path
                if path == "/_/oidc/mint-token":
                    body = self._read_body(rec)
                    rec.body = body
                    token = json.loads(body or b"{}").get("token")
                    if token != index.oidc_token:
                        err = {
                            "message": "Token request failed",
                            "errors": [
                                {
                                    "code": "invalid-publisher",
                                    "description": "valid token, but no corresponding publisher (All lookup strategies exhausted)",
                                }
                            ],
                        }
                        return self._answer(
                            rec, 422, "Unprocessable Entity", json.dumps(err).encode(), "application/json"
                        )
                    with index.lock:
                        index.users["__token__"] = index.minted_token
                    body = json.dumps({"success": True, "token": index.minted_token, "expires": 900}).encode()
                    return self._answer(rec, 200, "OK", body, "application/json")
                if path == "/legacy":
                    self._read_body(rec, keep=False)
                    return self._answer(rec, 308, "Permanent Redirect", b"", headers={"Location": "/legacy/"})
                if path != "/legacy/":
                    self._read_body(rec, keep=False)
                    return self._answer(rec, 404, "Not Found", b"not found")
                length = int(self.headers.get("Content-Length") or 0)
                with index.lock:
                    fault = index.faults.pop(0) if index.faults else None
                if length > index.max_bytes:
                    self._read_body(rec, keep=False)
                    return self._answer(
                        rec, 400, f"File too large. Limit for project is {index.max_bytes // (1024 * 1024)} MB."
                    )
                body = self._read_body(rec)
                if fault == "drop":
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return None
                if isinstance(fault, tuple):
                    time.sleep(fault[1])
                    self.close_connection = True
                    return None
                if isinstance(fault, int):
                    return self._answer(rec, fault, "Injected fault", b"<html><body>injected</body></html>")
                auth = self.headers.get("Authorization", "")
                ok = False
                if auth.startswith("Basic "):
                    user, _, pw = base64.b64decode(auth[6:]).decode().partition(":")
                    ok = index.users.get(user) == pw and user != ""
                if not ok:
                    return self._answer(
                        rec,
                        403,
                        "Invalid or non-existent authentication information. See http://127.0.0.1/help/#invalid-auth for more information.",
                    )
                fields, content, part_type = parse_multipart(body, self.headers["Content-Type"])
                rec.fields, rec.content, rec.content_type = fields, content, part_type
                form = dict(fields)
                if fields[-1][0] != "content" or content is None:
                    return self._answer(rec, 400, "Upload payload does not have a file.")
                if form.get(":action") != "file_upload" or form.get("protocol_version") != "1":
                    return self._answer(rec, 400, "Invalid value for :action or protocol_version.")
                if hashlib.sha256(content).hexdigest() != form.get("sha256_digest") or (
                    hashlib.blake2b(content, digest_size=32).hexdigest() != form.get("blake2_256_digest")
                ):
                    return self._answer(
                        rec, 400, "The digest supplied does not match a digest calculated from the uploaded file."
                    )
                filename = fields[-1][1]
                project = re.sub(r"[-_.]+", "-", form.get("name", "")).lower()
                with index.lock:
                    have = index.files.get(filename)
                    if have is not None and have[1] == content:
                        return self._answer(rec, 200, "OK", b"")
                    if have is not None:
                        return self._answer(
                            rec,
                            index.conflict_status,
                            "File already exists. See http://127.0.0.1/help/#file-name-reuse for more information.",
                            b"<html><body><h1>400 File already exists.</h1></body></html>",
                        )
                    index.files[filename] = (project, content)
                return self._answer(rec, 200, "OK", b"")

        return Handler
