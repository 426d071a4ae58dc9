"""Topic pages: one per tag (topics and regions) in each language, and their index with counts."""
from __future__ import annotations

from collections import defaultdict

from .. import urls
from ..kinds import KINDS, ContentKind
from ..markup import esc, heading, link
from ..records import LANGS, Document, Page
from .common import LISTING_PAGE_SIZE, list_item, page, page_links, t
from ..context import SiteContext, newest_first


def generate(ctx: SiteContext) -> list[Page]:
    return [p for lang in LANGS for p in topic_pages(ctx, lang)]


def topic_pages(ctx: SiteContext, lang: str) -> list[Page]:
    by_topic: dict[str, list[Document]] = defaultdict(list)
    labels: dict[str, str] = {}
    kinds: dict[str, ContentKind] = {}
    for kind in KINDS:  # briefs and pilots: a pilot's tags link here like a brief's
        for doc in ctx.in_lang(lang, kind):
            kinds[doc.path] = kind
            for tag in ctx.extra(doc).tags:
                by_topic[tag.id].append(doc)
                labels[tag.id] = tag.label
    index_source = urls.listing(lang, ("topics",))
    pages = []
    index = [heading(1, esc(t(lang, "by_topic"))), "", esc(t(lang, "topics_intro")), ""]
    for tid in sorted(by_topic, key=lambda k: labels[k].lower()):
        index.append(f"- {link(esc(labels[tid]), urls.link(index_source, urls.topic(lang, tid)))} ({len(by_topic[tid])})")
        pages += topic_listing(lang, tid, labels[tid], newest_first(by_topic[tid]), kinds)
    if not by_topic:
        index.append(esc(t(lang, "no_briefs_yet")))
    pages.append(page(index_source, t(lang, "by_topic"), index))
    return pages


def topic_listing(lang: str, tid: str, label: str, docs: list[Document],
                  kinds: dict[str, ContentKind]) -> list[Page]:
    """A topic's briefs and pilots, newest first, LISTING_PAGE_SIZE to a page: a page's size never grows with the corpus."""
    chunks = [docs[i:i + LISTING_PAGE_SIZE] for i in range(0, len(docs), LISTING_PAGE_SIZE)]
    pages = []
    for n, chunk in enumerate(chunks, 1):
        here = urls.topic(lang, tid, n)
        lines = [heading(1, esc(label) + (f" — {t(lang, 'page')} {n}" if n > 1 else "")), ""]
        for doc in chunk:
            lines += list_item(doc, here, urls.document(kinds[doc.path], lang, doc.id))
        nav = page_links(lang, lambda k: urls.topic(lang, tid, k), n, len(chunks), here)
        if nav:
            lines += ["", " · ".join(nav)]
        pages.append(page(here, label, lines, description=t(lang, "topic_description").format(topic=label)))
    return pages
