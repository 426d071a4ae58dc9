"""The funder view: every pilot grouped by funder and funding stream, with status, place and year, counts,
and filters that are generated pages (``/pilots/status/completed/``, ``/pilots/region/ca-on/``,
``/pilots/year/2019/``), so they work without JavaScript; and where the pilots are, by province and
territory, as a table. Every list is cut into pages of LISTING_PAGE_SIZE pilots, so that a national hub's
funder view stays as light as a small one's."""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from itertools import groupby
from typing import Callable

from .. import pilotfacts as pf
from .. import urls
from ..context import SiteContext
from ..kinds import PILOT
from ..markup import esc, heading, link, table
from ..records import LANGS, Document, Page
from .common import LISTING_PAGE_SIZE, page, page_links, t

FOLDER = ("pilots",)


@dataclass(frozen=True)
class Facet:
    name: str  # the address segment: pilots/<name>/<value>/
    title_key: str  # strings.yml: the filter's heading
    label_key: str  # strings.yml: the facet's name in a filter page's title
    values: Callable[[Document], tuple[str, ...]]  # the values a pilot is filed under
    label: Callable[[str, str], str]  # (value, lang) -> its label


def _year(doc: Document) -> tuple[str, ...]:
    return (str(doc.pilot.year) if doc.pilot.year else pf.NOT_REPORTED,)


def _place_label(value: str, lang: str) -> str:
    return t(lang, "region_not-reported") if value == pf.NOT_REPORTED else pf.place(value, lang)


FACETS = (
    Facet("status", "filter_by_status", "fact_status", lambda d: (pf.status_key(d.pilot),),
          lambda v, lang: t(lang, f"status_{v}")),
    Facet("region", "filter_by_region", "fact_regions", pf.regions, _place_label),
    Facet("year", "filter_by_year", "fact_year", _year,
          lambda v, lang: t(lang, "not_reported") if v == pf.NOT_REPORTED else v),
)


def generate(ctx: SiteContext) -> list[Page]:
    out = []
    for lang in LANGS:
        pilots = shown(ctx, lang)
        values = facet_values(pilots)
        out += funder_view(lang, pilots, values)
        for facet, counts in values:
            for value in counts:
                out += filter_pages(lang, pilots, values, facet, value)
    return out


def shown(ctx: SiteContext, lang: str) -> list[Document]:
    """Each pilot once, in the reader's language where it exists (else the other one: its address in the
    reader's language is the notice page), by title."""
    docs = [g.get(lang) or next(iter(g.values())) for g in ctx.documents(PILOT).values()]
    return sorted(docs, key=lambda d: (d.title.lower(), d.id))


FacetValues = list[tuple[Facet, dict[str, int]]]  # each facet's values, in reading order, with their counts


def facet_values(pilots: list[Document]) -> FacetValues:
    """The values pilots have and how many have each, counted once for every page that shows the filters."""
    out = []
    for facet in FACETS:
        counts = Counter(v for d in pilots for v in facet.values(d))
        out.append((facet, {v: counts[v] for v in ordered(facet, counts)}))
    return out


def ordered(facet: Facet, present: Counter[str]) -> list[str]:
    """The values pilots have, in a reading order: statuses and places as declared, years newest first,
    'not reported' last."""
    order = {"status": pf.STATUSES, "region": pf.PLACES}.get(facet.name)
    known = [v for v in order if v in present] if order else sorted((v for v in present if v != pf.NOT_REPORTED),
                                                                    reverse=True)
    return known + sorted(set(present) - set(known))


