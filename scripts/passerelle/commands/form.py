"""`passerelle form EVENT`: an issue-form submission becomes a brief (the form-to-pr workflow runs it).
Exit 0 with the paths written, 1 with what the submitter must fix, 2 when the event cannot be read."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

NAME = "form"
HELP = "turn an issue-form submission into a brief"


def configure(parser) -> None:
    parser.add_argument("event", type=Path, help="webhook event JSON ($GITHUB_EVENT_PATH) or a file holding the issue body")
    parser.add_argument("--out", type=Path, default=Path("content/briefs"), help="folder for the brief (default content/briefs)")
    parser.add_argument("--literature", type=Path, default=Path("literature"), help="folder of .bib files (default literature)")


def run(args) -> int:
    from ..forms import Refusal, build_brief, field_labels, issue_body, parse_answers, write

    try:
        payload = args.event.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"error: cannot read {args.event}: {exc}", file=sys.stderr)
        return 2
    try:
        body, created = issue_body(payload)
        sub = build_brief(parse_answers(body, field_labels()), created or dt.date.today())
        paths = write(sub, args.out, args.literature)
    except Refusal as refusal:
        print("This submission cannot become a brief yet: please edit the issue and fix what follows.\n"
              "Cette proposition ne peut pas encore devenir un résumé : modifiez la demande et corrigez ce qui suit.\n",
              file=sys.stderr)
        for problem in refusal.problems:
            print(f"- {problem}", file=sys.stderr)
        return 1
    for path in paths:
        print(path.as_posix())
    return 0
