"""`acme-client`: the SDK from the command line."""

from __future__ import annotations

import argparse
import sys

from acme import Client, __version__


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="acme-client",
        description="Run put/get/delete operations against an Acme database.",
    )
    parser.add_argument("--version", action="version", version=f"acme-client {__version__}")
    parser.add_argument("--url", default="acme://localhost/default", help="database URL")
    parser.add_argument("ops", nargs="*", help="operations: put KEY VALUE | get KEY | delete KEY")
    args = parser.parse_args(argv)
    client = Client(args.url)
    ops = list(args.ops)
    while ops:
        op = ops.pop(0)
        if op == "put" and len(ops) >= 2:
            client.put(ops.pop(0), ops.pop(0))
        elif op == "get" and ops:
            value = client.get(ops.pop(0))
            print("" if value is None else value)
        elif op == "delete" and ops:
            client.delete(ops.pop(0))
        else:
            parser.error(f"bad operation near {op!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
