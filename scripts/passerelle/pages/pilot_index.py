"""The funder view: every pilot grouped by funder and funding stream, with status, place and year, counts,
and filters that are generated pages (``/pilots/status/completed/``, ``/pilots/region/ca-on/``,
``/pilots/year/2019/``), so they work without JavaScript; and where the pilots are, by province and
territory, as a table."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Callable

from .. import pilotfacts as pf
from .. import urls
from ..context import SiteContext
from ..kinds import PILOT
from ..markup import esc, heading, link, table
from ..records import LANGS, Document, Page
from .common import page, t

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
        out.append(funder_view(lang, pilots))
        for facet in FACETS:
            for value in ordered(facet, pilots):
                out.append(filter_page(lang, pilots, facet, value))
    return out


def shown(ctx: SiteContext, lang: str) -> list[Document]:
    """Each pilot once, in the reader's language where it exists (else the other one: its address in the
    reader's language is the notice page), by title."""
    docs = [g.get(lang) or next(iter(g.values())) for g in ctx.documents(PILOT).values()]
    return sorted(docs, key=lambda d: (d.title.lower(), d.id))


def ordered(facet: Facet, pilots: list[Document]) -> list[str]:
    """The values pilots have, in a reading order: statuses and places as declared, years newest first,
    'not reported' last."""
    present = {v for d in pilots for v in facet.values(d)}
    order = {"status": pf.STATUSES, "region": pf.PLACES}.get(facet.name)
    known = [v for v in order if v in present] if order else sorted((v for v in present if v != pf.NOT_REPORTED),
                                                                    reverse=True)
    return known + sorted(present - set(known))


def funder_view(lang: str, pilots: list[Document]) -> Page:
    here = urls.listing(lang, FOLDER)
    lines = [heading(1, esc(t(lang, "pilots"))), "", esc(t(lang, "pilots_intro")), "",
             esc(t(lang, "pilots_total").format(n=len(pilots))), ""]
    lines += filters(lang, pilots, here) + by_funder(lang, pilots, here) + where(lang, pilots, here)
    return page(here, t(lang, "pilots"), lines, tuple(d.path for d in pilots), t(lang, "pilots_intro"))


def filter_page(lang: str, pilots: list[Document], facet: Facet, value: str) -> Page:
    here = urls.pilot_filter(lang, facet.name, value)
    chosen = [d for d in pilots if value in facet.values(d)]
    title = t(lang, "filter_title").format(facet=t(lang, facet.label_key), value=facet.label(value, lang))
    intro = t(lang, "filter_intro").format(n=len(chosen), total=len(pilots))
    lines = [heading(1, esc(title)), "", esc(intro), "",
             link(esc(t(lang, "filter_all")), urls.link(here, urls.listing(lang, FOLDER))), ""]
    lines += filters(lang, pilots, here, (facet.name, value)) + by_funder(lang, chosen, here)
    return page(here, title, lines, tuple(d.path for d in chosen), intro)


def filters(lang: str, pilots: list[Document], here: str, current: tuple[str, str] = ("", "")) -> list[str]:
    """Each facet's values with their counts, each a link to its page (the current one in bold)."""
    lines = []
    for facet in FACETS:
        counts = Counter(v for d in pilots for v in facet.values(d))
        items = []
        for value in ordered(facet, pilots):
            text = f"{esc(facet.label(value, lang))} ({counts[value]})"
            items.append(f"**{text}**" if (facet.name, value) == current
                         else link(text, urls.link(here, urls.pilot_filter(lang, facet.name, value))))
        lines += [f"**{esc(t(lang, 'label_colon').format(text=t(lang, facet.title_key)))}** " + " · ".join(items), ""]
    return lines


def by_funder(lang: str, pilots: list[Document], here: str) -> list[str]:
    """A section per funder, a table per funding stream: pilot, lead, status, where, year."""
    groups: dict[str, dict[str, list[Document]]] = {}
    for doc in pilots:
        p = doc.pilot
        funder = p.funder or t(lang, "funder_not_reported")
        groups.setdefault(funder, {}).setdefault(p.funding_stream or t(lang, "stream_not_reported"), []).append(doc)
    lines: list[str] = []
    for n, funder in enumerate(sorted(groups, key=lambda f: (not any(d.pilot.funder for s in groups[f].values()
                                                                       for d in s), f.lower())), 1):
        streams = groups[funder]
        lines += [heading(2, f"{esc(funder)} ({sum(map(len, streams.values()))})", f"funder-{n}"), ""]
        for stream in sorted(streams):
            lines += [heading(3, f"{esc(stream)} ({len(streams[stream])})"), ""]
            lines += table([esc(t(lang, k)) for k in ("pilot_column", "fact_lead", "fact_status", "fact_regions", "fact_year")],
                           [row(lang, d, here) for d in streams[stream]]) + [""]
    return lines


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
