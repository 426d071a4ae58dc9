"""The evidence gap map: counts of studies, briefs and pilots per service/theme and population, the gaps
(absolute, synthesis) and the strongest evidence; a real table that axe, the keyboard and print accept."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from passerelle import settings
from passerelle.context import SiteContext
from passerelle.pages import gap_map
from passerelle.records import BibEntry, Document, DocumentExtras, Labelled, Literature, Page, Project

from browser import chromium, serve
from test_a11y import AXE, violations


def _doc(kind: str, did: str, lang: str, strength: str = "", **meta) -> Document:
    fields = {"id": did, "type": kind, "title": f"{kind} {did} ({lang})", "summary": "s", "published": "2026-11-23",
              **({"evidence": {"strength": strength, "type": []}} if strength else {}), **meta}
    return Document(f"content/{kind}s/{did}.{lang}.md", kind, lang, fields, "", 1)


def _tags(*ids: str) -> DocumentExtras:
    return DocumentExtras(topics=tuple(Labelled(i, i) for i in ids))


@pytest.fixture
def ctx() -> SiteContext:
    """Two briefs, two pilots (one declaring its services and populations only in its front matter, one in
    French only) and two studies, tagged by hand."""
    docs = [_doc("brief", "b-emerging", "en", "emerging"), _doc("brief", "b-emerging", "fr", "emerging"),
            _doc("brief", "b-lang", "en", "emerging"),
            _doc("pilot", "p-declared", "en", "established", services=["employment"], populations=["refugees"]),
            _doc("pilot", "p-french", "fr", "promising")]
    extras = {docs[0].path: _tags("employment", "youth"), docs[1].path: _tags("employment", "youth"),
              docs[2].path: _tags("language-training", "women"), docs[4].path: _tags("digital-inclusion", "seniors")}
    entries = {k: BibEntry(k, "report", {"title": f"Study {k}", "author": "Someone", "year": "2020"}, "literature/x.bib", 1, "")
               for k in ("s-employment", "s-digital")}
    literature = Literature(entries=entries)
    entry_tags = {"s-employment": {lang: (Labelled("employment", "e"), Labelled("refugees", "r")) for lang in ("en", "fr")},
                  "s-digital": {lang: (Labelled("digital-inclusion", "d"),) for lang in ("en", "fr")}}
    return SiteContext(Project("/tmp/x", tuple(docs), literature, (), ()), extras, {}, entry_tags=entry_tags)


def _cell(ctx, lang, row, column) -> gap_map.Cell:
    return gap_map.cell(row, column, gap_map.items(ctx, lang))


def test_cells_count_studies_briefs_and_pilots_on_both_axes(ctx):
    c = _cell(ctx, "en", "employment", "refugees")
    assert [i.key for i in c.of("study")] == ["s-employment"] and [i.key for i in c.of("pilot")] == ["p-declared"]
    assert c.of("brief") == [] and gap_map.state(ctx, c) == "synthesis"  # studies and a pilot, no brief
    youth = _cell(ctx, "en", "employment", "youth")
    assert [i.key for i in youth.of("brief")] == ["b-emerging"] and gap_map.state(ctx, youth) == "emerging"
    row = _cell(ctx, "en", "employment", gap_map.ANY)  # the row's total, whatever the population
    assert sorted(i.key for i in row.items) == ["b-emerging", "p-declared", "s-employment"]
    assert gap_map.state(ctx, row) == "established"  # the strongest of the brief (1/3) and the pilot (3/3)
    assert gap_map.counts("en", row) == "1 study · 1 brief · 1 pilot"
    assert gap_map.counts("fr", _cell(ctx, "fr", "employment", gap_map.ANY)) == "1 étude · 1 résumé · 1 projet pilote"


def test_empty_cells_are_absolute_gaps_and_a_pilot_alone_is_a_synthesis_gap(ctx):
    empty = _cell(ctx, "en", "mental-health", "youth")
    assert empty.items == () and gap_map.state(ctx, empty) == "absolute"
    study_only = _cell(ctx, "en", "digital-inclusion", gap_map.ANY)
    assert [i.kind for i in study_only.items] == ["study", "pilot"] and gap_map.state(ctx, study_only) == "synthesis"
    french_only = _cell(ctx, "en", "digital-inclusion", "seniors")  # a pilot in French only counts on English pages
    assert [(i.key, i.doc.lang) for i in french_only.items] == [("p-french", "fr")]


def _pages(ctx, lang) -> dict[str, Page]:
    return {p.path: p for p in gap_map.generate(ctx) if p.lang == lang}


def test_the_map_is_a_table_with_headers_and_a_text_label_in_every_cell(ctx):
    pages = _pages(ctx, "en")
    body = pages["en/gap-map/index.md"].body
    table = body[body.index("<table"):body.index("</table>")]
    rows, columns = gap_map.axes()
    n_rows = sum(len(group) for _, group in rows)
    assert table.count('<th scope="col">') == len(columns) + 1 == 8 and "<caption>" in table
    assert table.count('<th scope="row">') == n_rows == 17 and table.count('scope="rowgroup"') == 2
    cells = re.findall(r'<td class="pa-gap pa-gap-(\w+)">(.*?)</td>', table)
    assert len(cells) == n_rows * len(columns)
    assert all('class="pa-gap-state">' in inner and re.search(r'state">[^<]+<', inner) for _, inner in cells)
    linked = [inner for _, inner in cells if "<a " in inner]
    assert len(linked) == len([p for p in pages if p.count("/") == 3])  # a page behind every non-empty cell
    assert '<a href="employment/refugees/">1 study · 1 pilot</a> <span class="pa-gap-state">Synthesis gap</span>' in table
    states = [state for state, _ in cells]
    assert f"119 cells: {states.count('absolute')} absolute gaps and {states.count('synthesis')} synthesis gaps." in body
    # synthesis: employment × refugees, digital inclusion × seniors and × all; established: employment × all (the
    # pilot's 3/3 beside a 1/3 brief); emerging: employment × youth, language training × women and × all
    assert (states.count("synthesis"), states.count("established"), states.count("emerging")) == (3, 1, 3)


def test_a_cell_page_lists_what_it_counts(ctx):
    page = _pages(ctx, "en")["en/gap-map/digital-inclusion/seniors.md"]
    assert "[pilot p-french (fr)](../../pilots/p-french/index.md)" in page.body  # the notice page of English
    assert settings.text("en", "search_other_language") in page.body
    study = _pages(ctx, "en")["en/gap-map/digital-inclusion/any-population.md"].body
    assert "Study s-digital" in study and "[" in study and "](../index.md)" in study  # back to the map


PILOT = """---
id: employment-pilot
type: pilot
title: "A job-search pilot for refugees"
summary: "An agency tried a job-search group for refugees; written for this test only."
lead_organization: "A settlement agency (test)"
funder: "A funder (test)"
status: active
services: [employment]
populations: [refugees]
sources: [peacegeeks2019settlement]
evidence: {strength: promising, type: [interviews]}
updated: 2026-12-03
---

