"""The literature pages: every cited entry of literature/, by topic and by year, each with a stable anchor,
the tags enrichment found in its title, abstract and keywords, and the briefs and pilots that cite it.
Paginated like the listings, so the pages stay small as the literature grows."""
from __future__ import annotations

import re
from collections import defaultdict

from .. import urls
from ..kinds import KINDS
from ..markup import esc, heading, link, reference
from ..records import LANGS, BibEntry, Labelled, Page
from .common import page, page_links, t
from ..context import SiteContext

LITERATURE_PAGE_SIZE = 50
BY_TOPIC_LIMIT = 8  # entries named per tag in the index on page 1 (newest first); the rest are counted


def generate(ctx: SiteContext) -> list[Page]:
    return [p for lang in LANGS for p in literature_pages(ctx, lang)]


def anchor(key: str) -> str:
    """The stable anchor of an entry: its BibTeX key, lower-cased, as letters, digits and hyphens."""
    return "ref-" + (re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-") or "entry")


def year(entry: BibEntry) -> str:
    return (entry.fields.get("year") or (entry.fields.get("date") or "")[:4] or "").strip()


def _title(entry: BibEntry) -> str:
    return " ".join(re.sub(r"[{}\\]", "", entry.fields.get("title") or entry.key).split())


def page_address(lang: str, n: int) -> str:
    return urls.single(lang, "literature") if n == 1 else urls.listing(lang, ("literature",), n)


def cited_entries(ctx: SiteContext, lang: str) -> list[BibEntry]:
    """Entries cited by a brief or pilot in ``lang``, newest year first, then by key."""
    keys = {e.key for kind in KINDS for doc in ctx.in_lang(lang, kind) for e in ctx.literature.cited_by(doc)}
    chosen = [e for e in ctx.literature.entries.values() if e.key in keys]
    return sorted(chosen, key=lambda e: (-int(year(e)) if year(e).isdigit() else 0, e.key.lower()))


def literature_pages(ctx: SiteContext, lang: str) -> list[Page]:
    entries = cited_entries(ctx, lang)
    chunks = [entries[i:i + LITERATURE_PAGE_SIZE] for i in range(0, len(entries), LITERATURE_PAGE_SIZE)] or [[]]
    where = {e.key: n for n, chunk in enumerate(chunks, 1) for e in chunk}
    topic_pages = {tag.id for doc in ctx.in_lang(lang) for tag in ctx.extra(doc).tags}
    pages = []
    for n, chunk in enumerate(chunks, 1):
        here = page_address(lang, n)
        lines = [heading(1, esc(t(lang, "literature")) + (f" — {t(lang, 'page')} {n}" if n > 1 else "")), "",
                 esc(t(lang, "literature_intro")), ""]
        if n == 1:
            lines += _by_topic(ctx, lang, entries, where, here)
        lines += _by_year(ctx, lang, chunk, here, topic_pages)
        nav = page_links(lang, lambda k: page_address(lang, k), n, len(chunks), here)
        lines += ["", " · ".join(nav)] if nav else []
        sources = tuple(sorted({e.path for e in chunk} or {e.path for e in ctx.literature.entries.values()}))
        pages.append(page(here, t(lang, "literature"), lines, sources))
    return pages


def _by_topic(ctx: SiteContext, lang: str, entries: list[BibEntry], where: dict[str, int], here: str) -> list[str]:
    """An index of the entries under each of their tags, each linking to the entry's anchor."""
    by_tag: dict[str, list[BibEntry]] = defaultdict(list)
    labels: dict[str, str] = {}
    for e in entries:
        for tag in ctx.tags_of_entry(e.key, lang):
            by_tag[tag.id].append(e)
            labels[tag.id] = tag.label
    if not by_tag:
        return []
    lines = [heading(2, esc(t(lang, "by_topic")), "by-topic"), ""]
    for tid in sorted(by_tag, key=lambda k: labels[k].lower()):
        items = []
        for e in by_tag[tid][:BY_TOPIC_LIMIT]:
            target = ("" if where[e.key] == 1 else urls.link(here, page_address(lang, where[e.key]))) + "#" + anchor(e.key)
            items.append(link(f"{esc(_title(e))} ({esc(year(e))})", target))
        more = len(by_tag[tid]) - BY_TOPIC_LIMIT
        tail = f" {esc(t(lang, 'literature_more').format(count=more))}" if more > 0 else ""
        lines.append(f"- **{esc(labels[tid])}:** " + "; ".join(items) + tail)
    return lines + [""]


def _by_year(ctx: SiteContext, lang: str, chunk: list[BibEntry], here: str, topic_pages: set[str]) -> list[str]:
    lines: list[str] = []
    current = None
    for e in chunk:
        if year(e) != current:
            current = year(e)
            lines += ["", heading(2, esc(current or "—"), f"y{current}" if current else "no-year"), ""]
        lines += [heading(3, esc(_title(e)), anchor(e.key)), "", reference(e.fields), ""]
        tags = _tag_line(ctx.tags_of_entry(e.key, lang), lang, here, topic_pages)
        if tags:
            lines += [tags, ""]
        citing = [link(esc(doc.title), urls.link(here, urls.document(kind, lang, doc.id)))
                  for kind, doc in ctx.citing(e.key, lang)]
        if citing:
            lines += [f"{esc(t(lang, 'cited_by'))}: " + ", ".join(citing), ""]
    return lines


def _tag_line(tags: tuple[Labelled, ...], lang: str, here: str, topic_pages: set[str]) -> str:
    """Topics, then regions; a tag links to its topic page when the briefs have one."""
    def shown(tag: Labelled) -> str:
        return link(esc(tag.label), urls.link(here, urls.topic(lang, tag.id))) if tag.id in topic_pages else esc(tag.label)

    regions = [x for x in tags if x.id == "national" or x.id.startswith("CA-")]
    topics = [x for x in tags if x not in regions]
    parts = [f"**{esc(t(lang, title))}:** " + ", ".join(shown(x) for x in items)
             for items, title in ((topics, "topics"), (regions, "regions")) if items]
    return "  \n".join(parts)
