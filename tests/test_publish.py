"""`cartwheel publish` end to end: the real CLI against indexes on 127.0.0.1.

- tests/_index.py: warehouse's upload rules, recording every request (wire format, retries,
  skip logic, trusted publishing, "no request before a failed check");
- a real pypiserver (htpasswd auth): upload, then `pip download` / `pip install` from it;
- bad input: missing file, not a dist, broken wheel, unknown repository, malformed .pypirc,
  URL without scheme, wrong credentials, an index that hangs, a file over the index's limit.

Every run of the CLI asserts that no secret of the test appears in its stdout or stderr.
"""

from __future__ import annotations

import base64
import email.parser
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

import pytest

from _index import Index
from _support import BUILD_SYSTEM, PyPIServer, Venv, free_port, make_venv, run, wait_for

PASSWORD = "s3cr3t-Pa55word-for-tests"
TOKEN = "pypi-AgEIcHlwaS5vcmcCJGFiY2RlZmdoLXRlc3QtdG9rZW4"
SECRETS = [PASSWORD, TOKEN, "pypi-minted-0123456789", "oidc-jwt-from-ci", "gh-request-token"]


# --------------------------------------------------------------------------- helpers


def human(n: int) -> str:
    return f"{n} B" if n < 1024 else f"{n / 1024:.1f} KiB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MiB"


def _not_for_publish(key: str) -> bool:
    """Credentials, index settings and proxies of the machine running the tests."""
    return key.startswith(("CARTWHEEL_", "TWINE_", "ACTIONS_", "PYPI")) or key.lower() in ("https_proxy", "http_proxy")


def publish(venv: Venv, *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120):
    """Run `cartwheel publish ARGS` with a clean environment (no ~/.pypirc, no credentials)."""
    proc = run(
        [venv.python, "-m", "cartwheel", "publish", *args],
        cwd=cwd,
        env={"HOME": str(cwd), **(env or {})},
        check=False,
        timeout=timeout,
        unset=_not_for_publish,
    )
    for secret in SECRETS:
        assert secret not in proc.stdout + proc.stderr, f"a secret was shown:\n{proc.stdout}\n{proc.stderr}"
    return proc


def lines(text: str) -> list[str]:
    return text.splitlines()


def size(path: Path) -> str:
    """A file's size as publish shows it."""
    return human(path.stat().st_size)


def shown(text: str, tmp: Path | None = None) -> str:
    """`text` with what changes from run to run as placeholders: the port of a local server
    `<port>`, a retry's delay and a request's duration `<secs>`, a multipart boundary
    `<boundary>`, a body's length `<n>`, and the folder `tmp` `<tmp>`."""
    text = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:<port>", text)
    text = re.sub(r"trying again in \d+\.\d s", "trying again in <secs> s", text)
    text = re.sub(r"^(< .*) \(\d+\.\d\d s\)$", r"\1 (<secs> s)", text, flags=re.MULTILINE)
    text = re.sub(r"boundary=[0-9a-f]+$", "boundary=<boundary>", text, flags=re.MULTILINE)
    text = re.sub(r"content-length: \d+$", "content-length: <n>", text, flags=re.MULTILINE)
    return text if tmp is None else text.replace(str(tmp), "<tmp>")


def answered(text: str) -> str:
    """`text` with a real index's own words (pypiserver's, devpi's) after the status code written
    `<answer>`: they are that server's, not cartwheel's."""
    return re.sub(r"(?<=\): (?:403|409) ).*?(?=: the index| \(the index)", "<answer>", text)


def posted(answer: str = "200 OK") -> str:
    """What -v shows of an upload request to a local index and its answer."""
    return (
        "> POST http://127.0.0.1:<port>/legacy/\n"
        ">   content-type: multipart/form-data; boundary=<boundary>\n"
        ">   authorization: Basic ***\n"
        ">   content-length: <n>\n"
        f"< {answer} (<secs> s)\n"
    )


SIMPLE = "http://127.0.0.1:<port>/simple/pub-demo/"


def skipped(sizes: dict[str, str], simple: str) -> str:
    """What --skip-existing says of files the index already has."""
    return "".join(
        f"Skipped {n} ({sizes[n]}): already on the index with the same sha256 (not sent); at {simple}\n" for n in sizes
    )


PYPROJECT = BUILD_SYSTEM + """\
[project]
name = "pub_demo"
version = "{version}"
description = "A project the publish tests upload"
readme = "README.md"
requires-python = ">=3.9"
license = "MIT"
authors = [{{name = "Ada", email = "ada@example.org"}}]
classifiers = ["Programming Language :: Python :: 3", "Operating System :: OS Independent"]
dependencies = []
[project.urls]
Homepage = "https://example.org/pub-demo"
Source = "https://example.org/pub-demo/src"
"""


def make_project(root: Path, version: str = "1.0", payload: str = "VALUE = 1\n", big: int = 0) -> Path:
    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT.format(version=version))
    (root / "README.md").write_text("# pub-demo\n\nUploaded by the tests.\n")
    (root / "LICENSE").write_text("MIT License\n")
    pkg = root / "src" / "pub_demo"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text(payload)
    if big:
        (pkg / "blob.bin").write_bytes(os.urandom(big))
    return root


def build(venv: Venv, tree: Path) -> tuple[Path, Path]:
    run([venv.python, "-m", "cartwheel", "build", tree, "-o", tree / "dist"])
    return tree / "dist" / "pub_demo-1.0-py3-none-any.whl", tree / "dist" / "pub_demo-1.0.tar.gz"


@pytest.fixture(scope="session")
def project(tmp_path_factory, cw_venv) -> Path:
    """pub_demo 1.0, built: dist/ holds its wheel and sdist."""
    tree = make_project(tmp_path_factory.mktemp("pub") / "pub_demo")
    build(cw_venv, tree)
    return tree


