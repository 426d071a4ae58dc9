"""What a reader sees, in Debian's Chromium: home and a brief in both languages, the language switch
staying on the same brief, audience links, and not one request outside the site's origin."""
from __future__ import annotations

from pathlib import Path

from browser import chromium, record_outside_requests, serve


def test_home_brief_and_language_switch_in_both_languages(bundled_site: Path):
    with serve(bundled_site / "site") as base, chromium() as browser:
        page = browser.new_page()
        outside = record_outside_requests(page, base)
        for start, lang, other in (("/", "en", "fr"), ("/fr/", "fr", "en")):
            page.goto(base + start)
            assert page.evaluate("document.documentElement.lang") == lang
            link = page.locator("article a[href*='briefs/']").filter(has_not_text="→").first
            title = link.inner_text()
            link.click()
            page.wait_for_load_state()
            assert "/briefs/" in page.url and page.evaluate("document.documentElement.lang") == lang
            assert page.locator("h1").first.inner_text().replace("¶", "").strip() == title.strip()
            brief_path = page.url[len(base):]
            # Material's language menu: open it, then follow the other language's entry
            page.locator(".md-header__option .md-select").first.hover()
            page.locator(f".md-select__link[hreflang='{other}']").first.click()
            page.wait_for_load_state()
            assert page.evaluate("document.documentElement.lang") == other
            expected = brief_path.replace("/fr/", "/", 1) if lang == "fr" else "/fr" + brief_path
            assert page.url[len(base):] == expected  # the same brief, not the other language's home
        assert outside == []


def test_each_audience_link_opens_its_view(bundled_site: Path):
    with serve(bundled_site / "site") as base, chromium() as browser:
        page = browser.new_page()
        outside = record_outside_requests(page, base)
        for prefix, heading in (("", "For front-line workers"), ("/fr", "Pour les intervenantes et intervenants")):
            page.goto(f"{base}{prefix}/briefs/newcomers-not-using-services/")
            page.get_by_role("link", name=heading, exact=True).first.click()
            page.wait_for_load_state()
            assert page.url.endswith("/newcomers-not-using-services/frontline/")
            part = page.locator("#frontline")
            assert part.is_visible() and heading in part.inner_text()
        assert outside == []
