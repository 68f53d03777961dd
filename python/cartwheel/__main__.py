"""`python -m cartwheel` and the `cartwheel` console script."""

import sys


def main() -> int:
    """Run the CLI with this process's arguments."""
    from cartwheel._native import cli_main

    try:
        return cli_main(sys.argv)
    except KeyboardInterrupt:
        # Raised once the native call returns, after the command said where it stopped and
        # what is left; 130 is what a shell reports for a command ended by Ctrl-C.
        return 130


if __name__ == "__main__":
    sys.exit(main())