@pytest.fixture(scope="session")
def other_bytes(tmp_path_factory, cw_venv) -> Path:
    """pub_demo 1.0 again, with other bytes under the same file names."""
    tree = make_project(tmp_path_factory.mktemp("pub2") / "pub_demo", payload="VALUE = 2\n")
    build(cw_venv, tree)
    return tree


@pytest.fixture
def work(tmp_path, project) -> Path:
    """A fresh folder holding a copy of the project's dist/ (the default files)."""
    shutil.copytree(project / "dist", tmp_path / "dist")
    return tmp_path


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


WHEEL = "pub_demo-1.0-py3-none-any.whl"
SDIST = "pub_demo-1.0.tar.gz"


def creds(index: Index) -> list[str]:
    return ["--repository-url", index.upload_url, "-u", "alice"]


ENV = {"CARTWHEEL_PASSWORD": PASSWORD}


# --------------------------------------------------------------------------- the wire format


def metadata_text(path: Path) -> str:
    if path.name.endswith(".whl"):
        with zipfile.ZipFile(path) as zf:
            return zf.read(next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))).decode()
    with tarfile.open(path) as tf:
        top = path.name.removesuffix(".tar.gz")
        return tf.extractfile(f"{top}/PKG-INFO").read().decode()


def assert_twine_fields(sent: list[tuple[str, str]], path: Path) -> None:
    """`sent` holds exactly the form fields twine 7 sends for `path` (computed by twine's own
    code), in twine's order for everything after the metadata; the metadata in the file's order
    (twine's metadata order comes from iterating a frozenset: it changes with PYTHONHASHSEED)."""
    from twine.package import PackageFile
    from twine.repository import Repository

    package = PackageFile.from_filename(str(path), comment=None)
    twine = Repository._convert_metadata_to_list_of_tuples(package.metadata_dictionary())
    msg = email.parser.Parser().parsestr(metadata_text(path))
    # Past twine 7: PEP 794's fields, under the names warehouse's forklift reads.
    for field in ("Import-Name", "Import-Namespace"):
        twine += [(field.lower().replace("-", "_"), v) for v in msg.get_all(field) or []]
    twine += [(":action", "file_upload"), ("protocol_version", "1"), ("content", path.name)]
    tail = ["pyversion", "filetype", "sha256_digest", "blake2_256_digest", ":action", "protocol_version", "content"]
    n = len(sent) - len(tail)
    assert [k for k, _ in sent[n:]] == tail
    assert sent[n:] == [kv for kv in twine if kv[0] in tail]
    assert sorted(sent[:n]) == sorted(kv for kv in twine if kv[0] not in tail)
    # Metadata order: each field where it first appears in the file, the body last.
    plural = {"classifier": "classifiers", "project-url": "project_urls", "license-file": "license_file"}
    order = list(dict.fromkeys(plural.get(k.lower(), k.lower().replace("-", "_")) for k in msg))
    assert list(dict.fromkeys(k for k, _ in sent[:n])) == [*order, "description"]


def test_upload_wire_format(cw_venv, work, cartwheel_wheel):
    version = cartwheel_wheel.name.split("-")[1]
    with Index({"alice": PASSWORD}) as index:
        proc = publish(cw_venv, *creds(index), cwd=work, env=ENV)
        assert proc.returncode == 0, proc.stderr
        wheel, sdist = work / "dist" / WHEEL, work / "dist" / SDIST
        simple = f"{index.url}/simple/pub-demo/"
        assert lines(proc.stderr) == [
            f"Uploaded {WHEEL} ({human(wheel.stat().st_size)}): 200 OK; now at {simple}",
            f"Uploaded {SDIST} ({human(sdist.stat().st_size)}): 200 OK; now at {simple}",
        ]
        assert proc.stdout == ""
        ups = index.uploads()
        # Wheels before the sdist; nothing else was asked.
        assert [r.fields[-1][1] for r in ups] == [WHEEL, SDIST]
        assert [(r.method, r.path) for r in index.requests] == [("POST", "/legacy/")] * 2
        for rec, path in zip(ups, (wheel, sdist)):
            assert_twine_fields(rec.fields, path)
            assert rec.content == path.read_bytes()
            assert rec.content_type == "application/octet-stream"
            h = {k.lower(): v for k, v in rec.headers.items()}
            assert h["user-agent"] == f"cartwheel/{version}"
            assert h["authorization"] == "Basic " + base64.b64encode(f"alice:{PASSWORD}".encode()).decode()
            assert h["content-type"].startswith("multipart/form-data; boundary=")
            assert "transfer-encoding" not in h
        assert {fn: hashlib.sha256(d).hexdigest() for fn, (_, d) in index.files.items()} == {
            WHEEL: sha(wheel),
            SDIST: sha(sdist),
        }


def test_upload_sends_import_names(cw_venv, built, tmp_path):
    """A Metadata 2.5 distribution (PEP 794) uploads with `import_name` / `import_namespace`."""
    b = built("import_names")
    (tmp_path / "dist").mkdir()
    for path in (b.wheel, b.sdist):
        shutil.copy(path, tmp_path / "dist" / path.name)
    with Index({"alice": PASSWORD}) as index:
        proc = publish(cw_venv, *creds(index), cwd=tmp_path, env=ENV)
        assert proc.returncode == 0, proc.stderr
        ups = index.uploads()
        assert [r.fields[-1][1] for r in ups] == [b.wheel.name, b.sdist.name]
        for rec, path in zip(ups, (b.wheel, b.sdist)):
            assert_twine_fields(rec.fields, path)
            assert ("metadata_version", "2.5") in rec.fields
            names = [v for k, v in rec.fields if k == "import_name"]
            assert names == ["acme.widgets", "acme.widgets._speedups; private"]
            assert [v for k, v in rec.fields if k == "import_namespace"] == ["acme"]


