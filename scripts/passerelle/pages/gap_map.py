"""The evidence gap map: IRCC Settlement Program services and themes (rows) by populations (columns),
each cell counting the studies (tagged literature entries), briefs and pilot summaries on both, coloured
by the strongest evidence among its briefs and pilots, with a page listing them behind each non-empty
cell. Empty cells are the point (3ie's terms): an *absolute gap* has no study, brief or pilot; a
*synthesis gap* has studies or pilots but no brief. Rebuilt with the site, so it is never out of date.

A real HTML table (caption, column and row headers with ``scope``), a text label in every cell besides
its colour, and no chart library."""
from __future__ import annotations

import html
from dataclasses import dataclass, field

from .. import urls
from ..context import SiteContext, newest_first
from ..kinds import BRIEF, PILOT, ContentKind
from ..markup import esc, from_pandoc, heading, link, reference, span
from ..records import LANGS, BibEntry, Document, Page
from ..vocabulary import load_vocabulary
from .common import LISTING_PAGE_SIZE, page, page_links, t

ROW_FACETS = ("service", "theme")  # IRCC Settlement Program components, then the vocabulary's themes
COLUMN_FACET = "population"
ANY = "any-population"  # the last column: the row's total, whatever the population
STATES = ("established", "promising", "emerging", "unrated", "synthesis", "absolute")


@dataclass(frozen=True)
class Item:
    """A study, brief or pilot as the map sees it: the vocabulary ids it is tagged with."""

    kind: str  # "study", BRIEF.name or PILOT.name
    key: str  # BibTeX key or document id
    tags: frozenset[str]
    doc: Document | None = None  # the version shown in the page's language (else the other one)
    entry: BibEntry | None = None


@dataclass(frozen=True)
class Cell:
    row: str
    column: str
    items: tuple[Item, ...] = field(default_factory=tuple)

    def of(self, kind: str) -> list[Item]:
        return [i for i in self.items if i.kind == kind]


def generate(ctx: SiteContext) -> list[Page]:
    return [p for lang in LANGS for p in gap_pages(ctx, lang)]


def items(ctx: SiteContext, lang: str) -> list[Item]:
    """Every study (literature entry), brief and pilot, with its tags; a document missing in ``lang``
    counts too (the evidence exists), shown in the language it has."""
    out = [Item("study", e.key, frozenset(x.id for x in ctx.tags_of_entry(e.key, lang)), entry=e)
           for e in sorted(ctx.literature.entries.values(), key=lambda e: e.key.lower())]
    for kind in (BRIEF, PILOT):
        for did, versions in ctx.documents(kind).items():
            doc = versions.get(lang) or next(iter(versions.values()))
            tags = {x.id for x in ctx.extra(doc).topics}
            if kind is PILOT:
                tags |= set(doc.pilot.services) | set(doc.pilot.populations)
            out.append(Item(kind.name, did, frozenset(tags), doc=doc))
    return out


def axes() -> tuple[list[tuple[str, list[tuple[str, dict[str, str]]]]], list[tuple[str, dict[str, str]]]]:
    """The rows, grouped by facet, and the columns: (id, labels) in the vocabulary's order."""
    concepts = load_vocabulary().concepts
    rows = [(facet, [(c.id, c.labels) for c in concepts if c.facet == facet]) for facet in ROW_FACETS]
    columns = [(c.id, c.labels) for c in concepts if c.facet == COLUMN_FACET]
    return rows, columns + [(ANY, {lang: t(lang, "gap_any_population") for lang in LANGS})]


def cell(row: str, column: str, everything: list[Item]) -> Cell:
    return Cell(row, column, tuple(i for i in everything if row in i.tags and (column == ANY or column in i.tags)))


def state(ctx: SiteContext, c: Cell) -> str:
    """The cell's class: the strongest evidence of its briefs and pilots, or the kind of gap it is."""
    if not c.of(BRIEF.name):
        return "synthesis" if c.items else "absolute"
    levels = [ctx.model.evidence_strength[i.doc.evidence_strength] for i in c.items
              if i.doc and i.doc.evidence_strength in ctx.model.evidence_strength]
    return max(levels, key=lambda level: level.level).id if levels else "unrated"


