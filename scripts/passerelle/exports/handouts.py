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
from collections.abc import Callable, Iterator

import pypandoc

from .. import cache, settings, urls
from ..kinds import BRIEF
from ..markup import reference, strip_comments
from ..context import SiteContext
from ..records import Asset, BibEntry, Document

DEFAULT_DATE = dt.date(2019, 1, 1)  # as build.source_date: a fixed stamp when a brief has no date
CSL_LANG = {"en": "en-CA", "fr": "fr-CA"}
CACHE_SUFFIX = ".docx"
HANDOUT_VERSION = "1"  # bump when handouts change for the same text, to refresh the cache


class HandoutError(Exception):
    """Pandoc refused the text; carries its message."""


def handout_markdown(doc: Document, audience: str, references: list[BibEntry] | list[str]) -> str:
    """The handout's text: key messages, the audience's part and the sources, comments removed.

    ``references`` are entries (shown with ``markup.reference``) or already formatted Markdown lines.
    """
    model = settings.content_model()
    parts = [f"## {model.core_sections['key-messages'].heading[doc.lang]}", "", strip_comments(doc.section("key-messages")), "",
             f"## {model.audiences[audience].heading[doc.lang]}", "", strip_comments(doc.section(audience)), ""]
    refs = [r if isinstance(r, str) else reference(r.fields) for r in references]
    if refs:
        parts += [f"## {settings.text(doc.lang, 'sources')}", ""] + [f"- {r}" for r in refs] + [""]
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


def generate(ctx: SiteContext, store: cache.Cache) -> Iterator[Asset]:
    """A DOCX handout per brief and audience part, beside the audience view, as each is ready; pandoc runs
    only for texts the cache has not seen, on every core."""
    wanted = [(doc, audience) for langs in ctx.documents(BRIEF).values() for doc in langs.values()
              for audience in ctx.model.audiences if ctx.has_handout(doc, audience)]
    jobs = (_handout_job(doc, audience, _references(ctx, doc)) for doc, audience in wanted)
    for (doc, audience), data in zip(wanted, store.get_or_make_each(jobs)):
        yield Asset(urls.download(urls.audience_view(BRIEF, doc.lang, doc.id, audience), doc.id, f"-{audience}.docx"),
                    data, (doc.path,))


def _references(ctx: SiteContext, doc: Document) -> list[str]:
    return [r for k in doc.sources if (r := ctx.references.get(doc.lang, {}).get(k))]


def _handout_job(doc: Document, audience: str, refs: list[str]) -> tuple[str, Callable[[], bytes]]:
    """The cache address of one handout, and how to make it."""
    markdown = handout_markdown(doc, audience, refs)
    title = f"{doc.title} — {settings.content_model().audiences[audience].heading[doc.lang]}"
    address = cache.key(HANDOUT_VERSION, markdown, title, doc.lang, str(doc.sort_date))
    return address, lambda: audience_handout_docx(markdown, title, doc.lang, doc.sort_date)
