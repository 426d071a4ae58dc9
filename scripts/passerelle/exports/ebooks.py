"""E-books: one EPUB per language with every brief, and one per audience and language with that reader's
parts, for reading on a phone or an e-reader with no connection.

Made by pandoc (shipped by pypandoc-binary) from the same records as the pages: the documents'
sections, their enrichment tags and acronyms, and the literature entries as CSL-JSON. A book is a set
of chapters (a contents-by-topic chapter, one chapter per brief, the glossary, the references). Pandoc
reads each chapter on its own into its JSON form (``data/ebook.lua``, which also keeps the book to its
own files), kept in the cache by the chapter's text: after an edit only that chapter is read again.
The chapters' JSON, put together, go to one pandoc run with ``--metadata-file``, ``--citeproc``,
``--bibliography`` and ``--csl`` (pandoc's own Chicago author-date style, printed from pandoc itself:
nothing is downloaded), so references are formatted by citeproc with French terms in the French books.
As on the web pages, a reference's link is kept only when it is http(s).

The bytes depend only on the content: the identifier is derived from the text, and the date and
pandoc's time stamps come from the newest brief's date through ``SOURCE_DATE_EPOCH``.
"""
from __future__ import annotations

import calendar
import datetime as dt
import gzip
import json
import os
import re
import string
import subprocess
import unicodedata
import tempfile
import uuid
from collections.abc import Callable, Iterator
from functools import lru_cache, partial
from pathlib import Path

import pypandoc
import yaml

from .. import cache, settings, urls
from ..context import SiteContext, volume_label
from ..kinds import BRIEF
from ..markup import strip_comments
from ..records import LANGS, Asset, Document
from .citations import CSL_LANG, linkable_csl_json

CACHE_SUFFIX = ".epub"
EBOOK_VERSION = "2"  # bump when books change for the same content, to refresh the cache
READER = Path(__file__).resolve().parents[1] / "data" / "ebook.lua"
CHAPTERS = "ebook-chapters"  # the cache namespace of chapters in pandoc's JSON, beside the books'
INPUT_FORMAT = "markdown-raw_html-raw_attribute-implicit_figures"
DEFAULT_DATE = dt.date(2019, 1, 1)  # as build.FIRST_DATE: the stamp of a book whose briefs have no date
_ESCAPED = str.maketrans({mark: "\\" + mark for mark in string.punctuation})  # every ASCII punctuation mark
_NO_META = b',"meta":{},"blocks":['
_AT = re.compile(r"(?<![\w\\`])@(?=[\w{])")  # an author's "@name" is text, never a citation


class EbookError(Exception):
    """Pandoc refused to make a book; carries its message."""


@lru_cache(maxsize=1 << 16)
def text(value: str) -> str:
    """Any text as inert pandoc Markdown: every ASCII punctuation mark backslashed, on one line. Remembered:
    a brief's title and the headings come again in every book holding them."""
    return " ".join(str(value).split()).translate(_ESCAPED)


@lru_cache(maxsize=1)
def reader() -> tuple[str, str, str]:
    """What turns a chapter into pandoc's JSON (input format, pandoc's version, ``data/ebook.lua``), read once:
    part of every chapter's and book's cache address."""
    return INPUT_FORMAT, pypandoc.get_pandoc_version(), READER.read_text(encoding="utf-8")


def inert_handles(body: str) -> str:
    """A section's Markdown without comments, an author's "@name" kept as text."""
    body = strip_comments(body)
    return _AT.sub(r"\\@", body) if "@" in body else body


