"""Pieces several page generators share: badges, tag lines, list items and paginated listings."""
from __future__ import annotations

import re
from typing import Callable

from .. import settings, urls
from ..kinds import BRIEF
from ..markup import attr, esc, heading, link, paragraph, span, strip_comments
from ..records import Document, Page, PageInfo
from ..context import SiteContext, volume_label

LISTING_PAGE_SIZE = 50
MEDIA_LINK = re.compile(r"(\]\(\s*<?|^[ ]{0,3}\[[^\]]+\]:[ \t]*\n?[ \t]*<?)\.\./media/", re.M)

ListItem = Callable[[Document, str], list[str]]  # (document, the listing page's source) -> Markdown lines


def t(lang: str, key: str) -> str:
    return settings.text(lang, key)


def page(path: str, title: str, lines: list[str], sources: tuple[str, ...] = (), description: str = "",
         **info: str) -> Page:
    return Page(path, PageInfo(title, description, **info), "\n".join(lines) + "\n", sources)


def publishable(markdown: str, page_source: str) -> str:
    """A section as published: comments removed, and ``../media/`` links (relative to content/<kind>/)
    pointed at the media folder of the page's language."""
    lang = page_source.split("/", 1)[0]
    prefix = urls.link(page_source, urls.media(lang)) + "/"
    return MEDIA_LINK.sub(lambda m: m.group(1) + prefix, strip_comments(markdown))


def badges(ctx: SiteContext, doc: Document) -> str:
    """Evidence strength and type, and the publication date."""
    out = evidence_badges(ctx, doc)
    out.append(span(f"{esc(t(doc.lang, 'published'))} {doc.sort_date.isoformat()}", "pa-badge"))
    return " ".join(out)


def evidence_badges(ctx: SiteContext, doc: Document) -> list[str]:
    """"How sure are we": evidence strength (1-3, its definition as a tooltip) and the types of evidence."""
    lang = doc.lang
    level = ctx.model.evidence_strength.get(doc.evidence_strength)
    definition = level.definition[lang] if level else ""
    label = level.label(lang) if level else ""
    types = ", ".join(ctx.model.evidence_types[x][lang] if x in ctx.model.evidence_types else x
                      for x in doc.evidence_types)
    out = [span(f"{esc(t(lang, 'evidence'))}: {esc(label)} ({level.level if level else 0}/3)",
                f"pa-badge pa-evidence pa-evidence-{attr(doc.evidence_strength)}", definition)]
    if types:
        out.append(span(esc(types), "pa-badge"))
    return out


def readability_badge(doc: Document, report: dict, target: dict | None = None) -> str:
    """The main formula of the page's language (never Flesch-Kincaid on French), with its target."""
    metrics = (report or {}).get("metrics") or {}
    if doc.lang == "en" and metrics.get("fk_grade") is not None:
        value, key, goal_key, better = metrics["fk_grade"], "readability_grade", "en_grade", lambda v, g: v <= g
    elif doc.lang == "fr" and metrics.get("kandel_moles") is not None:
        value, key, goal_key, better = metrics["kandel_moles"], "readability_ease", "fr_kandel_moles", lambda v, g: v >= g
    else:
        return ""
    ok = None
    if target:
        ok = better(value, target[goal_key])
        key += "_target"
    goal = (target or {}).get(goal_key, "")
    text = t(doc.lang, key).format(value=f"{value:.0f}", target=goal)
    mark = "" if ok is None else (" ✓" if ok else " △")
    return span(f"{esc(text)}{mark}", "pa-badge pa-readability", t(doc.lang, "readability_note"))


def tag_line(ctx: SiteContext, doc: Document, page_source: str) -> str:
    """Topics and regions, each linking to its topic page."""
    x = ctx.extra(doc)
    parts = []
    for items, title in ((x.topics, "topics"), (x.regions, "regions")):
        if items:
            links = ", ".join(link(esc(tag.label), urls.link(page_source, urls.topic(doc.lang, tag.id))) for tag in items)
            parts.append(f"**{esc(t(doc.lang, title))}:** {links}")
    return "  \n".join(parts)


def summary(doc: Document) -> str:
    return paragraph(esc(doc.summary), "pa-summary")


def list_item(doc: Document, listing_source: str, target: str | None = None) -> list[str]:
    """A document in a listing: title linking to it, summary and date."""
    target = target or urls.document(BRIEF, doc.lang, doc.id)
    return [f"- {link(esc(doc.title), urls.link(listing_source, target))} — "
            f"{esc(doc.summary)} <small>({doc.sort_date.isoformat()})</small>"]