def test_verbose_shows_requests_without_secrets(cw_venv, work):
    with Index({"__token__": TOKEN}) as index:
        proc = publish(
            cw_venv,
            "--repository-url",
            index.upload_url,
            "-v",
            f"dist/{WHEEL}",
            cwd=work,
            env={"CARTWHEEL_TOKEN": TOKEN},
        )
        assert proc.returncode == 0, proc.stderr
        assert shown(proc.stderr) == (
            "Credentials: user `__token__` from CARTWHEEL_* environment variables\n"
            + posted()
            + f"Uploaded {WHEEL} ({size(work / 'dist' / WHEEL)}): 200 OK; now at {SIMPLE}\n"
        )


def test_token_on_command_line_warns(cw_venv, work):
    with Index({"__token__": TOKEN}) as index:
        proc = publish(cw_venv, "--repository-url", index.upload_url, "--token", TOKEN, "-v", cwd=work)
        assert proc.returncode == 0, proc.stderr
        assert shown(proc.stderr) == (
            "warning: a token on the command line can be read by other users (process list, shell history): "
            "set CARTWHEEL_TOKEN in the environment instead\n"
            "Credentials: user `__token__` from the command line\n"
            + posted()
            + f"Uploaded {WHEEL} ({size(work / 'dist' / WHEEL)}): 200 OK; now at {SIMPLE}\n"
            + posted()
            + f"Uploaded {SDIST} ({size(work / 'dist' / SDIST)}): 200 OK; now at {SIMPLE}\n"
        )


def test_json_format(cw_venv, work):
    with Index({"alice": PASSWORD}) as index:
        proc = publish(cw_venv, *creds(index), "--format", "json", cwd=work, env=ENV)
        assert proc.returncode == 0, proc.stderr
        data = json.loads(proc.stdout)
        simple = f"{index.url}/simple/pub-demo/"
        assert data == [
            {
                "file": f"dist/{n}",
                "name": n,
                "size": (work / "dist" / n).stat().st_size,
                "sha256": sha(work / "dist" / n),
                "status": "uploaded",
                "http_status": 200,
                "answer": "200 OK",
                "url": simple,
            }
            for n in (WHEEL, SDIST)
        ]
        assert proc.stderr == ""


def test_dry_run_sends_nothing(cw_venv, work):
    with Index({"alice": PASSWORD}) as index:
        proc = publish(cw_venv, *creds(index), "--dry-run", cwd=work, env=ENV)
        assert proc.returncode == 0, proc.stderr
        assert index.requests == []
        assert lines(proc.stderr) == [
            f"Would upload {WHEEL} ({human((work / 'dist' / WHEEL).stat().st_size)}) to {index.upload_url}",
            f"Would upload {SDIST} ({human((work / 'dist' / SDIST).stat().st_size)}) to {index.upload_url}",
            "Dry run: nothing was sent",
        ]


def test_the_projects_check_ignore_applies_to_what_it_publishes(cw_venv, tmp_path):
    """Run from a cartwheel project, publish checks its files as the build did: the warnings
    `[tool.cartwheel] check-ignore` names are dropped (and only in that project)."""
    tree = make_project(tmp_path / "pub_demo")
    for alias in ("UTC", "Zulu"):
        (tree / "src" / "pub_demo" / alias).write_text("zone data\n")
    build(cw_venv, tree)
    warning = "warning: {}: [W002] pub_demo/UTC, pub_demo/Zulu: Wheel contains duplicate files\n"
    dry_run = (
        f"Would upload {WHEEL} ({size(tree / 'dist' / WHEEL)}) to http://127.0.0.1:<port>/legacy/\n"
        f"Would upload {SDIST} ({size(tree / 'dist' / SDIST)}) to http://127.0.0.1:<port>/legacy/\n"
        "Dry run: nothing was sent\n"
    )
    with Index({"alice": PASSWORD}) as index:
        noisy = publish(cw_venv, *creds(index), "--dry-run", cwd=tree, env=ENV)
        assert noisy.returncode == 0, noisy.stderr
        assert shown(noisy.stderr) == warning.format(f"dist/{WHEEL}") + dry_run
        with (tree / "pyproject.toml").open("a") as f:
            f.write('\n[tool.cartwheel]\ncheck-ignore = ["W002"]\n')
        quiet = publish(cw_venv, *creds(index), "--dry-run", cwd=tree, env=ENV)
        assert quiet.returncode == 0, quiet.stderr
        assert shown(quiet.stderr) == dry_run
        # Elsewhere (no cartwheel project in the working folder) the same files warn again.
        elsewhere = publish(cw_venv, *creds(index), "--dry-run", str(tree / "dist"), cwd=tmp_path, env=ENV)
        assert shown(elsewhere.stderr, tmp_path) == warning.format(f"<tmp>/pub_demo/dist/{WHEEL}") + dry_run
        assert index.requests == []


def test_an_invalid_check_ignore_stops_the_upload_located(cw_venv, tmp_path):
    tree = make_project(tmp_path / "pub_demo")
    build(cw_venv, tree)
    with (tree / "pyproject.toml").open("a") as f:
        f.write('\n[tool.cartwheel]\ncheck-ignore = ["M004"]\n')
    line = (tree / "pyproject.toml").read_text().splitlines().index('check-ignore = ["M004"]') + 1
    with Index({"alice": PASSWORD}) as index:
        proc = publish(cw_venv, *creds(index), cwd=tree, env=ENV)
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr == (
            f"error: pyproject.toml:{line}:17: `M004` is not a warning of `cartwheel check`: only warnings "
            "can be ignored (key `tool.cartwheel.check-ignore`)\n"
            "   |\n"
            f'{line} | check-ignore = ["M004"]\n'
            "   |                 ^^^^^^\n"
            '   = help: errors are what PyPI, pip or twine refuse; `check = "warn"` builds anyway\n'
        )
        assert index.requests == []


