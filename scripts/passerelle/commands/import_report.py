"""`passerelle import FILE [--key KEY] [--lang en|fr] [--id ID] [--root DIR]`: a report (.docx, .odt,
.html) becomes a draft brief. Exit 0 written, 1 bad input, 2 misuse."""
from __future__ import annotations

import sys
from pathlib import Path

from .. import report
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
    from ..importer import ImportProblem, import_report, shown_path
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
        lang = report.ui_lang(args.lang)
        message, hint = report.render(d, lang)
        print(f"passerelle import: {report.text('severity-error', lang)}: {d.path}: {message}\n"
              f"    {report.text('hint', lang)}: {hint}", file=sys.stderr)
        return exc.code
    lang = draft.lang
    for note in draft.notes:
        print(f"passerelle import: note: {note}", file=sys.stderr)
    rel = draft.path.relative_to(root).as_posix()
    doc, _ = load_document(draft.path, rel, "brief")
    todo = [s.id for s in doc.sections if s.id and not words(s.body)] if doc else []
    said = "import-lang-detected" if draft.lang_detected else "import-lang-given"
    print(report.text(said, lang, lang=draft.lang))
    if draft.bib_path:
        print(report.text("import-bib", lang, path=draft.bib_path.relative_to(root).as_posix(), key=draft.bib_key))
    print(report.text("import-wrote", lang, path=rel, source=shown_path(Path(args.path), root), count=len(todo),
                      sections=", ".join(todo)))
    return 0