def key_messages_item(doc: Document, listing_source: str, target: str) -> list[str]:
    """A document with its key messages indented under it (audience landing pages)."""
    return ([f"- {link(esc(doc.title), urls.link(listing_source, target))} <small>({doc.sort_date.isoformat()})</small>"]
            + ["    " + line for line in strip_comments(doc.section("key-messages")).split("\n") if line.strip()])


def paginated(lang: str, folder: tuple[str, ...], title: str, intro: str, docs: list[Document],
              item: ListItem = list_item, by_year: bool = False,
              lead: Callable[[str, list[Document]], list[str]] | None = None) -> list[Page]:
    """Listing pages of at most LISTING_PAGE_SIZE items: pages stay small as the corpus grows. ``lead(here,
    chunk)`` gives lines shown under the intro of every page, from the page's own documents (e.g. the e-book
    volumes that hold them)."""
    chunks = [docs[i:i + LISTING_PAGE_SIZE] for i in range(0, len(docs), LISTING_PAGE_SIZE)] or [[]]
    pages = []
    for n, chunk in enumerate(chunks, 1):
        here = urls.listing(lang, folder, n)
        lines = [heading(1, esc(title) + (f" — {t(lang, 'page')} {n}" if n > 1 else "")), "", esc(intro), ""]
        lines += lead(here, chunk) if lead else []
        lines += _items(chunk, here, item, by_year) or [esc(t(lang, "no_briefs_yet"))]
        nav = page_links(lang, lambda k: urls.listing(lang, folder, k), n, len(chunks), here)
        if nav:
            lines += ["", " · ".join(nav)]
        pages.append(page(here, title, lines, tuple(d.path for d in chunk), intro))
    return pages


def _items(chunk: list[Document], here: str, item: ListItem, by_year: bool) -> list[str]:
    lines: list[str] = []
    year = None
    for doc in chunk:
        if by_year and doc.sort_date.year != year:
            year = doc.sort_date.year
            lines += ["", heading(2, str(year), f"y{year}"), ""]
        lines += item(doc, here)
    return lines


def page_links(lang: str, address: Callable[[int], str], n: int, count: int, here: str) -> list[str]:
    """Links to the previous and next pages of a paginated listing (``address(k)``: page k's source)."""
    nav = []
    if n > 1:
        nav.append(link(f"← {esc(t(lang, 'previous_page'))}", urls.link(here, address(n - 1))))
    if n < count:
        nav.append(link(f"{esc(t(lang, 'next_page'))} →", urls.link(here, address(n + 1))))
    return nav



def file_size(lang: str, size: int) -> str:
    """A download's size as readers say it: ``48 KB``, ``1.2 MB`` (``1,2 Mo`` in French)."""
    if size < 1_000_000:
        return t(lang, "size_kb").format(n=max(1, round(size / 1000)))
    number = f"{size / 1_000_000:.1f}"
    return t(lang, "size_mb").format(n=number.replace(".", ",") if lang == "fr" else number)


def ebook_links(ctx: SiteContext, lang: str, here: str, key: str, audience: str = "",
                holding: list[Document] | None = None) -> tuple[str, list[str]]:
    """Links to an e-book (``urls.ebook``) with their sizes, text from strings.yml ``key``: (the link, []) for a
    book in one volume, else (the text of ``key``_volumes, a link per volume, or per volume holding any of
    ``holding`` when given); ('', []) when the build made no such book (no brief for that reader in that
    language)."""
    volumes = ctx.ebook_volumes(lang, audience)
    numbers = (range(1, len(volumes) + 1) if holding is None or len(volumes) == 1
               else ctx.ebook_volumes_holding(lang, audience, holding))
    sizes = {n: ctx.download_size(urls.ebook(lang, audience, n)) for n in numbers}
    if not volumes or None in sizes.values():
        return "", []
    name = ctx.model.audiences[audience].landing[lang] if audience else ""
    if len(volumes) == 1:
        label = t(lang, key).format(size=file_size(lang, sizes[1]), audience=name)
        return link(esc(label), urls.link(here, urls.ebook(lang, audience))), []
    links = [link(esc(t(lang, "ebook_volume_size").format(volume=volume_label(lang, n, volumes[n - 1]),
                                                          size=file_size(lang, size))),
                  urls.link(here, urls.ebook(lang, audience, n)))
             for n, size in sizes.items()]
    return esc(t(lang, f"{key}_volumes").format(audience=name)), links