def generate(ctx: SiteContext, store: cache.Cache) -> Iterator[Asset]:
    """The book of every brief and one per audience, in each language that has briefs for it, in volumes
    (``SiteContext.ebook_volumes``), each as soon as it is ready. Pandoc makes one volume at a time, beside
    the handouts' smaller runs (``cache.outside_run``); a few volumes are read or made ahead of the one
    yielded, never all of them (at 10,000 briefs the 800 volumes are 400 MB)."""
    plans = []
    for lang in LANGS:
        for audience in ("", *ctx.model.audiences):
            volumes = ctx.ebook_volumes(lang, audience)
            for number, docs in enumerate(volumes, 1):
                plans.append((lang, docs, audience, number if len(volumes) > 1 else 0))
    jobs = (book_job(ctx, lang, docs, audience, store, volume=number) for lang, docs, audience, number in plans)
    for (lang, docs, audience, number), data in zip(plans, store.get_or_make_each(jobs, large=True)):
        yield Asset(urls.ebook(lang, audience, max(1, number)), data,
                    tuple(sorted({d.path for d in docs} | _bib_files(ctx, docs))))


def _bib_files(ctx: SiteContext, docs: list[Document]) -> set[str]:
    return {e.path for d in docs for e in ctx.literature.cited_by(d)}


def book(ctx: SiteContext, lang: str, docs: list[Document], audience: str, store: cache.Cache,
         volume: int = 0) -> bytes:
    """One EPUB (``volume`` n > 0: one volume of a book in several), made by pandoc only when the cache has not
    seen its chapters, metadata and sources."""
    address, make = book_job(ctx, lang, docs, audience, store, volume)
    return store.get_or_make(address, partial(cache.outside, make, large=True))  # see cache.outside


def book_job(ctx: SiteContext, lang: str, docs: list[Document], audience: str, store: cache.Cache,
             volume: int = 0) -> tuple[str, Callable[[], bytes]]:
    """The cache address of one EPUB (see ``book``) and how pandoc makes it."""
    chapters = [contents_by_topic(ctx, lang, docs)] + [chapter(ctx, d, audience) for d in docs]
    chapters += [glossary(ctx, lang, docs), references(lang)]
    entries = {e.key: e for d in docs for e in ctx.literature.cited_by(d)}
    bibliography = json.dumps([linkable_csl_json(entries[k]) for k in sorted(entries)], ensure_ascii=False, sort_keys=True)
    stamp = max((d for doc in docs for d in (doc.published, doc.updated) if d), default=DEFAULT_DATE)
    identity = cache.key(EBOOK_VERSION, lang, audience, *chapters, bibliography)
    meta = metadata(ctx, lang, audience, stamp, identity, volume_label(lang, volume, docs))

    def make() -> bytes:
        return run_pandoc(read_chapters(chapters, store.beside(CHAPTERS, ".json.gz")), meta, bibliography, stamp)

    return cache.key(identity, meta, *reader()), make


def metadata(ctx: SiteContext, lang: str, audience: str, stamp: dt.date, identity: str, volume: str = "") -> str:
    """The book's metadata file: title in its language, language tag, a stable identifier, the date; the
    audience and the volume in the subtitle."""
    title = settings.text(lang, "home_title")
    meta = {"title": text(title), "lang": CSL_LANG.get(lang, lang), "date": stamp.isoformat(),
            "identifier": [{"scheme": "UUID", "text": f"urn:uuid:{uuid.UUID(identity[:32])}"}],
            "creator": [{"role": "author", "text": text(settings.text(lang, "ebook_creator"))}],
            "publisher": text(settings.text(lang, "ebook_creator")), "rights": text(settings.text(lang, "ebook_rights")),
            "toc-title": text(settings.text(lang, "ebook_contents")), "link-citations": True}
    subtitle = [ctx.model.audiences[audience].landing[lang]] if audience else []
    if subtitle or volume:
        meta["subtitle"] = text(" — ".join(subtitle + ([volume] if volume else [])))
    return yaml.safe_dump(meta, allow_unicode=True, sort_keys=True)


