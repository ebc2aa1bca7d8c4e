"""``cfnfix`` console script and ``python -m cfnfix``.

The entry point imports nothing but the package marker before it knows the command:
``cfnfix --version`` answers without loading typer, pydantic or the rules (the cold-start
path), every other command goes to :func:`cfnfix.cli.main`.
"""

from __future__ import annotations

import sys

__all__ = ["main"]


def main() -> None:
    """Console script entry point."""
    if sys.argv[1:] in (["--version"], ["-V"]):
        from . import __version__

        sys.stdout.write(f"cfnfix {__version__}\n")
        sys.stdout.flush()
        return
    from .cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
