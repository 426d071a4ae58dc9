"""The About page: what Passerelle is, the evidence scale every badge refers to, and the e-books."""
from __future__ import annotations

from .. import urls
from ..markup import esc, heading, link, paragraph
from ..records import LANGS, Page
from .common import ebook_links, page, t
from ..context import SiteContext


def generate(ctx: SiteContext) -> list[Page]:
    return [about_page(ctx, lang) for lang in LANGS]


def about_page(ctx: SiteContext, lang: str) -> Page:
    lines = [heading(1, esc(t(lang, "about"))), "", esc(t(lang, "about_text")), "",
             heading(2, esc(t(lang, "offline_heading")), "offline"), "", esc(t(lang, "offline_intro")), "",
             paragraph("", "pa-offline-app"), "",  # filled by assets/offline.js: button, status, space used
             paragraph("", "pa-offline"), "",  # the offline bundle's link, when `build --offline` makes one
             link(esc(t(lang, "open_data_link")), urls.link(urls.single(lang, "about"), urls.open_data_page(lang))), "",
             heading(2, esc(t(lang, "evidence_scale")), "evidence"), "", esc(t(lang, "evidence_scale_intro")), ""]
    for level in ctx.model.evidence_strength.values():
        lines.append(f"- **{level.level}/3** — {esc(level.definition[lang])}")
    return page(urls.single(lang, "about"), t(lang, "about"), lines + ebooks(ctx, lang),
                description=t(lang, "about_description"))


def ebooks(ctx: SiteContext, lang: str) -> list[str]:
    """The e-books of the language (every brief, then one per audience), each with its size, and its volumes
    when it has several."""
    here = urls.single(lang, "about")
    books = [ebook_links(ctx, lang, here, "ebook_all")]
    books += [ebook_links(ctx, lang, here, "ebook_audience", a) for a in ctx.model.audiences]
    lines = [line for lead, volumes in books if lead for line in [f"- {lead}", *(f"    - {v}" for v in volumes)]]
    if not lines:
        return []
    return ["", heading(2, esc(t(lang, "ebooks")), "ebooks"), "", esc(t(lang, "ebooks_intro")), "", *lines]