## What was tried {#what-was-tried}

A weekly group for job search.

## For whom {#for-whom}

Refugees.

## What happened {#what-happened}

Nothing reported yet.

## Lessons for others {#lessons}

None yet.
"""


def test_a_pilot_in_a_project_is_counted_and_listed(project):
    from passerelle.build import build

    (project / "content" / "pilots").mkdir()
    (project / "content" / "pilots" / "employment-pilot.en.md").write_text(PILOT, encoding="utf-8")
    result = build(project)
    pilot_errors = [d for d in result.diagnostics if "pilots" in d.path and d.severity == "error"]
    assert not pilot_errors, pilot_errors
    for prefix, label, gap in (("", "Employment-related services", "Synthesis gap"), ("fr/", "Services liés à l'emploi", "Lacune de synthèse")):
        html = (project / "site" / prefix / "gap-map" / "index.html").read_text(encoding="utf-8")
        row = next(r for r in re.findall(r"<tr>(.*?)</tr>", html, re.S) if f">{label.replace(chr(39), '&#x27;')}</th>" in r
                   or f">{label}</th>" in r)
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        refugees = cells[0]  # the first column: refugees
        assert ("1 pilot" in refugees or "1 projet pilote" in refugees) and gap in refugees, refugees
        cell_page = (project / "site" / prefix / "gap-map" / "employment" / "refugees" / "index.html").read_text(encoding="utf-8")
        assert "A job-search pilot for refugees" in cell_page and 'href="../../../pilots/employment-pilot/"' in cell_page
    assert "gap-map/" in result.report.inputs["content/pilots/employment-pilot.en.md"].pages  # accounted for


# ---------------------------------------------------------------- the bundled site in Chromium


@pytest.fixture(scope="module")
def browser_page(bundled_site: Path):
    with serve(bundled_site / "site") as base, chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(15_000)
        yield bundled_site / "site", base, page


HEADERS = """() => [...document.querySelectorAll('table.pa-gap-table tbody td')].map(td => {
  const tr = td.parentElement, cols = [...document.querySelectorAll('table.pa-gap-table thead th')];
  return {row: tr.querySelector('th[scope=row]').textContent.trim(), col: cols[td.cellIndex].textContent.trim(),
          text: td.innerText.trim(), bg: getComputedStyle(td).backgroundColor, link: td.querySelector('a')?.href || ''};
})"""


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_bundled_map_passes_axe_and_every_cell_has_headers_and_text(browser_page, lang):
    site, base, page = browser_page
    prefix = "/fr/" if lang == "fr" else "/"
    page.goto(base + prefix + "gap-map/")
    assert violations(page) == []
    cells = page.evaluate(HEADERS)
    assert len(cells) == 17 * 7 and all(c["row"] and c["col"] and c["text"] for c in cells)
    by_state = {}
    for c in cells:
        by_state.setdefault(c["bg"], set()).add(c["text"].split("\n")[-1])
    assert all(len(texts) == 1 for texts in by_state.values()), by_state  # one colour, one text label
    youth = next(c for c in cells if c["link"].endswith("/gap-map/employment/youth/"))
    page.goto(youth["link"])
    assert violations(page) == []
    assert page.locator("h1").count() == 1 and page.locator("a[href$='briefs/services-youth-women-seniors/']").count() == 1


def test_the_map_is_in_the_nav_and_reached_by_keyboard(browser_page):
    _, base, page = browser_page
    page.goto(base + "/")
    assert page.locator(".md-tabs a[href$='gap-map/']").inner_text().strip() == "Evidence gap map"
    page.goto(base + "/gap-map/")
    first = page.locator("table.pa-gap-table td a").first.get_attribute("href")
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('table.pa-gap-table') !== null"):
            break
    assert page.evaluate("document.activeElement.getAttribute('href')") == first
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == base + "/gap-map/" + first


def test_the_map_prints_as_a_table_without_the_site_furniture(browser_page):
    _, base, page = browser_page
    page.goto(base + "/gap-map/")
    page.emulate_media(media="print")
    try:
        assert not page.locator(".md-header").is_visible() and page.locator("table.pa-gap-table").is_visible()
        sizes = page.evaluate("""() => { const t = document.querySelector('table.pa-gap-table');
            return {table: t.getBoundingClientRect().width, page: document.querySelector('.md-content').getBoundingClientRect().width,
                    overflow: getComputedStyle(t.parentElement).overflowX}; }""")
        assert sizes["table"] <= sizes["page"] + 1 and sizes["overflow"] == "visible", sizes
        assert page.locator(".pa-gap-state").count() == 17 * 7  # the labels print, whatever the printer does with colour
    finally:
        page.emulate_media(media="screen")


def test_a_cell_with_more_than_a_page_of_entries_is_paginated(ctx, monkeypatch):
    """A row's 'all populations' cell holds the whole row: at 1,000 briefs one page of it weighed 231 KB."""
    monkeypatch.setattr(gap_map, "LISTING_PAGE_SIZE", 2)
    pages = _pages(ctx, "en")
    first, second = "en/gap-map/employment/any-population.md", "en/gap-map/employment/any-population/page-2.md"
    assert first in pages and second in pages  # three entries: a brief, a pilot, a study
    assert "page-2" in pages[first].body and "page-3" not in pages[first].body
    assert pages[first].body.count("\n- ") == 2 and pages[second].body.count("\n- ") == 1
    assert "](../any-population.md)" in pages[second].body  # back to page 1


