"""What every command shares: finding the project root and saying how a command was misused."""
from __future__ import annotations

import sys
from pathlib import Path

from ..records import Diagnostic

PROJECT_MARKERS = ("mkdocs.yml", "content", "literature")


def project_root(arg: str | None) -> Path:
    root = Path(arg or ".").resolve()
    missing = [m for m in PROJECT_MARKERS if not (root / m).exists()]
    if missing:
        raise SystemExit(misuse(f"{root} is not a Passerelle project (no {', '.join(missing)})",
                                "run the command from a folder holding mkdocs.yml, content/ and literature/, or pass --root"))
    return root


def misuse(message: str, hint: str) -> int:
    print(f"passerelle: error: {message}\n    hint: {hint}", file=sys.stderr)
    return 2


def print_diagnostic(d: Diagnostic) -> None:
    from .. import report

    print(report.as_line(d, report.lang_for(d, report.ui_lang())), file=sys.stderr)


def add_root(parser) -> None:
    parser.add_argument("--root")