def state_label(ctx: SiteContext, lang: str, name: str) -> str:
    level = ctx.model.evidence_strength.get(name)
    if level:
        return t(lang, "gap_strongest").format(label=level.label(lang).strip(), level=level.level)
    return t(lang, f"gap_{name}")


def counts(lang: str, c: Cell) -> str:
    """``2 studies · 1 brief``: the non-zero counts of a cell, in words."""
    parts = []
    for kind in ("study", BRIEF.name, PILOT.name):
        n = len(c.of(kind))
        if n:
            parts.append(t(lang, f"gap_{kind}_one" if n == 1 else f"gap_{kind}_many").format(n=n))
    return " · ".join(parts)


def gap_pages(ctx: SiteContext, lang: str) -> list[Page]:
    rows, columns = axes()
    everything = items(ctx, lang)
    grid = {(r, c): cell(r, c, everything) for _, group in rows for r, _ in group for c, _ in columns}
    labels = {cid: lab[lang] for _, group in rows for cid, lab in group} | {cid: lab[lang] for cid, lab in columns}
    pages = [map_page(ctx, lang, rows, columns, grid)]
    pages += [p for c in grid.values() if c.items for p in cell_pages(ctx, lang, c, labels)]
    return pages


def map_page(ctx: SiteContext, lang: str, rows, columns, grid: dict[tuple[str, str], Cell]) -> Page:
    here = urls.gap_map(lang)
    states = [state(ctx, c) for c in grid.values()]
    summary = t(lang, "gap_summary").format(cells=len(states), absolute=states.count("absolute"),
                                            synthesis=states.count("synthesis"))
    lines = [heading(1, esc(t(lang, "gap_map"))), "", esc(t(lang, "gap_map_intro")), "",
             heading(2, esc(t(lang, "gap_legend")), "legend"), ""]
    lines += [f"- {span('', f'pa-gap-swatch pa-gap-{name}')} **{esc(state_label(ctx, lang, name))}** — "
              f"{esc(legend_note(ctx, lang, name))}" for name in STATES]
    lines += ["", heading(2, esc(t(lang, "gap_table")), "map"), "", esc(summary), ""]
    lines += [table(ctx, lang, here, rows, columns, grid), ""]
    sources = tuple(sorted({i.doc.path if i.doc else i.entry.path for c in grid.values() for i in c.items}))
    return page(here, t(lang, "gap_map"), lines, sources, t(lang, "gap_map_description"))


def legend_note(ctx: SiteContext, lang: str, name: str) -> str:
    level = ctx.model.evidence_strength.get(name)
    return level.definition[lang].split(":", 1)[1].strip() if level else t(lang, f"gap_{name}_note")


def table(ctx: SiteContext, lang: str, here: str, rows, columns, grid: dict[tuple[str, str], Cell]) -> str:
    """The map as one HTML table: headers with scope, a row group per facet, a text label in each cell."""
    e = html.escape
    out = ['<div class="pa-gap-scroll">', '<table class="pa-gap-table">', f"<caption>{e(t(lang, 'gap_caption'))}</caption>",
           "<thead><tr>", f'<th scope="col">{e(t(lang, "gap_corner"))}</th>']
    out += [f'<th scope="col">{e(labels[lang])}</th>' for _, labels in columns]
    out += ["</tr></thead>"]
    for facet, group in rows:
        out += ["<tbody>", f'<tr><th scope="rowgroup" colspan="{len(columns) + 1}" class="pa-gap-group">'
                f'{e(t(lang, f"gap_facet_{facet}"))}</th></tr>']
        for rid, labels in group:
            out += ["<tr>", f'<th scope="row">{e(labels[lang])}</th>']
            out += [table_cell(ctx, lang, here, grid[(rid, cid)]) for cid, _ in columns]
            out += ["</tr>"]
        out += ["</tbody>"]
    return "\n".join(out + ["</table>", "</div>"])


