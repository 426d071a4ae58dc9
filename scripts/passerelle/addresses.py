"""Permanent addresses. What a project serves for its briefs and pilots (each document's page in every
language, its audience views, and a redirect from every address of an earlier id listed in ``aliases``),
and the committed manifest of every address ever published, so that ``check`` notices an address about
to disappear and ``build --update-manifest`` records the new ones."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from . import settings, urls
from .kinds import BY_NAME, ContentKind
from .records import LANGS, Document

MANIFEST_PATH = "content/published-addresses.txt"
MANIFEST_HEADER = """\
# Every address of a brief or pilot the site has published (relative to the site's root), one a line.
# `passerelle check` fails when one of them would disappear: rename a document by keeping its old id in
# `aliases` (its pages then redirect), and delete a line here only to retire an address on purpose.
# Written by `passerelle build --update-manifest` (the publish workflow runs it); new lines are added,
# none is removed.
"""


@dataclass(frozen=True)
class Redirect:
    """A page at an earlier address (``source``, in the docs tree) that leads to ``target``."""

    source: str
    target: str
    doc: Document  # the document the target shows (or the one that exists, for a notice)


def groups(documents: Iterable[Document]) -> dict[tuple[ContentKind, str], dict[str, Document]]:
    """(kind, id) -> lang -> document, sorted by kind name then id."""
    out: dict[tuple[ContentKind, str], dict[str, Document]] = defaultdict(dict)
    for doc in documents:
        if doc.id and doc.kind in BY_NAME:
            out[(BY_NAME[doc.kind], doc.id)].setdefault(doc.lang, doc)
    return dict(sorted(out.items(), key=lambda kv: (kv[0][0].name, kv[0][1])))


def views(kind: ContentKind, group: dict[str, Document]) -> list[tuple[str, str]]:
    """The pages of one document as (language, audience or ''): its page (or the notice) in every
    language, and one view per audience part where it is written."""
    model = settings.content_model()
    out: list[tuple[str, str]] = []
    for lang in LANGS:
        out.append((lang, ""))
        doc = group.get(lang)
        if doc is not None and kind.audience_parts:
            out += [(lang, a) for a in model.audience_parts(doc)]
    return out


def page_source(kind: ContentKind, lang: str, doc_id: str, audience: str = "") -> str:
    return urls.audience_view(kind, lang, doc_id, audience) if audience else urls.document(kind, lang, doc_id)


def pages(documents: Iterable[Document]) -> set[str]:
    """Sources of every page the documents make (pages and notices, audience views)."""
    return {page_source(kind, lang, doc_id, aud)
            for (kind, doc_id), group in groups(documents).items() for lang, aud in views(kind, group)}


def redirects(documents: Iterable[Document]) -> list[Redirect]:
    """A redirect from each page of each alias to the same page of the document, where no page of
    another document sits there already (validate names such a clash)."""
    docs = list(documents)
    taken = pages(docs)
    out: dict[str, Redirect] = {}
    for (kind, doc_id), group in groups(docs).items():
        aliases = dict.fromkeys(a for d in group.values() for a in d.aliases if a != doc_id)
        for alias in aliases:
            for lang, aud in views(kind, group):
                old = page_source(kind, lang, alias, aud)
                if old not in taken:
                    out.setdefault(old, Redirect(old, page_source(kind, lang, doc_id, aud),
                                                 group.get(lang) or next(iter(group.values()))))
    return [out[k] for k in sorted(out)]


def served(documents: Iterable[Document]) -> set[str]:
    """Every published address of briefs and pilots: their pages and their redirects."""
    docs = list(documents)
    return {urls.published(s) for s in pages(docs)} | {urls.published(r.source) for r in redirects(docs)}


def manifest_text(recorded: Iterable[str], documents: Iterable[Document]) -> str:
    """The manifest with the addresses served now added to those already recorded (none removed)."""
    return MANIFEST_HEADER + "".join(f"{a}\n" for a in sorted(set(recorded) | served(documents)))
