"""Pilot summaries: one page per pilot and language (the pilots issue gives them their full shape)."""
from __future__ import annotations

from .. import urls
from ..kinds import PILOT
from ..markup import esc, heading, strip_comments
from ..records import LANGS, Page
from .common import page
from ..context import SiteContext
from .missing import notice_page


def generate(ctx: SiteContext) -> list[Page]:
    pages = []
    for langs in ctx.documents(PILOT).values():
        for lang in LANGS:
            doc = langs.get(lang)
            if doc is None:
                pages.append(notice_page(PILOT, lang, next(iter(langs.values()))))
                continue
            lines = [heading(1, esc(doc.title)), "", esc(doc.summary), "", strip_comments(doc.body)]
            pages.append(page(urls.document(PILOT, lang, doc.id), doc.title, lines, (doc.path,), doc.summary,
                              kind="pilot", doc_id=doc.id))
    return pages