def contents_by_topic(ctx: SiteContext, lang: str, docs: list[Document]) -> str:
    """The first chapter: every topic of the book's briefs, each with links to their chapters."""
    by_topic: dict[str, list[Document]] = {}
    labels: dict[str, str] = {}
    for doc in docs:
        for tag in ctx.extra(doc).topics:
            by_topic.setdefault(tag.id, []).append(doc)
            labels[tag.id] = tag.label
    lines = [f"# {text(settings.text(lang, 'ebook_by_topic'))} {{#by-topic}}", ""]
    for tid in sorted(by_topic, key=lambda k: (folded(labels[k]), k)):
        lines += [f"## {text(labels[tid])} {{#topic-{tid}}}", ""]
        lines += [f"- [{text(d.title)}](#{anchor(d)})" for d in by_topic[tid]] + [""]
    untagged = [d for d in docs if not ctx.extra(d).topics]
    if untagged:
        lines += [f"## {text(settings.text(lang, 'ebook_other_briefs'))} {{#topic-none}}", ""]
        lines += [f"- [{text(d.title)}](#{anchor(d)})" for d in untagged] + [""]
    return "\n".join(lines)


def folded(label: str) -> str:
    """A sort key that files "Évaluation" with the E's."""
    return "".join(c for c in unicodedata.normalize("NFKD", label.casefold()) if not unicodedata.combining(c))


def anchor(doc: Document) -> str:
    return f"brief-{doc.id}"


def chapter(ctx: SiteContext, doc: Document, audience: str) -> str:
    """A brief as a chapter: title, summary, evidence and topics, then its sections (all of them, or the
    key messages and one audience's part) and its sources, cited for citeproc."""
    lang = doc.lang
    level = ctx.model.evidence_strength.get(doc.evidence_strength)
    facts = [f"{settings.text(lang, 'evidence')}: {level.label(lang)} ({level.level}/3)" if level else "",
             f"{settings.text(lang, 'published')} {doc.sort_date.isoformat()}",
             f"{settings.text(lang, 'topics')}: " + ", ".join(t.label for t in ctx.extra(doc).tags) if ctx.extra(doc).tags else ""]
    lines = [f"# {text(doc.title)} {{#{anchor(doc)}}}", "", f"*{text(doc.summary)}*", "",
             " · ".join(text(f) for f in facts if f), ""]
    for sid, heading in sections(ctx, doc, audience):
        body = inert_handles(doc.section(sid))
        if body:
            lines += [f"## {text(heading)} {{#{doc.id}-{sid} .unlisted}}", "", body, ""]
    keys = [e.key for e in ctx.literature.cited_by(doc)]
    if keys:
        lines += [f"## {text(settings.text(lang, 'sources'))} {{#{doc.id}-sources .unlisted}}", ""]
        lines += [f"- [@{{{key}}}]" for key in dict.fromkeys(keys)] + [""]
    return "\n".join(lines)


def sections(ctx: SiteContext, doc: Document, audience: str) -> list[tuple[str, str]]:
    """(section id, heading) in reading order: the core sections and every part, or key messages and one part."""
    model, lang = ctx.model, doc.lang
    if audience:
        return [("key-messages", model.core_sections["key-messages"].heading[lang]),
                (audience, model.audiences[audience].heading[lang])]
    return ([(sid, core.heading[lang]) for sid, core in model.core_sections.items()]
            + [(a, model.audiences[a].heading[lang]) for a in ctx.audience_parts(doc)])


def glossary(ctx: SiteContext, lang: str, docs: list[Document]) -> str:
    """Every acronym of the book's briefs with its meaning, as a definition list."""
    pairs = sorted({(a.short, a.long) for d in docs for a in ctx.extra(d).acronyms}, key=lambda p: (p[0].lower(), p[1]))
    lines = [f"# {text(settings.text(lang, 'glossary'))} {{#glossary}}", ""]
    for short, long in pairs:
        lines += [f"**{text(short)}**", f":   {text(long)}", ""]
    if not pairs:
        lines += [text(settings.text(lang, "ebook_no_acronyms")), ""]
    return "\n".join(lines)


