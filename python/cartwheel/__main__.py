"""`python -m cartwheel` and the `cartwheel` console script."""

import sys


def main() -> int:
    """Run the CLI with this process's arguments."""
    from cartwheel._native import cli_main

    return cli_main(sys.argv)


if __name__ == "__main__":
    sys.exit(main())