# --------------------------------------------------------------------------- answers by meaning


def test_identical_reupload_is_fine_different_bytes_fail(cw_venv, work, other_bytes):
    with Index({"alice": PASSWORD}) as index:
        assert publish(cw_venv, *creds(index), cwd=work, env=ENV).returncode == 0
        again = publish(cw_venv, *creds(index), cwd=work, env=ENV)
        assert again.returncode == 0, again.stderr
        assert len(index.uploads()) == 4
        other = other_bytes / "dist" / WHEEL
        proc = publish(cw_venv, *creds(index), str(other), cwd=work, env=ENV)
        assert proc.returncode == 1
        assert lines(proc.stderr) == [
            (
                f"Failed {WHEEL} ({human(other.stat().st_size)}): 400 File already exists. See http://127.0.0.1/help/#file-name-reuse "
                f"for more information.: the index holds a different {WHEEL} (sha256 {sha(work / 'dist' / WHEEL)}, "
                f"this file's is {sha(other)})"
            ),
        ]
        # The conflict was settled by the simple API's hash.
        assert [(r.method, r.path) for r in index.requests[-2:]] == [("POST", "/legacy/"), ("GET", "/simple/pub-demo/")]


def test_conflict_409_same_bytes_is_skipped(cw_venv, work):
    with Index({"alice": PASSWORD}, conflict_status=409) as index:
        index.files[WHEEL] = ("pub-demo", (work / "dist" / WHEEL).read_bytes() + b"")
        # An index that answers 409 even for identical bytes (pypiserver, devpi without
        # overwrite): the hash decides.
        index.files[SDIST] = ("pub-demo", b"other bytes")
        proc = publish(cw_venv, *creds(index), f"dist/{WHEEL}", cwd=work, env=ENV)
        # This index answers 200 for identical bytes, like PyPI: uploaded.
        assert proc.returncode == 0, proc.stderr
        proc = publish(cw_venv, *creds(index), f"dist/{SDIST}", cwd=work, env=ENV)
        assert proc.returncode == 1
        assert proc.stderr == (
            f"Failed {SDIST} ({size(work / 'dist' / SDIST)}): 409 File already exists. See "
            "http://127.0.0.1/help/#file-name-reuse for more information.: the index holds a different "
            f"{SDIST} (sha256 {hashlib.sha256(b'other bytes').hexdigest()}, this file's is {sha(work / 'dist' / SDIST)})\n"
        )


def test_skip_existing_decides_by_hash(cw_venv, work, other_bytes):
    with Index({"alice": PASSWORD}) as index:
        assert publish(cw_venv, *creds(index), cwd=work, env=ENV).returncode == 0
        n = len(index.requests)
        proc = publish(cw_venv, *creds(index), "--skip-existing", cwd=work, env=ENV)
        assert proc.returncode == 0, proc.stderr
        simple = f"{index.url}/simple/pub-demo/"
        assert lines(proc.stderr) == [
            f"Skipped {WHEEL} ({human((work / 'dist' / WHEEL).stat().st_size)}): already on the index with the same sha256 (not sent); at {simple}",
            f"Skipped {SDIST} ({human((work / 'dist' / SDIST).stat().st_size)}): already on the index with the same sha256 (not sent); at {simple}",
        ]
        assert [(r.method, r.path) for r in index.requests[n:]] == [("GET", "/simple/pub-demo/")] * 2
        # Different bytes under the same name: still a failure, and nothing sent.
        n = len(index.requests)
        other = other_bytes / "dist" / WHEEL
        proc = publish(cw_venv, *creds(index), "--skip-existing", str(other), cwd=work, env=ENV)
        assert proc.returncode == 1
        assert lines(proc.stderr) == [
            (
                f"Failed {WHEEL} ({human(other.stat().st_size)}): not sent: the index holds a different {WHEEL} "
                f"(sha256 {sha(work / 'dist' / WHEEL)}, this file's is {sha(other)})"
            )
        ]
        assert [(r.method, r.path) for r in index.requests[n:]] == [("GET", "/simple/pub-demo/")]


# --------------------------------------------------------------------------- retries


def test_retries_5xx_and_dropped_connections(cw_venv, work):
    with Index({"alice": PASSWORD}) as index:
        index.faults = [503, "drop"]
        proc = publish(cw_venv, *creds(index), f"dist/{WHEEL}", cwd=work, env=ENV)
        assert proc.returncode == 0, proc.stderr
        assert len(index.uploads()) == 3
        assert shown(proc.stderr) == (
            f"warning: {WHEEL}: 503 Injected fault; trying again in <secs> s (try 2)\n"
            f"warning: {WHEEL}: http://127.0.0.1:<port>/legacy/: Network Error: Unexpected EOF; trying again in "
            "<secs> s (try 3)\n"
            f"Uploaded {WHEEL} ({size(work / 'dist' / WHEEL)}): 200 OK; now at {SIMPLE}\n"
        )


def test_gives_up_after_three_tries(cw_venv, work):
    with Index({"alice": PASSWORD}) as index:
        index.faults = [500, 502, 503]
        started = time.monotonic()
        proc = publish(cw_venv, *creds(index), cwd=work, env=ENV)
        # Exponential backoff: at least 0.5 s, then 1 s.
        assert time.monotonic() - started >= 1.5
        assert proc.returncode == 1
        assert len(index.uploads()) == 3
        # The sdist is not sent after the wheel failed.
        assert shown(proc.stderr) == (
            f"warning: {WHEEL}: 500 Injected fault; trying again in <secs> s (try 2)\n"
            f"warning: {WHEEL}: 502 Injected fault; trying again in <secs> s (try 3)\n"
            f"Failed {WHEEL} ({size(work / 'dist' / WHEEL)}): 503 Injected fault (after 3 tries)\n"
            f"Failed {SDIST} ({size(work / 'dist' / SDIST)}): not sent: {WHEEL} failed\n"
        )


