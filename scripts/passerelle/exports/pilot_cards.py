"""``card.json`` beside every pilot page: the pilot's facts and a self-contained HTML card in the page's
language, so a funder's site can show the pilot with no script from us."""
from __future__ import annotations

from .. import cache, urls
from .. import pilotfacts as pf
from ..context import SiteContext
from ..kinds import PILOT
from ..records import Asset

CARD = "card.json"


def generate(ctx: SiteContext, store: cache.Cache) -> list[Asset]:  # noqa: ARG001 - cheap, nothing to cache
    out = []
    for langs in ctx.documents(PILOT).values():
        for doc in langs.values():
            page = urls.document(PILOT, doc.lang, doc.id)
            out.append(Asset(urls.beside(page, CARD), pf.card_json(doc, urls.absolute(urls.published(page))), (doc.path,)))
    return out
