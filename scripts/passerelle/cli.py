"""The `passerelle` command. Exit codes: 0 clean (warnings allowed), 1 problems in the input, 2 misuse,
3 an internal error (a bug in Passerelle: a short message, never a traceback)."""
from __future__ import annotations

import argparse
import os
import sys

from .commands import COMMANDS


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="passerelle", description="Plain-language, bilingual research briefs for the settlement sector.")
    sub = p.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        sp = sub.add_parser(command.NAME, help=command.HELP)
        command.configure(sp)
        sp.set_defaults(func=command.run)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except SystemExit as exc:
        return int(exc.code or 0)
    except BrokenPipeError:  # output piped into `head` and the like: not an error
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps Python quiet at exit
        return 0
    except Exception as exc:  # noqa: BLE001 - the promise is: no traceback reaches the user
        if os.environ.get("PASSERELLE_DEBUG"):
            raise
        print(f"passerelle: internal error: {type(exc).__name__}: {exc}\n"
              "    hint: this is a bug in Passerelle, not in your content; please report it with the command you ran "
              "(set PASSERELLE_DEBUG=1 to see the details)", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
