"""Listings: the home page, every brief by year, and a landing page per audience (paginated)."""
from __future__ import annotations

from .. import urls
from ..kinds import BRIEF
from ..markup import esc, heading, link
from ..records import LANGS, Document, Page
from .common import ebook_links, key_messages_item, list_item, page, paginated, t
from ..context import SiteContext, newest_first

HOME_LATEST = 10


def generate(ctx: SiteContext) -> list[Page]:
    pages = []
    for lang in LANGS:
        pages.append(home(ctx, lang))
        pages += paginated(lang, ("briefs",), t(lang, "all_briefs"), t(lang, "briefs_intro"),
                           newest_first(ctx.in_lang(lang)), by_year=True)
        pages += audience_pages(ctx, lang)
    return pages


def home(ctx: SiteContext, lang: str) -> Page:
    here = urls.home(lang)
    lines = [heading(1, esc(t(lang, "home_title"))), "", esc(t(lang, "home_intro")), "",
             heading(2, esc(t(lang, "choose_role"))), ""]
    for a, spec in ctx.model.audiences.items():
        target = urls.link(here, urls.listing(lang, ("audiences", a)))
        lines.append(f"- {link(esc(spec.landing[lang]), target)} — {esc(spec.about[lang])}")
    lines += ["", heading(2, esc(t(lang, "latest_briefs"))), ""]
    for doc in newest_first(ctx.in_lang(lang))[:HOME_LATEST]:
        lines += list_item(doc, here)
    everything = link(f"{esc(t(lang, 'all_briefs'))} →", urls.link(here, urls.listing(lang, ("briefs",))))
    topics = link(f"{esc(t(lang, 'by_topic'))} →", urls.link(here, urls.listing(lang, ("topics",))))
    lines += ["", f"{everything} · {topics}"]
    return page(here, t(lang, "home_title"), lines, description=t(lang, "site_tagline"))


def ebook_lead(ctx: SiteContext, lang: str, here: str, audience: str, chunk: list[Document] | None = None) -> list[str]:
    """An audience landing page's e-book: one link, or a sentence and the list of its volumes; on the pages
    after the first, only the volumes holding the page's briefs and a link to the first page (each page
    listing every volume grew with the corpus: 75 links a page, 11,000 an audience, at 10,000 briefs)."""
    first = urls.listing(lang, ("audiences", audience))
    if here == first or chunk is None or len(ctx.ebook_volumes(lang, audience)) == 1:
        lead, volumes = ebook_links(ctx, lang, here, "ebook_download", audience)
    else:
        lead, volumes = ebook_links(ctx, lang, here, "ebook_page", audience, holding=chunk)
        volumes += [link(esc(t(lang, "ebook_every_volume")), urls.link(here, first))] if volumes else []
    return [lead, "", *(f"- {v}" for v in volumes), *([""] if volumes else [])]


def audience_pages(ctx: SiteContext, lang: str) -> list[Page]:
    """A landing page per audience (briefs with a part for that reader, newest first) and their index."""
    here = urls.listing(lang, ("audiences",))
    pages = []
    index = [heading(1, esc(t(lang, "by_audience"))), "", esc(t(lang, "audiences_intro")), ""]
    for a, spec in ctx.model.audiences.items():
        index.append(f"- {link(esc(spec.landing[lang]), urls.link(here, urls.listing(lang, ('audiences', a))))} — "
                     f"{esc(spec.about[lang])}")
        docs = [d for d in newest_first(ctx.in_lang(lang)) if a in ctx.audience_parts(d)]
        item = lambda d, source, a=a: key_messages_item(d, source, urls.audience_view(BRIEF, lang, d.id, a))  # noqa: E731
        ebook = lambda here, chunk, a=a: ebook_lead(ctx, lang, here, a, chunk)  # noqa: E731
        pages += paginated(lang, ("audiences", a), spec.landing[lang], t(lang, "audience_landing_intro"), docs, item,
                           lead=ebook if ctx.download_size(urls.ebook(lang, a)) else None)
    pages.append(page(here, t(lang, "by_audience"), index))
    return pages
