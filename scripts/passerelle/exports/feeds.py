"""Atom feeds of new and updated briefs and pilots: one per language (``/feed.xml``, ``/fr/feed.xml``)
and one per audience and language (``/feed-funders.xml``…, linking to that reader's view). Made with
feedgen; every date comes from the content (``updated``, else ``published``), so two builds give the
same bytes. Entry ids are ``urn:uuid`` names made from the document, not from the site's address, so a
feed reader keeps them when the site moves."""
from __future__ import annotations

import datetime as dt
import posixpath
import uuid

from feedgen.feed import FeedGenerator

from .. import cache, settings, urls
from ..context import SiteContext
from ..kinds import KINDS, ContentKind
from ..records import LANGS, Asset, Document
from .open_data import changed

NAMESPACE = uuid.UUID("6f1c3c5e-2a55-5d0f-9c57-70617373656c")  # Passerelle's own namespace for uuid5 names
FEED_SIZE = 50  # the newest entries; older ones stay in the catalogue


def generate(ctx: SiteContext, store: cache.Cache) -> list[Asset]:  # noqa: ARG001 - cheap, nothing to cache
    out = []
    for lang in LANGS:
        everything = [(kind, doc, urls.document(kind, lang, doc.id)) for kind in KINDS for doc in ctx.in_lang(lang, kind)]
        out.append(feed_asset(ctx, lang, "", everything))
        for audience in ctx.model.audiences:
            views = [(kind, doc, urls.audience_view(kind, lang, doc.id, audience))
                     for kind in KINDS if kind.audience_parts for doc in ctx.in_lang(lang, kind)
                     if audience in ctx.audience_parts(doc)]
            out.append(feed_asset(ctx, lang, audience, views))
    return out


def feed_title(lang: str, audience: str, ctx: SiteContext) -> str:
    site = settings.text(lang, "feed_title")
    return f"{site} — {ctx.model.audiences[audience].landing[lang]}" if audience else site


def feed_asset(ctx: SiteContext, lang: str, audience: str, entries: list[tuple[ContentKind, Document, str]]) -> Asset:
    path = urls.feed(lang, audience)
    entries = sorted(entries, key=lambda e: (-changed(e[1]).toordinal(), e[0].name, e[1].id))[:FEED_SIZE]
    fg = FeedGenerator()
    fg.id(_urn("feed", lang, audience))
    fg.title(feed_title(lang, audience, ctx))
    fg.subtitle(settings.text(lang, "feed_subtitle"))
    fg.language(lang)
    fg.author(name=settings.text(lang, "feed_author"))
    fg.rights(settings.text(lang, "licence_short"))
    fg.link(href=_href(path, path), rel="self", type="application/atom+xml")
    fg.link(href=_href(path, urls.home(lang)), rel="alternate", type="text/html")
    fg.updated(_moment(max((changed(d) for _, d, _ in entries), default=None)))
    for kind, doc, page in entries:
        entry = fg.add_entry(order="append")
        entry.id(_urn(kind.name, doc.id, lang, audience))
        entry.title(doc.title)
        entry.link(href=_href(path, page), rel="alternate", type="text/html")
        entry.summary(doc.summary)
        entry.updated(_moment(changed(doc)))
        if doc.published:
            entry.published(_moment(doc.published))
        for tag in ctx.extra(doc).tags:
            entry.category(term=tag.id, label=tag.label)
    return Asset(path, fg.atom_str(pretty=True), tuple(d.path for _, d, _ in entries))


def _urn(*parts: str) -> str:
    return uuid.uuid5(NAMESPACE, "/".join(p for p in parts if p)).urn


def _href(feed: str, target: str) -> str:
    """The full address with ``SITE_URL``; else relative to the feed (readers resolve it against the feed's own)."""
    absolute = urls.full_address(target, settings.site_url())
    if absolute:
        return absolute
    there = urls.published(target)
    rel = posixpath.relpath(there or ".", posixpath.dirname(urls.published(feed)) or ".")
    return rel if not (there.endswith("/") or not there) else rel.rstrip("/") + "/"


def _moment(day: dt.date | None) -> dt.datetime:
    day = day or dt.date(1970, 1, 1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)
