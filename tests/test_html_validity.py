"""Every page kind in both languages is valid HTML for the Nu Html Checker (vnu-jar from npm, locked in
tests/package-lock.json, run on Debian's Java) and loads in Chromium with no error in its console."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from browser import chromium, serve
from opendata_fixtures import AMOUNT_PILOT, SEED_PILOT, SITE_URL, built_once

VNU = Path(__file__).with_name("node_modules") / "vnu-jar" / "build" / "dist" / "vnu.jar"
BRIEF = "briefs/pooling-client-data-toronto-east-quadrant/"
PAGE_KINDS = {"home": "", "briefs": "briefs/", "brief": BRIEF, "audience view": BRIEF + "frontline/",
              "audiences": "audiences/", "audience landing": "audiences/funders/", "topics": "topics/",
              "topic": "topics/CA-ON/", "literature": "literature/", "glossary": "glossary/", "about": "about/",
              "open data": "data/", "pilots": "pilots/", "pilot": f"pilots/{SEED_PILOT}/", "notice": f"pilots/{AMOUNT_PILOT}/"}
# Material's language switch fetches sitemap.xml beside each head alternate (a 404 beside a page); the
# offline work removes that fetch. Any other failed request or console error fails the test.
SWITCHER_FETCH = "/sitemap.xml"


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> Path:
    return built_once(tmp_path_factory, SITE_URL)


@pytest.fixture(scope="session")
def local(tmp_path_factory) -> Path:
    return built_once(tmp_path_factory, None)


def every_kind(site: Path) -> list[Path]:
    pages = [site / prefix / path / "index.html" for prefix in ("", "fr") for path in PAGE_KINDS.values()]
    pages += [site / "404.html", site / "fr" / "404.html"]
    missing = [p for p in pages if not p.is_file()]
    assert missing == []
    return pages


@pytest.mark.parametrize("which", ["published", "local"])
def test_nu_html_checker_finds_no_error_on_any_page(which, request):
    """Every page of the site, not only one per kind (the checker reads 190 pages in about 10 s)."""
    if not VNU.exists():
        pytest.fail("vnu-jar is not installed: run 'make system-deps'")
    if not shutil.which("java"):
        pytest.fail("java is not installed: run 'make system-deps'")
    site = request.getfixturevalue(which)
    pages = sorted(str(p) for p in site.rglob("*.html"))
    assert set(map(str, every_kind(site))) <= set(pages)
    r = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", *pages],
                       capture_output=True, text=True, timeout=600)
    messages = json.loads(r.stderr or r.stdout or '{"messages": []}')["messages"]
    assert [f"{m.get('url', '')}:{m.get('lastLine')}: {m['message']}" for m in messages] == []


def test_no_console_error_on_any_page_kind(local):
    with serve(local) as base, chromium() as browser:
        page = browser.new_page()
        failed, errors = [], []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
        for path in every_kind(local):
            url = f"{base}/{path.relative_to(local).as_posix()}".removesuffix("index.html")
            page.goto(url, wait_until="networkidle")
        page.close()
    switcher = [u for u in failed if u.endswith(SWITCHER_FETCH)]
    assert [u for u in failed if u not in switcher] == []
    assert [e for e in errors if "404" not in e] == [] and len([e for e in errors if "404" in e]) <= len(switcher)