def table_cell(ctx: SiteContext, lang: str, here: str, c: Cell) -> str:
    name = state(ctx, c)
    label = f'<span class="pa-gap-state">{html.escape(state_label(ctx, lang, name))}</span>'
    if not c.items:
        return f'<td class="pa-gap pa-gap-{name}">{label}</td>'
    target = urls.href(here, urls.gap_cell(lang, c.row, c.column))
    return f'<td class="pa-gap pa-gap-{name}"><a href="{target}">{html.escape(counts(lang, c))}</a> {label}</td>'


def cell_pages(ctx: SiteContext, lang: str, c: Cell, labels: dict[str, str]) -> list[Page]:
    """What one cell counts: its briefs, pilots and studies, each linking to its page or formatted in full,
    LISTING_PAGE_SIZE to a page (a row's "all populations" cell holds the whole row)."""
    title = t(lang, "gap_cell_title").format(row=labels[c.row], column=labels[c.column])
    intro = t(lang, "gap_cell_intro").format(row=labels[c.row], column=labels[c.column])
    entries = [(kind, key, d) for kind, key in ((BRIEF, "briefs"), (PILOT, "pilots"))
               for d in newest_first(i.doc for i in c.of(kind.name))]
    entries += [(None, "studies", i) for i in c.of("study")]
    chunks = [entries[i:i + LISTING_PAGE_SIZE] for i in range(0, len(entries), LISTING_PAGE_SIZE)]
    # once per cell, not per page: each reads the whole cell, and a row's cell has pages in proportion to it
    summary = f"**{esc(state_label(ctx, lang, state(ctx, c)))}** — {esc(counts(lang, c))}"
    pages = []
    for n, chunk in enumerate(chunks, 1):
        here = urls.gap_cell(lang, c.row, c.column, n)
        lines = [heading(1, esc(title) + (f" — {t(lang, 'page')} {n}" if n > 1 else "")), "", esc(intro), "", summary]
        shown = None
        for kind, key, entry in chunk:
            if key != shown:
                lines += ["", heading(2, esc(t(lang, "gap_studies" if key == "studies" else key)), key), ""]
                shown = key
            lines.append(document_item(ctx, lang, here, kind, entry) if kind else study_item(ctx, lang, entry))
        nav = page_links(lang, lambda k: urls.gap_cell(lang, c.row, c.column, k), n, len(chunks), here)
        lines += ["", " · ".join(nav), ""] if nav else [""]
        lines += [link(f"← {esc(t(lang, 'gap_back'))}", urls.link(here, urls.gap_map(lang)))]
        # the inputs this page shows, not the whole cell's: each is on one page (the build report stays linear)
        sources = tuple(sorted({entry.path if kind else entry.entry.path for kind, _, entry in chunk}))
        pages.append(page(here, title, lines, sources, intro))
    return pages


def study_item(ctx: SiteContext, lang: str, item: Item) -> str:
    ref = ctx.references.get(lang, {}).get(item.key)
    return f"- {from_pandoc(ref) if ref else reference(item.entry.fields)}"


def document_item(ctx: SiteContext, lang: str, here: str, kind: ContentKind, doc: Document) -> str:
    """A brief or pilot in a cell's list: title linking to its page (a notice page when it is in the other
    language only), its evidence strength and date."""
    level = ctx.model.evidence_strength.get(doc.evidence_strength)
    facts = [t(lang, "search_other_language") if doc.lang != lang else "",
             f"{t(lang, 'evidence')}: {level.label(lang).strip()} ({level.level}/3)" if level else "",
             doc.sort_date.isoformat()]
    target = urls.link(here, urls.document(kind, lang, doc.id))
    return f"- {link(esc(doc.title), target)} — {esc(' · '.join(f for f in facts if f))}"
