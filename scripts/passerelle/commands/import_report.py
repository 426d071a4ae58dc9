"""`passerelle import FILE [--key KEY] [--lang en|fr] [--id ID] [--root DIR]`: a report (.docx, .odt,
.html) becomes a draft brief. Exit 0 written, 1 bad input, 2 misuse."""
from __future__ import annotations

import sys
from pathlib import Path

from .common import add_root, project_root

NAME = "import"
HELP = "turn a report (.docx, .odt, .html) into a draft brief"


def configure(parser) -> None:
    parser.add_argument("path")
    parser.add_argument("--key", help="BibTeX key of the report in literature/")
    parser.add_argument("--lang", choices=["en", "fr"])
    parser.add_argument("--id")
    add_root(parser)


def run(args) -> int:
    from ..importer import ImportProblem, import_report
    from ..load import load_document
    from ..validate import words

    try:
        root = project_root(getattr(args, "root", None))
    except SystemExit as exc:  # project_root has printed what is wrong
        return int(exc.code or 2)
    try:
        draft = import_report(Path(args.path), root, bib_key=args.key, lang=args.lang, doc_id=args.id)
    except ImportProblem as exc:
        d = exc.diagnostic
        print(f"passerelle import: error: {d.path}: {d.message}\n    hint: {d.hint}", file=sys.stderr)
        return exc.code
    for note in draft.notes:
        print(f"passerelle import: note: {note}", file=sys.stderr)
    rel = draft.path.relative_to(root).as_posix()
    doc, _ = load_document(draft.path, rel, "brief")
    todo = [s.id for s in doc.sections if s.id and not words(s.body)] if doc else []
    print(f"wrote {rel}: a draft brief from {Path(args.path).name}. The report's text is in comments under the "
          f"sections it matches; write {len(todo)} sections in plain words ({', '.join(todo)}), "
          "then run: passerelle check")
    return 0
