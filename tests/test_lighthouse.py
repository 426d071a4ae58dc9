"""Lighthouse 12 (npm, locked in tests/package-lock.json) on every page kind in both languages, in
Debian's Chromium over loopback: accessibility, SEO and best practices at 100. The page kinds are the
axe test's (test_a11y), so a page kind added there is checked here too. The site is built as the publish
workflow builds it, with SITE_URL (absolute canonical and hreflang addresses, which Lighthouse requires)."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from browser import serve
from opendata_fixtures import SITE_URL, built_once
from test_a11y import OPTIONAL, PAGES, audience_views, topic_page

RUNNER = Path(__file__).with_name("lighthouse") / "run.mjs"
CATEGORIES = ("accessibility", "seo", "best-practices")


def page_kinds(site: Path, lang: str) -> list[str]:
    root = site / ("fr" if lang == "fr" else "")
    kinds = PAGES + audience_views(site, lang)[:1] + topic_page(site, lang)
    kinds += [p for p in OPTIONAL if (root / p[1]).exists()]
    return [("fr/" if lang == "fr" else "") + path for _, path in kinds if path != "404.html"]


@pytest.fixture(scope="module")
def scores(tmp_path_factory) -> dict[str, dict]:
    if not (Path(__file__).with_name("node_modules") / "lighthouse").exists():
        pytest.fail("lighthouse is not installed: run 'make system-deps'")
    site = built_once(tmp_path_factory, SITE_URL)
    paths = page_kinds(site, "en") + page_kinds(site, "fr")
    with serve(site) as base:
        run = subprocess.run(["node", str(RUNNER), shutil.which("chromium"), *(f"{base}/{p}" for p in paths)],
                             capture_output=True, text=True, timeout=900)
        assert run.returncode == 0, run.stderr[-2000:]
        found = json.loads(run.stdout.strip().splitlines()[-1])
    return {url.split("/", 3)[3] if url.count("/") > 2 else url: s for url, s in found.items()}


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_page_kind_scores_100(scores, category):
    below = {path or "/": (s[category], s["failed"]) for path, s in scores.items() if s[category] < 1}
    assert len(scores) >= 16, f"only {len(scores)} pages measured"
    assert below == {}, "\n".join(f"/{p}: {category} {v[0]:.2f}, failing audits {v[1]}" for p, v in below.items())