def test_4xx_is_never_retried(cw_venv, work):
    with Index({"alice": PASSWORD}) as index:
        index.faults = [400]
        proc = publish(cw_venv, *creds(index), f"dist/{WHEEL}", cwd=work, env=ENV)
        assert proc.returncode == 1
        assert len(index.uploads()) == 1
        assert lines(proc.stderr) == [
            f"Failed {WHEEL} ({human((work / 'dist' / WHEEL).stat().st_size)}): 400 Injected fault"
        ]


def test_hanging_index_times_out(cw_venv, work):
    with Index({"alice": PASSWORD}) as index:
        index.faults = [("hang", 30), ("hang", 30), ("hang", 30)]
        started = time.monotonic()
        proc = publish(cw_venv, *creds(index), "--timeout", "1", f"dist/{WHEEL}", cwd=work, env=ENV)
        assert time.monotonic() - started < 20
        assert proc.returncode == 1
        assert len(index.uploads()) == 3
        cause = (
            "timed out: http://127.0.0.1:<port>/legacy/: Network Error: Network Error: Error encountered in the "
            "status line: timed out reading response"
        )
        assert shown(proc.stderr) == (
            f"warning: {WHEEL}: {cause}; trying again in <secs> s (try 2)\n"
            f"warning: {WHEEL}: {cause}; trying again in <secs> s (try 3)\n"
            f"Failed {WHEEL} ({size(work / 'dist' / WHEEL)}): {cause} (after 3 tries)\n"
        )


def test_redirect_is_refused_with_the_url(cw_venv, work):
    with Index({"alice": PASSWORD}) as index:
        proc = publish(
            cw_venv, "--repository-url", f"{index.url}/legacy", "-u", "alice", f"dist/{WHEEL}", cwd=work, env=ENV
        )
        assert proc.returncode == 1
        assert lines(proc.stderr) == [
            (
                f"Failed {WHEEL} ({human((work / 'dist' / WHEEL).stat().st_size)}): 308 Permanent Redirect: the index redirects "
                f"the upload to {index.url}/legacy/; a redirected upload loses its body, so use that URL as the repository URL"
            )
        ]
        assert len(index.uploads()) == 1


# --------------------------------------------------------------------------- checks first


def test_no_request_before_a_failed_check(cw_venv, work):
    broken = work / "dist" / "pub_demo-1.0-py3-none-any.whl"
    data = bytearray(broken.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 64] = b"\0" * 64
    broken.write_bytes(bytes(data))
    with Index({"alice": PASSWORD}) as index:
        proc = publish(cw_venv, *creds(index), cwd=work, env=ENV)
        assert proc.returncode == 1
        assert index.requests == []
        assert proc.stderr == (
            "Checking dist/pub_demo-1.0-py3-none-any.whl: FAILED\n"
            "  error[A001] pub_demo-1.0.dist-info/RECORD: member cannot be read: corrupt deflate stream\n"
            "error: nothing was uploaded: every file must pass `cartwheel check` first\n"
        )


def test_not_a_dist_and_missing_file(cw_venv, work):
    (work / "notes.txt").write_text("hello")
    with Index({"alice": PASSWORD}) as index:
        proc = publish(cw_venv, *creds(index), "notes.txt", cwd=work, env=ENV)
        assert proc.returncode == 1
        assert lines(proc.stderr) == [
            "Checking notes.txt: FAILED",
            "  error[A001] unknown distribution format: the name must end in `.whl`, `.tar.gz` or `.zip`",
            "error: nothing was uploaded: every file must pass `cartwheel check` first",
        ]
        proc = publish(cw_venv, *creds(index), "dist/nope-1.0.tar.gz", cwd=work, env=ENV)
        assert proc.returncode == 1
        assert lines(proc.stderr) == ["error: cannot find file (or expand pattern): `dist/nope-1.0.tar.gz`"]
        empty = work / "empty"
        empty.mkdir()
        proc = publish(cw_venv, *creds(index), cwd=empty, env=ENV)
        assert proc.returncode == 1
        assert lines(proc.stderr) == [
            "error: no dist/*.whl or dist/*.tar.gz here: build first (`cartwheel build`) or name the files"
        ]
        assert index.requests == []


# --------------------------------------------------------------------------- configuration


def test_pypirc_repository_and_errors(cw_venv, work):
    with Index({"alice": PASSWORD}) as index:
        rc = work / "pypirc"
        rc.write_text(
            f"[distutils]\nindex-servers =\n    local\n\n[local]\nrepository = {index.upload_url}\nusername = alice\npassword = {PASSWORD}\n"
        )
        proc = publish(cw_venv, "-r", "local", f"dist/{WHEEL}", cwd=work, env={"PYPIRC": str(rc)})
        assert proc.returncode == 0, proc.stderr
        assert len(index.uploads()) == 1
        proc = publish(cw_venv, "-r", "elsewhere", cwd=work, env={"PYPIRC": str(rc)})
        assert proc.returncode == 2
        assert lines(proc.stderr) == [
            f"error: unknown repository `elsewhere`: not built in and no [elsewhere] section in {rc}; known: pypi, testpypi, local"
        ]
        rc.write_text("[local]\nrepository = http://x/\nusername\n")
        proc = publish(cw_venv, "-r", "local", cwd=work, env={"PYPIRC": str(rc)})
        assert proc.returncode == 2
        assert lines(proc.stderr) == [f"error: {rc}:3: not `key = value` (nor a [section] header)"]
        rc.write_text("[local]\nrepository = 127.0.0.1:8080/legacy/\n")
        proc = publish(cw_venv, "-r", "local", cwd=work, env={"PYPIRC": str(rc)})
        assert proc.returncode == 2
        assert lines(proc.stderr) == [
            (
                f"error: {rc}:2: [local] repository: repository URL `127.0.0.1:8080/legacy/` has no scheme: "
                "write it as `https://127.0.0.1:8080/legacy/` (or `http://` for a local index)"
            )
        ]
        assert len(index.uploads()) == 1


