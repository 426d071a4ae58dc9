"""`passerelle build --offline`: site-offline.zip, unzipped in a temporary folder, works from file:// in
Debian's Chromium — navigation, language switch, audience views, downloads, search in both languages —
with no request leaving the folder; the published About pages link to it with its size."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from browser import chromium
from conftest import REPO, command, copy_project

BRIEF = "newcomers-not-using-services"


@pytest.fixture(scope="module")
def offline(tmp_path_factory) -> tuple[Path, Path]:
    root = copy_project(REPO, tmp_path_factory.mktemp("offline"))
    r = command("build", "--offline", cwd=root)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    folder = tmp_path_factory.mktemp("unzipped")
    with zipfile.ZipFile(root / "site" / "site-offline.zip") as zf:
        assert {name.split("/", 1)[0] for name in zf.namelist()} == {"site-offline"}  # one folder, nothing scattered
        zf.extractall(folder)
    return root / "site", folder / "site-offline"


def test_about_pages_link_the_bundle_with_its_size(offline):
    site, folder = offline
    size = (site / "site-offline.zip").stat().st_size
    en = (site / "about" / "index.html").read_text(encoding="utf-8")
    fr = (site / "fr" / "about" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="\.\./site-offline\.zip" download>[^<]*\(%s MB\)' % re.escape(f"{size / 1e6:.1f}"), en)
    assert re.search(r'<a href="\.\./\.\./site-offline\.zip" download>[^<]*Mo\)', fr)
    assert "site-offline.zip" not in (folder / "about" / "index.html").read_text(encoding="utf-8")  # not in itself


def test_bundle_is_reproducible(offline, tmp_path):
    from passerelle.sitegen import make_bundle

    site, _ = offline
    first = (site / "site-offline.zip").read_bytes()
    assert make_bundle(site).read_bytes() == first


def test_every_link_of_the_bundle_names_a_file_that_exists(offline):
    _, folder = offline
    broken = []
    for page in folder.rglob("*.html"):
        for href in re.findall(r'<a\b[^>]*?\shref="([^"#?]+)', page.read_text(encoding="utf-8")):
            if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//", href):
                continue
            if not (page.parent / href).resolve().is_file():
                broken.append(f"{page.relative_to(folder)} -> {href}")
    assert not broken, broken[:10]


def test_the_folder_works_from_file_with_no_request(offline):
    _, folder = offline
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        outside, errors = [], []
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("file:", "data:", "blob:")) else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((folder / "index.html").as_uri())
        with page.expect_navigation():
            page.click(f"a[href='briefs/{BRIEF}/index.html']")
        assert page.url.endswith(f"/briefs/{BRIEF}/index.html") and page.locator("h1").count() == 1
        with page.expect_navigation():
            page.click("a[href='frontline/index.html']")
        assert page.url.endswith(f"/briefs/{BRIEF}/frontline/index.html")
        bib = page.locator(f"a[href='../{BRIEF}.bib']")  # a view links its brief's sources, published once
        assert bib.count() == 1 and bib.evaluate("a => a.href") == (folder / "briefs" / BRIEF / f"{BRIEF}.bib").as_uri()
        assert (folder / "briefs" / BRIEF / f"{BRIEF}.bib").is_file()
        assert not (folder / "briefs" / BRIEF / "frontline" / f"{BRIEF}.bib").exists()
        page.locator(".md-header__option .md-select").first.hover()  # the language menu
        with page.expect_navigation():
            page.locator(".md-select__link[hreflang='fr']").first.click()
        assert page.url.endswith(f"/fr/briefs/{BRIEF}/frontline/index.html")
        assert page.evaluate("document.documentElement.lang") == "fr"
        for start, query, french in (("fr/index.html", "emploi", True), ("index.html", "agencies", False)):
            page.goto((folder / start).as_uri())
            page.locator("input[type=search]").click()
            page.keyboard.type(query, delay=20)
            page.wait_for_function("() => document.querySelectorAll('[data-search-results] a.pa-search-title').length > 0")
            first = page.locator("[data-search-results] a.pa-search-title").first
            href = first.evaluate("a => a.href")
            assert href.endswith("/index.html") and ("/fr/" in href) == french
            with page.expect_navigation():  # loaded, not just committed, before the page is read
                first.click()
            assert page.url == href and page.locator("h1").count() == 1
        assert outside == [] and errors == []
