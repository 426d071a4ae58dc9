"""Pilot summaries: one page per pilot and language (the pilots issue gives them their full shape)."""
from __future__ import annotations

from .. import urls
from ..kinds import PILOT
from ..markup import esc, heading, strip_comments
from ..records import Document, Page
from .common import page
from ..context import SiteContext
from .missing import in_every_language


def generate(ctx: SiteContext) -> list[Page]:
    return in_every_language(ctx, PILOT, lambda doc: [pilot_page(doc)])


def pilot_page(doc: Document) -> Page:
    lines = [heading(1, esc(doc.title)), "", esc(doc.summary), "", strip_comments(doc.body)]
    return page(urls.document(PILOT, doc.lang, doc.id), doc.title, lines, (doc.path,), doc.summary,
                kind="pilot", doc_id=doc.id)
