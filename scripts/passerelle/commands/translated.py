"""`passerelle translated FILE [--root DIR]`: record that FILE (e.g. content/briefs/x.fr.md) is up to date
with its other language's version, as ``translated_from: <lang>@<hash>`` in its front matter. `check`
then warns, naming both files, when that version changes; the page tells readers. Never written by hand."""
from __future__ import annotations

import re
import sys
from pathlib import Path

from .. import report
from .common import add_root, project_root

NAME = "translated"
HELP = "record that a brief or pilot is translated from its other language's current version"
LINE = re.compile(r"^translated_from:.*$", re.M)


def configure(parser) -> None:
    parser.add_argument("path", help="the translation, e.g. content/briefs/my-brief.fr.md")
    parser.add_argument("--lang", choices=["en", "fr"], help="language of the messages (default: the file's)")
    add_root(parser)


def record(path: Path, value: str) -> None:
    """Write ``translated_from: value`` into the file's front matter, replacing an earlier one."""
    text = path.read_text(encoding="utf-8-sig")
    head, sep, body = text[4:].partition("\n---\n") if text.startswith("---\n") else ("", "", "")
    if not sep:
        raise ValueError("no front matter")
    entry = f"translated_from: {value}"
    head = LINE.sub(entry, head) if LINE.search(head) else head.rstrip("\n") + "\n" + entry
    path.write_text("---\n" + head + "\n---\n" + body, encoding="utf-8")


def run(args) -> int:
    from ..load import DOC_NAME, load_document
    from ..validate import translation_hash

    root = project_root(args.root)
    path = Path(args.path).resolve()
    m = DOC_NAME.match(path.name)
    lang = report.ui_lang(args.lang or (m.group("lang") if m else None))
    rel = Path(report.relative(path, root)).as_posix()
    other_lang = {"en": "fr", "fr": "en"}.get(m.group("lang")) if m else None
    other_path = path.with_name(f"{m.group('id')}.{other_lang}.md") if other_lang else None
    if other_path is None or not path.is_file() or not other_path.is_file():
        print(report.text("translated-no-pair", lang, path=rel), file=sys.stderr)
        return 2
    kind = path.parent.name.rstrip("s")
    doc, problems = load_document(path, rel, kind)
    other, other_problems = load_document(other_path, report.relative(other_path, root), kind)
    if doc is None or other is None:
        for d in problems + other_problems:
            print(report.as_line(d, report.lang_for(d, lang)), file=sys.stderr)
        return 1
    value = f"{other.lang}@{translation_hash(other)}"
    record(path, value)
    print(report.text("translated-recorded", lang, path=rel, other=other.path, value=value))
    return 0
