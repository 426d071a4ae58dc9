"""Audience views on the built bundled site: one addressable view per audience in both languages,
landing pages newest first, and downloads (BibTeX, RIS, CSL-JSON, DOCX handouts) that parse back."""
from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import bibtexparser
import yaml

from browser import chromium, record_outside_requests, serve
from conftest import REPO

AUDIENCES = yaml.safe_load((REPO / "scripts/passerelle/data/audiences.yml").read_text(encoding="utf-8"))["audiences"]


def briefs() -> dict[str, list[str]]:
    out = {}
    for p in sorted((REPO / "content/briefs").glob("*.en.md")):
        meta = yaml.safe_load(p.read_text(encoding="utf-8").split("---")[1])
        out[meta["id"]] = meta["audiences"]
    return out


def test_every_bundled_brief_has_three_audience_views_in_both_languages(bundled_site: Path):
    site = bundled_site / "site"
    for bid, audiences in briefs().items():
        assert len(audiences) >= 3, bid
        for prefix in ("", "fr/"):
            for a in audiences:
                page = site / f"{prefix}briefs/{bid}/{a}/index.html"
                html = page.read_text(encoding="utf-8")
                assert f'id="{a}"' in html, page
                heading = AUDIENCES[a]["heading"]["fr" if prefix else "en"]
                assert heading.replace("'", "&#x27;") in html or heading in html


def test_audience_links_open_their_view_in_chromium(bundled_site: Path):
    bid, audiences = next(iter(briefs().items()))
    with serve(bundled_site / "site") as base, chromium() as browser:
        page = browser.new_page()
        outside = record_outside_requests(page, base)
        for prefix, lang in (("", "en"), ("/fr", "fr")):
            for a in audiences:
                page.goto(f"{base}{prefix}/briefs/{bid}/")
                page.get_by_role("link", name=AUDIENCES[a]["heading"][lang], exact=True).first.click()
                page.wait_for_load_state()
                assert page.url.endswith(f"/briefs/{bid}/{a}/")
                part = page.locator(f"#{a}")
                assert part.is_visible()
                assert AUDIENCES[a]["heading"][lang] in part.inner_text()
                # the other parts are not on this view: one reader, one page
                others = [o for o in audiences if o != a]
                assert all(page.locator(f"#{o}").count() == 0 for o in others)
        assert outside == []


def test_landing_pages_list_briefs_newest_first_with_key_messages(bundled_site: Path):
    site = bundled_site / "site"
    html = (site / "fr/audiences/frontline/index.html").read_text(encoding="utf-8")
    assert '<html lang="fr"' in html and "Pour les intervenants" in html
    dates = re.findall(r"<small>\((\d{4}-\d{2}-\d{2})\)</small>", html)
    assert dates and dates == sorted(dates, reverse=True)
    assert html.count("/frontline/") >= len(briefs())


def test_citation_downloads_parse_back(bundled_site: Path):
    site = bundled_site / "site"
    for bid in briefs():
        folder = site / "briefs" / bid
        lib = bibtexparser.parse_string((folder / f"{bid}.bib").read_text(encoding="utf-8"))
        assert lib.entries and not lib.failed_blocks
        csl = json.loads((folder / f"{bid}.json").read_text(encoding="utf-8"))
        assert {e.key for e in lib.entries} == {c["id"] for c in csl}
        assert all(c.get("title") and c.get("issued") for c in csl)
        ris = (folder / f"{bid}.ris").read_text(encoding="utf-8").replace("\r\n", "\n").strip().split("\n")
        assert ris[0].startswith("TY  - ") and ris[-1].startswith("ER  -")
        assert all(re.match(r"^[A-Z][A-Z0-9]  -( |$)", line) for line in ris if line)


def test_handouts_are_docx_with_the_audience_part(bundled_site: Path):
    site = bundled_site / "site"
    bid, audiences = next(iter(briefs().items()))
    for prefix, lang in (("", "en"), ("fr/", "fr")):
        for a in audiences:
            path = site / f"{prefix}briefs/{bid}/{a}/{bid}-{a}.docx"
            with zipfile.ZipFile(path) as z:
                xml = z.read("word/document.xml").decode("utf-8")
            assert AUDIENCES[a]["heading"][lang].replace("'", "’")[:12] in xml.replace("&apos;", "'").replace("'", "’")


def test_an_audience_view_prints_on_one_or_two_pages(bundled_site: Path):
    """The print stylesheet drops the site's chrome, so one reader's view fits a handout."""
    with serve(bundled_site / "site") as base, chromium() as browser:
        page = browser.new_page()
        for bid, audiences in briefs().items():
            for prefix in ("", "/fr"):
                for a in audiences:
                    page.goto(f"{base}{prefix}/briefs/{bid}/{a}/")
                    pdf = page.pdf(format="Letter")
                    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
                    assert 1 <= pages <= 2, (prefix, bid, a, pages)
        page.emulate_media(media="print")
        assert not page.locator(".md-header").is_visible()
