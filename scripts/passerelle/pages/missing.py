"""The page a reader finds where a document is missing in their language: a notice and a link to
the original, never the other language's text swapped in silently."""
from __future__ import annotations

import html

from .. import urls
from ..kinds import ContentKind
from ..markup import admonition, esc, heading, html_link
from typing import Callable, Iterator

from ..context import SiteContext
from ..records import LANGS, Document, Page
from .common import page, t


def notice_page(kind: ContentKind, lang: str, other: Document) -> Page:
    here = urls.document(kind, lang, other.id)
    target = urls.href(here, urls.document(kind, other.lang, other.id))
    lines = [heading(1, esc(other.title)), ""]
    lines += admonition("warning", esc(t(lang, "not_translated_title")), [esc(t(lang, "not_translated_text"))])
    lines += ["", html_link(f"{esc(t(lang, 'read_original'))}: {html.escape(other.title)}", target, other.lang), ""]
    return page(here, other.title, lines, (other.path,), kind=f"{kind.name}-missing", doc_id=other.id)



def in_every_language(ctx: SiteContext, kind: ContentKind, render: Callable[[Document], list[Page]]) -> Iterator[Page]:
    """Every document of a kind in every language: its own pages where it exists, else the notice page;
    yielded as made (``pages.render`` keeps none of them)."""
    for langs in ctx.documents(kind).values():
        for lang in LANGS:
            doc = langs.get(lang)
            yield from render(doc) if doc else [notice_page(kind, lang, next(iter(langs.values())))]
