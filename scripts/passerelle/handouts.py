"""One-page DOCX handouts: a brief's key messages and one audience's part, for a meeting or a staff room.

Why DOCX through pandoc: agencies print and edit Word files, and pandoc (shipped by pypandoc-binary)
writes them with no network. Pandoc stamps the current time into the file; ``SOURCE_DATE_EPOCH`` (the
brief's publication date) makes the bytes depend only on the text, so a rebuild changes no download.
Images are turned into links first: a handout is text, and pandoc would otherwise read or fetch them.
(Pandoc's ``--sandbox`` would do that too, but it also pins the file's dates to 1970.)
"""
from __future__ import annotations

import calendar
import datetime as dt
import os
import subprocess

import pypandoc

from . import settings
from .records import BibEntry, Document
from .render import citation, section, strip_comments

DEFAULT_DATE = dt.date(2019, 1, 1)  # as build.source_date: a fixed stamp when a brief has no date
CSL_LANG = {"en": "en-CA", "fr": "fr-CA"}


class HandoutError(Exception):
    """Pandoc refused the text; carries its message."""


def handout_markdown(doc: Document, audience: str, references: list[BibEntry] | list[str]) -> str:
    """The handout's text: key messages, the audience's part and the sources, comments removed.

    ``references`` are entries (shown with ``render.citation``) or already formatted Markdown lines.
    """
    conf = settings.audiences()
    strings = settings.strings(doc.lang)
    parts = [f"## {conf['core_sections']['key-messages'][doc.lang]}", "", strip_comments(section(doc, "key-messages")), "",
             f"## {conf['audiences'][audience]['heading'][doc.lang]}", "", strip_comments(section(doc, audience)), ""]
    refs = [r if isinstance(r, str) else citation(r) for r in references]
    if refs:
        parts += [f"## {strings['sources']}", ""] + [f"- {r}" for r in refs] + [""]
    return "\n".join(parts)


def audience_handout_docx(markdown: str, title: str, lang: str, published: dt.date | None = None) -> bytes:
    """A DOCX of ``markdown`` titled ``title``; the same arguments always give the same bytes."""
    stamp = calendar.timegm((published or DEFAULT_DATE).timetuple())
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(stamp)}
    args = [pypandoc.get_pandoc_path(), "--from", "markdown-raw_html-raw_attribute-implicit_figures",
            "--to", "docx", "--output", "-",
            "--metadata", f"title={title}", "--metadata", f"lang={CSL_LANG.get(lang, lang)}"]
    text = markdown.replace("![", "[")  # inline and reference images alike become links, never fetched
    proc = subprocess.run(args, input=text.encode("utf-8"), capture_output=True, env=env, timeout=120)
    if proc.returncode:
        raise HandoutError(proc.stderr.decode("utf-8", "replace").strip())
    return proc.stdout
