"""Privacy, measured in Debian's Chromium: reading the site tells nobody else. Every kind of page in
both languages, with search used: no request leaves the origin, no cookie, nothing stored in the
browser but Material's own preferences, and no analytics code anywhere in the pages or scripts."""
from __future__ import annotations

import re
from pathlib import Path

from browser import chromium, record_outside_requests, serve

BRIEF = "briefs/newcomers-not-using-services/"
PAGES = ["", "briefs/", BRIEF, BRIEF + "frontline/", BRIEF + "managers/", BRIEF + "funders/", "audiences/",
         "audiences/managers/", "topics/", "literature/", "about/", "glossary/", "404.html"]
# Material stores these under '<path>.<key>' in localStorage (palette, tabs, consent, repository facts).
MATERIAL_KEYS = {"__palette", "__tabs", "__consent", "__announce", "__source", "__search", "__expanded"}
TRACKING = re.compile(r"googletagmanager|google-analytics|gtag\(|_gaq|analytics\.js|matomo|piwik|_paq|plausible"
                      r"|fbq\(|connect\.facebook|hotjar|clarity\.ms|segment\.(?:com|io)|mixpanel|amplitude|posthog"
                      r"|doubleclick|adsbygoogle|cloudflareinsights|umami|fathom", re.I)


def topic(site: Path) -> str:
    first = next(p for p in sorted((site / "topics").iterdir()) if (p / "index.html").exists())
    return f"topics/{first.name}/"


def test_browsing_every_page_kind_leaves_no_trace(bundled_site: Path):
    site = bundled_site / "site"
    urls = [prefix + p for prefix in ("/", "/fr/") for p in PAGES + [topic(site)]]
    assert all((site / u.lstrip("/")).exists() for u in urls), [u for u in urls if not (site / u.lstrip("/")).exists()]
    with serve(site) as base, chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        outside = record_outside_requests(page, base)
        for url in urls:
            page.goto(base + url)  # requests a page starts after "load" are still recorded by the listener
        for query, prefix in (("newcomers", "/"), ("arrivants", "/fr/")):  # search loads its client and index
            page.goto(base + prefix)
            page.locator("input[type=search]").click()
            page.keyboard.type(query)
            page.locator("[data-search-results] a").first.wait_for()
            page.wait_for_load_state("networkidle")
        page.goto(base + "/" + BRIEF)
        page.locator(".md-header__option .md-select").first.hover()  # the language menu
        with page.expect_navigation():
            page.locator(".md-select__link[hreflang='fr']").first.click()
        page.wait_for_load_state("networkidle")
        storage = page.evaluate("() => ({local: Object.entries(localStorage), session: Object.entries(sessionStorage)})")
        assert outside == []
        assert context.cookies() == []
        assert page.evaluate("document.cookie") == ""
        for key, value in storage["local"] + storage["session"]:
            assert key.rsplit(".", 1)[-1] in MATERIAL_KEYS, f"unexpected browser storage {key!r}"
            assert not TRACKING.search(key + value), (key, value)
        print(f"\nprivacy: {len(urls)} pages and search in 2 languages; 0 outside requests, 0 cookies; "
              f"storage keys: {sorted(k for k, _ in storage['local'] + storage['session']) or 'none'}")
        context.close()


def test_no_analytics_or_tracking_code_in_the_site(bundled_site: Path):
    site = bundled_site / "site"
    files = sorted(site.rglob("*.html")) + sorted(site.rglob("*.js"))
    assert len(files) > 50
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert not TRACKING.search(text), path.relative_to(site)
        config = re.search(r'<script id="__config" type="application/json">(.*?)</script>', text, re.S)
        assert config is None or '"analytics"' not in config.group(1), path.relative_to(site)