def test_url_without_scheme(cw_venv, work):
    proc = publish(cw_venv, "--repository-url", "localhost:8080", cwd=work, env=ENV)
    assert proc.returncode == 2
    assert lines(proc.stderr) == [
        "error: repository URL `localhost:8080` has no scheme: write it as `https://localhost:8080` (or `http://` for a local index)"
    ]


def test_wrong_credentials(cw_venv, work):
    with Index({"alice": "the-right-one"}) as index:
        proc = publish(cw_venv, *creds(index), "-v", cwd=work, env=ENV)
        assert proc.returncode == 1
        refused = (
            "403 Invalid or non-existent authentication information. See http://127.0.0.1/help/#invalid-auth for "
            "more information."
        )
        assert shown(proc.stderr) == (
            "Credentials: user `alice` from CARTWHEEL_* environment variables\n"
            + posted(refused)
            + f"Failed {WHEEL} ({size(work / 'dist' / WHEEL)}): {refused} (the index refused the credentials: "
            "user `alice` from CARTWHEEL_* environment variables)\n"
            f"Failed {SDIST} ({size(work / 'dist' / SDIST)}): not sent: {WHEEL} failed\n"
        )
        assert len(index.uploads()) == 1


def test_file_over_the_index_limit(cw_venv, tmp_path):
    tree = make_project(tmp_path / "big", big=101 * 1024 * 1024)
    wheel, _ = build(cw_venv, tree)
    with Index({"alice": PASSWORD}) as index:
        proc = publish(cw_venv, *creds(index), str(wheel), cwd=tmp_path, env=ENV, timeout=300)
        assert proc.returncode == 1
        assert lines(proc.stderr) == [
            f"Failed {WHEEL} ({human(wheel.stat().st_size)}): 400 File too large. Limit for project is 100 MB."
        ]
        assert len(index.uploads()) == 1 and index.files == {}


# --------------------------------------------------------------------------- trusted publishing


def oidc_env(index: Index) -> dict[str, str]:
    return {
        "ACTIONS_ID_TOKEN_REQUEST_URL": f"{index.url}/_github/token?api-version=2.0",
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "gh-request-token",
    }


def test_trusted_publishing_github(cw_venv, work):
    with Index() as index:
        proc = publish(cw_venv, "--repository-url", index.upload_url, f"dist/{WHEEL}", cwd=work, env=oidc_env(index))
        assert proc.returncode == 0, proc.stderr
        assert shown(proc.stderr) == (
            "Trusted publishing: minted a short-lived upload token at http://127.0.0.1:<port>\n"
            f"Uploaded {WHEEL} ({size(work / 'dist' / WHEEL)}): 200 OK; now at {SIMPLE}\n"
        )
        paths = [(r.method, r.path) for r in index.requests]
        assert paths == [
            ("GET", "/_/oidc/audience"),
            ("GET", "/_github/token?api-version=2.0&audience=testindex"),
            ("POST", "/_/oidc/mint-token"),
            ("POST", "/legacy/"),
        ]
        assert json.loads(index.requests[2].body) == {"token": "oidc-jwt-from-ci"}
        auth = index.uploads()[0].headers["Authorization"]
        assert auth == "Basic " + base64.b64encode(b"__token__:pypi-minted-0123456789").decode()


def test_trusted_publishing_422_shows_errors(cw_venv, work):
    with Index(github_oidc_token="jwt-of-an-unregistered-workflow") as index:
        proc = publish(cw_venv, "--repository-url", index.upload_url, cwd=work, env=oidc_env(index))
        assert proc.returncode == 1
        assert lines(proc.stderr) == [
            (
                f"error: trusted publishing: POST {index.url}/_/oidc/mint-token: 422 Unprocessable Entity: "
                "valid token, but no corresponding publisher (All lookup strategies exhausted)"
            )
        ]
        assert index.uploads() == []


def test_trusted_publishing_always_needs_a_ci(cw_venv, work):
    proc = publish(
        cw_venv, "--repository-url", "http://127.0.0.1:9/legacy/", "--trusted-publishing", "always", cwd=work
    )
    assert proc.returncode == 2
    assert lines(proc.stderr) == [
        (
            "error: trusted publishing: --trusted-publishing always, but no identity token here: on GitHub Actions the job "
            "needs `permissions: id-token: write` (ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN); on GitLab CI an `id_tokens: PYPI_ID_TOKEN` entry"
        )
    ]


# --------------------------------------------------------------------------- a real pypiserver


def served_and_installs(index: str, work: Path, tmp_path: Path) -> None:
    """pip downloads from `index` byte for byte the wheel that was built, and installs it."""
    got = tmp_path / "got"
    run([sys.executable, "-m", "pip", "download", "--no-deps", "--index-url", index, "-d", got, "pub_demo==1.0"])
    assert sha(got / WHEEL) == sha(work / "dist" / WHEEL)
    venv = make_venv(tmp_path / "venv")
    pip_install = [sys.executable, "-m", "pip", "--python", venv.python, "install", "--no-deps"]
    run([*pip_install, "--index-url", index, "pub_demo==1.0"])
    assert venv.run_python("import pub_demo; print(pub_demo.VALUE)").stdout.strip() == "1"


@pytest.fixture
def pypiserver(tmp_path):
    with PyPIServer(tmp_path, {"alice": PASSWORD}) as server:
        yield server.url, server.packages