def test_a_cell_page_names_as_sources_only_the_entries_it_shows(ctx, monkeypatch):
    """Each entry of a cell is on one of its pages, and the build report says which: when every page named
    the whole cell, the report grew as the square of the corpus (121 MB at 3,000 briefs)."""
    monkeypatch.setattr(gap_map, "LISTING_PAGE_SIZE", 2)
    pages = _pages(ctx, "en")
    cell = [p for path, p in pages.items() if "/employment/any-population" in path]
    assert len(cell) == 2
    named = [src for p in cell for src in p.sources]
    assert len(named) == len(set(named)) == 3  # a brief, a pilot, a study: each named once
    for p in cell:
        assert all(src.rsplit("/", 1)[-1].split(".")[0] in p.body or src.startswith("literature/") for src in p.sources)


def test_a_cells_pages_read_the_whole_cell_once_not_once_per_page(ctx, monkeypatch):
    """A row's "all populations" cell holds the whole row, and has a page for every LISTING_PAGE_SIZE of
    it: reading the whole cell again for each page made the map grow as the square of the corpus (22.7 s
    of CPU at 10,000 briefs against 1.6 s at 3,000)."""
    cell = gap_map.cell("employment", gap_map.ANY, gap_map.items(ctx, "en"))
    labels = {"employment": "Employment", gap_map.ANY: "Any"}
    real_of = gap_map.Cell.of
    reads = []
    monkeypatch.setattr(gap_map.Cell, "of", lambda c, kind: reads.append(kind) or real_of(c, kind))
    reads_per_size = {}
    for size in (1, len(cell.items)):
        monkeypatch.setattr(gap_map, "LISTING_PAGE_SIZE", size)
        reads.clear()
        pages = gap_map.cell_pages(ctx, "en", cell, labels)
        assert len(pages) == len(cell.items) // size
        reads_per_size[size] = len(reads)
    assert len(cell.items) == 3 and reads_per_size[1] == reads_per_size[3]  # as many reads for 3 pages as for 1