def funder_view(lang: str, pilots: list[Document], values: FacetValues) -> list[Page]:
    """Every pilot, by funder, LISTING_PAGE_SIZE rows to a page; where the pilots are on the first page."""
    title, intro = t(lang, "pilots"), t(lang, "pilots_intro")

    def head(here: str, n: int) -> list[str]:
        return ([heading(1, esc(title) + page_suffix(lang, n)), "", esc(intro), "",
                 esc(t(lang, "pilots_total").format(n=len(pilots))), ""] + filters(lang, values, here))

    return listing(lang, funder_rows(lang, pilots), lambda k: urls.listing(lang, FOLDER, k), head, title, intro,
                   lambda here: where(lang, pilots, here))


def filter_pages(lang: str, pilots: list[Document], values: FacetValues, facet: Facet, value: str) -> list[Page]:
    """The pilots with one value of a facet, by funder, LISTING_PAGE_SIZE rows to a page."""
    chosen = [d for d in pilots if value in facet.values(d)]
    title = t(lang, "filter_title").format(facet=t(lang, facet.label_key), value=facet.label(value, lang))
    intro = t(lang, "filter_intro").format(n=len(chosen), total=len(pilots))

    def head(here: str, n: int) -> list[str]:
        return ([heading(1, esc(title) + page_suffix(lang, n)), "", esc(intro), "",
                 link(esc(t(lang, "filter_all")), urls.link(here, urls.listing(lang, FOLDER))), ""]
                + filters(lang, values, here, (facet.name, value)))

    return listing(lang, funder_rows(lang, chosen), lambda k: urls.pilot_filter(lang, facet.name, value, k), head,
                   title, intro)


def page_suffix(lang: str, n: int) -> str:
    return f" — {t(lang, 'page')} {n}" if n > 1 else ""


def filters(lang: str, values: FacetValues, here: str, current: tuple[str, str] = ("", "")) -> list[str]:
    """Each facet's values with their counts, each a link to its page (the current one in bold)."""
    lines = []
    for facet, counts in values:
        items = []
        for value, count in counts.items():
            text = f"{esc(facet.label(value, lang))} ({count})"
            items.append(f"**{text}**" if (facet.name, value) == current
                         else link(text, urls.link(here, urls.pilot_filter(lang, facet.name, value))))
        lines += [f"**{esc(t(lang, 'label_colon').format(text=t(lang, facet.title_key)))}** " + " · ".join(items), ""]
    return lines


@dataclass(frozen=True)
class FunderRow:
    """A pilot in the funder view's order, with the funder's number (its anchor: ``funder-<n>``) and stream."""
    funder_number: int
    funder: str
    stream: str
    doc: Document


def funder_rows(lang: str, pilots: list[Document]) -> list[FunderRow]:
    """Pilots by funder (reported funders first, by name), then funding stream, then title."""
    groups: dict[str, dict[str, list[Document]]] = {}
    for doc in pilots:
        p = doc.pilot
        funder = p.funder or t(lang, "funder_not_reported")
        groups.setdefault(funder, {}).setdefault(p.funding_stream or t(lang, "stream_not_reported"), []).append(doc)
    funders = sorted(groups, key=lambda f: (not any(d.pilot.funder for s in groups[f].values() for d in s), f.lower()))
    return [FunderRow(n, funder, stream, doc)
            for n, funder in enumerate(funders, 1) for stream in sorted(groups[funder]) for doc in groups[funder][stream]]


def listing(lang: str, rows: list[FunderRow], address: Callable[[int], str], head: Callable[[str, int], list[str]],
            title: str, intro: str, first_page_end: Callable[[str], list[str]] | None = None) -> list[Page]:
    """A funder listing cut into pages of LISTING_PAGE_SIZE rows, so that no page grows with the number of
    pilots; the first page says on which page each funder begins when there is more than one."""
    count = max(1, math.ceil(len(rows) / LISTING_PAGE_SIZE))
    sizes = Counter(r.funder_number for r in rows) + Counter((r.funder_number, r.stream) for r in rows)
    pages = []
    for n in range(1, count + 1):
        here, start = address(n), (n - 1) * LISTING_PAGE_SIZE
        lines = head(here, n)
        if n == 1 and count > 1:
            lines += funder_contents(lang, rows, sizes, address, here)
        lines += by_funder(lang, rows, sizes, start, here)
        nav = page_links(lang, address, n, count, here)
        lines += [" · ".join(nav), ""] if nav else []
        lines += first_page_end(here) if n == 1 and first_page_end else []
        pages.append(page(here, title, lines, tuple(r.doc.path for r in rows[start:start + LISTING_PAGE_SIZE]), intro))
    return pages