def test_pypiserver_upload_then_install(cw_venv, work, pypiserver, tmp_path):
    url, packages = pypiserver
    proc = publish(cw_venv, "--repository-url", f"{url}/", "-u", "alice", cwd=work, env=ENV)
    assert proc.returncode == 0, proc.stderr
    sizes = {n: size(work / "dist" / n) for n in (WHEEL, SDIST)}
    assert shown(proc.stderr) == "".join(f"Uploaded {n} ({sizes[n]}): 200 OK; now at {SIMPLE}\n" for n in sizes)
    assert sorted(p.name for p in packages.iterdir()) == sorted([WHEEL, SDIST])
    served_and_installs(f"{url}/simple/", work, tmp_path)
    import urllib.request

    with urllib.request.urlopen(f"{url}/packages/{SDIST}") as r:
        assert hashlib.sha256(r.read()).hexdigest() == sha(work / "dist" / SDIST)
    # pypiserver refuses a re-upload (409): the same bytes, so it is settled as already there.
    again = publish(cw_venv, "--repository-url", f"{url}/", "-u", "alice", cwd=work, env=ENV)
    assert again.returncode == 0, again.stderr
    assert answered(shown(again.stderr)) == "".join(
        f"Skipped {n} ({sizes[n]}): 409 <answer>: the index already has these exact bytes (same sha256); at {SIMPLE}\n"
        for n in sizes
    )
    # --skip-existing asks first and sends nothing.
    skip = publish(cw_venv, "--repository-url", f"{url}/", "-u", "alice", "--skip-existing", cwd=work, env=ENV)
    assert skip.returncode == 0, skip.stderr
    assert shown(skip.stderr) == skipped(sizes, SIMPLE)


def test_pypiserver_wrong_password(cw_venv, work, pypiserver):
    url, packages = pypiserver
    proc = publish(
        cw_venv, "--repository-url", f"{url}/", "-u", "alice", cwd=work, env={"CARTWHEEL_PASSWORD": "nope" + PASSWORD}
    )
    assert proc.returncode == 1
    assert answered(proc.stderr) == (
        f"Failed {WHEEL} ({size(work / 'dist' / WHEEL)}): 403 <answer> (the index refused the credentials: user "
        "`alice` from CARTWHEEL_* environment variables)\n"
        f"Failed {SDIST} ({size(work / 'dist' / SDIST)}): not sent: {WHEEL} failed\n"
    )
    assert list(packages.iterdir()) == []


# --------------------------------------------------------------------------- a real devpi-server


def _devpi(url: str, method: str, path: str, data: dict, token: str | None = None) -> dict:
    import urllib.request

    req = urllib.request.Request(f"{url}{path}", data=json.dumps(data).encode(), method=method)
    req.add_header("Content-Type", "application/json")
    req.add_header("Accept", "application/json")
    if token:
        req.add_header("X-Devpi-Auth", base64.b64encode(token.encode()).decode())
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)


