"""Topic pages: one per tag (topics and regions) in each language, and their index with counts."""
from __future__ import annotations

from collections import defaultdict

from .. import urls
from ..kinds import KINDS, ContentKind
from ..markup import esc, heading, link
from ..records import LANGS, Document, Page
from .common import list_item, page, t
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
        here = urls.topic(lang, tid)
        index.append(f"- {link(esc(labels[tid]), urls.link(index_source, here))} ({len(by_topic[tid])})")
        lines = [heading(1, esc(labels[tid])), ""]
        for doc in newest_first(by_topic[tid]):
            lines += list_item(doc, here, urls.document(kinds[doc.path], lang, doc.id))
        pages.append(page(here, labels[tid], lines,
                          description=t(lang, "topic_description").format(topic=labels[tid])))
    if not by_topic:
        index.append(esc(t(lang, "no_briefs_yet")))
    pages.append(page(index_source, t(lang, "by_topic"), index))
    return pages