def funder_contents(lang: str, rows: list[FunderRow], sizes: Counter, address: Callable[[int], str],
                    here: str) -> list[str]:
    """Each funder with its number of pilots, linking to where its section begins."""
    begins = {}
    for i, r in enumerate(rows):
        begins.setdefault(r.funder_number, (r.funder, i // LISTING_PAGE_SIZE + 1))
    items = [link(f"{esc(funder)} ({sizes[number]})", urls.link(here, address(k)) + f"#funder-{number}")
             for number, (funder, k) in begins.items()]
    return [f"**{esc(t(lang, 'label_colon').format(text=t(lang, 'funders')))}** " + " · ".join(items), ""]


def by_funder(lang: str, rows: list[FunderRow], sizes: Counter, start: int, here: str) -> list[str]:
    """The page's pilots (LISTING_PAGE_SIZE rows from ``start``), a section per funder and a table per funding
    stream: pilot, lead, status, where, year. ``sizes`` counts the whole listing's funders (by number) and
    streams (by funder number and stream); a section begun on the page before says it continues."""
    columns = [esc(t(lang, k)) for k in ("pilot_column", "fact_lead", "fact_status", "fact_regions", "fact_year")]
    lines: list[str] = []
    previous = rows[start - 1] if start else None
    for (number, stream), group in groupby(rows[start:start + LISTING_PAGE_SIZE], lambda r: (r.funder_number, r.stream)):
        group = list(group)
        same_funder = previous is not None and previous.funder_number == number
        if not same_funder or not lines:
            text = f"{esc(group[0].funder)} ({sizes[number]})"
            lines += [heading(2, continued(lang, text) if same_funder else text, f"funder-{number}"), ""]
        text = f"{esc(stream)} ({sizes[number, stream]})"
        lines += [heading(3, continued(lang, text) if same_funder and previous.stream == stream else text), ""]
        lines += table(columns, [row(lang, r.doc, here) for r in group]) + [""]
        previous = group[-1]
    return lines


def continued(lang: str, heading_text: str) -> str:
    """The heading of a section begun on the page before."""
    before, _, after = t(lang, "continued").partition("{heading}")
    return esc(before) + heading_text + esc(after)


def row(lang: str, doc: Document, here: str) -> list[str]:
    p = doc.pilot
    places = ", ".join(esc(pf.place(r, lang)) for r in doc.regions) or esc(t(lang, "not_reported"))
    return [link(esc(doc.title), urls.link(here, urls.document(PILOT, lang, doc.id))),
            esc(pf.or_not_reported(p.lead_organization, lang)), esc(pf.status(p, lang)), places, esc(pf.year(p, lang))]


def where(lang: str, pilots: list[Document], here: str) -> list[str]:
    """Pilots by province and territory (every one listed, zeros included: empty places are the point)."""
    counts = Counter(v for d in pilots for v in pf.regions(d))
    rows = []
    for value in pf.PLACES + (pf.NOT_REPORTED,):
        label = esc(_place_label(value, lang))
        cell = link(label, urls.link(here, urls.pilot_filter(lang, "region", value))) if counts[value] else label
        rows.append([cell, str(counts[value])])
    return ([heading(2, esc(t(lang, "where_title")), "where"), "", esc(t(lang, "label_colon").format(text=t(lang, "where_caption"))), ""]
            + table([esc(t(lang, "where_place")), esc(t(lang, "where_count"))], rows) + [""])