@pytest.fixture
def devpi(tmp_path):
    """devpi-server with user alice and a non-volatile index alice/dev (starts in 5-25 s here)."""
    bindir = Path(sys.executable).parent
    server_dir = tmp_path / "devpi"
    run([bindir / "devpi-init", "--serverdir", server_dir, "--root-passwd", "root-pw"])
    port = free_port()
    proc = subprocess.Popen(
        [str(bindir / "devpi-server"), "--serverdir", str(server_dir), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{url}/+api", proc, seconds=120)
        _devpi(url, "PUT", "/alice", {"password": PASSWORD, "email": "alice@example.org"})
        login = _devpi(url, "POST", "/+login", {"user": "alice", "password": PASSWORD})
        token = "alice:" + login["result"]["password"]
        _devpi(url, "PUT", "/alice/dev", {"type": "stage", "bases": [], "volatile": False}, token=token)
        yield url
    finally:
        proc.terminate()
        proc.wait(30)


def test_devpi_upload_then_install(cw_venv, work, devpi, tmp_path, other_bytes):
    # devpi's simple API is `+simple/`, not derivable from the upload URL: --check-url.
    args = ["--repository-url", f"{devpi}/alice/dev/", "--check-url", f"{devpi}/alice/dev/+simple/", "-u", "alice"]
    proc = publish(cw_venv, *args, cwd=work, env=ENV)
    assert proc.returncode == 0, proc.stderr
    simple = "http://127.0.0.1:<port>/alice/dev/+simple/pub-demo/"
    sizes = {n: size(work / "dist" / n) for n in (WHEEL, SDIST)}
    assert shown(proc.stderr) == "".join(f"Uploaded {n} ({sizes[n]}): 200 OK; now at {simple}\n" for n in sizes)
    served_and_installs(f"{devpi}/alice/dev/+simple/", work, tmp_path)
    # --skip-existing: asked through --check-url, nothing sent.
    skip = publish(cw_venv, *args, "--skip-existing", cwd=work, env=ENV)
    assert skip.returncode == 0, skip.stderr
    assert shown(skip.stderr) == skipped(sizes, simple)
    # Other bytes under the same name: devpi answers 409, and the hashes differ.
    other = other_bytes / "dist" / WHEEL
    proc = publish(cw_venv, *args, str(other), cwd=work, env=ENV)
    assert proc.returncode == 1
    assert answered(proc.stderr) == (
        f"Failed {WHEEL} ({size(other)}): 409 <answer>: the index holds a different {WHEEL} "
        f"(sha256 {sha(work / 'dist' / WHEEL)}, this file's is {sha(other)})\n"
    )


def test_trusted_publishing_gitlab(cw_venv, work):
    with Index() as index:
        proc = publish(
            cw_venv,
            "--repository-url",
            index.upload_url,
            f"dist/{WHEEL}",
            cwd=work,
            env={"PYPI_ID_TOKEN": "oidc-jwt-from-ci"},
        )
        assert proc.returncode == 0, proc.stderr
        assert [(r.method, r.path) for r in index.requests] == [("POST", "/_/oidc/mint-token"), ("POST", "/legacy/")]
        assert json.loads(index.requests[0].body) == {"token": "oidc-jwt-from-ci"}


# --------------------------------------------------------------------------- HTTPS


@pytest.fixture
def tls_files(tmp_path) -> tuple[Path, Path, Path]:
    """A test CA and a server certificate for 127.0.0.1 it signed: (ca.pem, leaf.pem, leaf.key)."""
    d = tmp_path / "tls"
    d.mkdir()
    ssl_ = ["openssl", "req", "-newkey", "rsa:2048", "-nodes"]
    run([*ssl_, "-x509", "-keyout", d / "ca.key", "-out", d / "ca.pem", "-days", "2", "-subj", "/CN=cartwheel test CA"])
    run([*ssl_, "-keyout", d / "leaf.key", "-out", d / "leaf.csr", "-subj", "/CN=127.0.0.1"])
    (d / "ext").write_text(
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\n"
    )
    run(["openssl", "x509", "-req", "-in", d / "leaf.csr", "-CA", d / "ca.pem", "-CAkey", d / "ca.key",
         "-CAcreateserial", "-out", d / "leaf.pem", "-days", "2", "-extfile", d / "ext"])  # fmt: skip
    return d / "ca.pem", d / "leaf.pem", d / "leaf.key"


def test_https_with_ssl_cert_file(cw_venv, work, tls_files):
    ca, leaf, key = tls_files
    with Index({"alice": PASSWORD}, tls=(str(leaf), str(key))) as index:
        # The test CA is in no store: refused (a network error, so retried, then failed).
        proc = publish(cw_venv, *creds(index), f"dist/{WHEEL}", cwd=work, env=ENV)
        assert proc.returncode == 1
        cause = (
            "https://127.0.0.1:<port>/legacy/: Connection Failed: tls connection init failed: invalid peer "
            "certificate: UnknownIssuer"
        )
        assert shown(proc.stderr) == (
            f"warning: {WHEEL}: {cause}; trying again in <secs> s (try 2)\n"
            f"warning: {WHEEL}: {cause}; trying again in <secs> s (try 3)\n"
            f"Failed {WHEEL} ({size(work / 'dist' / WHEEL)}): {cause} (after 3 tries)\n"
        )
        assert index.files == {}
        for var in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"):
            index.files.clear()
            proc = publish(cw_venv, *creds(index), f"dist/{WHEEL}", cwd=work, env={**ENV, var: str(ca)})
            assert proc.returncode == 0, proc.stderr
            assert lines(proc.stderr) == [
                (
                    f"Uploaded {WHEEL} ({human((work / 'dist' / WHEEL).stat().st_size)}): 200 OK; "
                    f"now at {index.url}/simple/pub-demo/"
                )
            ]
            assert list(index.files) == [WHEEL]


class ConnectProxy:
    """An HTTP proxy that only tunnels (CONNECT), recording each target."""

    def __init__(self) -> None:
        import socketserver

        proxy = self
        self.targets: list[str] = []

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                head = b""
                while b"\r\n\r\n" not in head:
                    chunk = self.request.recv(4096)
                    if not chunk:
                        return
                    head += chunk
                method, target, _ = head.split(b"\r\n", 1)[0].decode().split(" ", 2)
                proxy.targets.append(f"{method} {target}")
                host, port = target.rsplit(":", 1)
                upstream = socket.create_connection((host, int(port)))
                self.request.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")

                def pipe(a: socket.socket, b: socket.socket) -> None:
                    try:
                        while data := a.recv(65536):
                            b.sendall(data)
                    except OSError:
                        pass
                    finally:
                        b.close()

                import threading

                t = threading.Thread(target=pipe, args=(upstream, self.request), daemon=True)
                t.start()
                pipe(self.request, upstream)
                t.join(5)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        import threading

        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_https_proxy_and_no_proxy(cw_venv, work, tls_files):
    ca, leaf, key = tls_files
    proxy = ConnectProxy()
    try:
        with Index({"alice": PASSWORD}, tls=(str(leaf), str(key))) as index:
            env = {**ENV, "SSL_CERT_FILE": str(ca), "HTTPS_PROXY": proxy.url}
            proc = publish(cw_venv, *creds(index), "-v", f"dist/{WHEEL}", cwd=work, env=env)
            assert proc.returncode == 0, proc.stderr
            port = index.url.rsplit(":", 1)[1]
            assert proxy.targets == [f"CONNECT 127.0.0.1:{port}"]
            index.files.clear()
            proc = publish(
                cw_venv, *creds(index), f"dist/{WHEEL}", cwd=work, env={**env, "NO_PROXY": "localhost,127.0.0.1"}
            )
            assert proc.returncode == 0, proc.stderr
            assert proxy.targets == [f"CONNECT 127.0.0.1:{port}"]
            assert len(index.uploads()) == 2
    finally:
        proxy.close()


def test_trusted_publishing_verbose_hides_every_token(cw_venv, work):
    with Index() as index:
        proc = publish(
            cw_venv, "--repository-url", index.upload_url, "-v", f"dist/{WHEEL}", cwd=work, env=oidc_env(index)
        )
        assert proc.returncode == 0, proc.stderr
        assert shown(proc.stderr) == (
            "> GET http://127.0.0.1:<port>/_/oidc/audience\n"
            "< 200 OK (<secs> s)\n"
            "> GET http://127.0.0.1:<port>/_github/token?api-version=2.0&audience=testindex\n"
            ">   authorization: bearer ***\n"
            "< 200 OK (<secs> s)\n"
            "> POST http://127.0.0.1:<port>/_/oidc/mint-token\n"
            ">   content-type: application/json\n"
            "< 200 OK (<secs> s)\n"
            "Trusted publishing: minted a short-lived upload token at http://127.0.0.1:<port>\n"
            "Credentials: user `__token__` from trusted publishing\n"
            + posted()
            + f"Uploaded {WHEEL} ({size(work / 'dist' / WHEEL)}): 200 OK; now at {SIMPLE}\n"
        )
