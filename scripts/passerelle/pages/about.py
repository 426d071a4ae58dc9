"""The About page: what Passerelle is, and the evidence scale every badge refers to."""
from __future__ import annotations

from .. import urls
from ..markup import esc, heading, paragraph
from ..records import LANGS, Page
from .common import page, t
from ..context import SiteContext


def generate(ctx: SiteContext) -> list[Page]:
    return [about_page(ctx, lang) for lang in LANGS]


def about_page(ctx: SiteContext, lang: str) -> Page:
    lines = [heading(1, esc(t(lang, "about"))), "", esc(t(lang, "about_text")), "",
             heading(2, esc(t(lang, "offline_heading")), "offline"), "", esc(t(lang, "offline_intro")), "",
             paragraph("", "pa-offline-app"), "",  # filled by assets/offline.js: button, status, space used
             paragraph("", "pa-offline"), "",  # the offline bundle's link, when `build --offline` makes one
             heading(2, esc(t(lang, "evidence_scale")), "evidence"), "", esc(t(lang, "evidence_scale_intro")), ""]
    for level in ctx.model.evidence_strength.values():
        lines.append(f"- **{level.level}/3** — {esc(level.definition[lang])}")
    return page(urls.single(lang, "about"), t(lang, "about"), lines)