def references(lang: str) -> str:
    """The last chapter: citeproc writes the cited entries into the ``refs`` div."""
    return f"# {text(settings.text(lang, 'ebook_references'))} {{#references}}\n\n::: {{#refs}}\n:::\n"


def read_chapters(chapters: list[str], store: cache.Cache) -> list[bytes]:
    """Each chapter as pandoc's JSON, read on its own (its headings' identifiers and its notes are its own, so
    the result never depends on which chapters were read together) and kept compressed in ``store``. The
    chapters not yet kept are read in one ``pandoc lua`` run."""
    addresses = [cache.key(EBOOK_VERSION, *reader(), body) for body in chapters]
    kept = {address: store.get(address) for address in addresses}
    missing = {address: body for address, body in zip(addresses, chapters) if kept[address] is None}
    for address, data in zip(missing, run_reader(list(missing.values()))):
        kept[address] = gzip.compress(data, compresslevel=1, mtime=0)
        store.put(address, kept[address])
    return [gzip.decompress(kept[address]) for address in addresses]


def run_reader(chapters: list[str]) -> list[bytes]:
    """Pandoc's JSON of each chapter, by ``data/ebook.lua`` in one pandoc process."""
    if not chapters:
        return []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        names = [f"{n:04d}.md" for n in range(len(chapters))]
        for name, body in zip(names, chapters):
            (folder / name).write_text(body, encoding="utf-8")
        (folder / "chapters.txt").write_text("\n".join(names) + "\n", encoding="utf-8")
        args = [pypandoc.get_pandoc_path(), "lua", str(READER), INPUT_FORMAT, "chapters.txt"]
        proc = subprocess.run(args, cwd=folder, capture_output=True, timeout=300)
        if proc.returncode:
            raise EbookError(proc.stderr.decode("utf-8", "replace").strip() or f"pandoc lua exited with {proc.returncode}")
        return [(folder / f"{name}.json").read_bytes() for name in names]


def book_json(chapters: list[bytes]) -> bytes:
    """One pandoc document of every chapter's blocks, in order. Joined as text, not parsed (a volume is
    megabytes of JSON): ``data/ebook.lua`` writes each chapter as a document with no metadata."""
    version = chapters[0][:chapters[0].find(_NO_META)]  # b'{"pandoc-api-version":[...]'
    head = version + _NO_META
    if not all(data.startswith(head) and data.endswith(b"]}") for data in chapters):
        raise EbookError("pandoc lua wrote a chapter in an unexpected form: run 'make install' again")
    blocks = [data[len(head):-2] for data in chapters]
    return head + b",".join(b for b in blocks if b) + b"]}"


def run_pandoc(chapters: list[bytes], meta: str, bibliography: str, stamp: dt.date) -> bytes:
    """Pandoc on the book's chapters (pandoc's JSON) in a temporary folder; the same inputs give the same bytes."""
    pandoc = pypandoc.get_pandoc_path()
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(calendar.timegm(stamp.timetuple()))}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "book.json").write_bytes(book_json(chapters))
        (folder / "metadata.yaml").write_text(meta, encoding="utf-8")
        (folder / "references.json").write_text(bibliography, encoding="utf-8")
        style = subprocess.run([pandoc, "--print-default-data-file", "default.csl"], capture_output=True, timeout=60)
        (folder / "style.csl").write_bytes(style.stdout)
        args = [pandoc, "book.json", "--from", "json", "--to", "epub3", "--output", "book.epub",
                "--metadata-file", "metadata.yaml", "--citeproc", "--bibliography", "references.json",
                "--csl", "style.csl", "--split-level", "1", "--toc-depth", "2", "--resource-path", "."]
        proc = subprocess.run(args, cwd=folder, capture_output=True, env=env, timeout=300)
        if proc.returncode or style.returncode:
            raise EbookError((proc.stderr or style.stderr).decode("utf-8", "replace").strip())
        return (folder / "book.epub").read_bytes()
