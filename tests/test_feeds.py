"""Atom feeds of new and updated briefs and pilots, per language and per audience: parsed back with
feedparser, linked from every page's head, dated by the content (never the clock)."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest

from opendata_fixtures import AMOUNT_PILOT, SEED_PILOT, SITE_URL, built_once

AUDIENCES = ("frontline", "managers", "funders", "researchers")


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> Path:
    return built_once(tmp_path_factory, SITE_URL)


@pytest.fixture(scope="session")
def local(tmp_path_factory) -> Path:
    return built_once(tmp_path_factory, None)


def feed(site: Path, lang: str, audience: str = ""):
    path = site / ("fr" if lang == "fr" else "") / (f"feed-{audience}.xml" if audience else "feed.xml")
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
    assert parsed.version == "atom10"
    return parsed


def documents(lang: str, kind: str, root: Path) -> set[str]:
    return {p.name.split(".")[0] for p in (root / "content" / kind).glob(f"*.{lang}.md")}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_language_feed_lists_every_brief_and_pilot_of_that_language(published, lang):
    root = published.parent
    parsed = feed(published, lang)
    assert parsed.feed.language == lang and parsed.feed.rights
    links = {e.link for e in parsed.entries}
    base = SITE_URL + ("fr/" if lang == "fr" else "")
    expected = ({f"{base}briefs/{i}/" for i in documents(lang, "briefs", root)}
                | {f"{base}pilots/{i}/" for i in documents(lang, "pilots", root)})
    assert links == expected
    assert (f"{SITE_URL}pilots/{AMOUNT_PILOT}/" in links) == (lang == "en")  # English only: not in the French feed
    assert len({e.id for e in parsed.entries}) == len(parsed.entries)
    assert all(e.id.startswith("urn:uuid:") for e in parsed.entries)
    newest_first = [e.updated_parsed for e in parsed.entries]
    assert newest_first == sorted(newest_first, reverse=True)
    assert parsed.feed.updated_parsed == newest_first[0]  # the feed's date is its newest entry's, not the build's


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_audience_feeds_link_to_that_readers_view(published, lang):
    for audience in AUDIENCES:
        parsed = feed(published, lang, audience)
        assert parsed.entries, audience
        for entry in parsed.entries:
            assert entry.link.endswith(f"/{audience}/")
            page = published / entry.link[len(SITE_URL):] / "index.html"
            assert page.is_file() and f'<html lang="{lang}"' in page.read_text(encoding="utf-8")


def test_feed_dates_and_ids_come_from_the_content(published, local):
    """The same document keeps its entry id whatever the site's address, and its date is its own."""
    with_url, without = feed(published, "en"), feed(local, "en")
    assert [e.id for e in with_url.entries] == [e.id for e in without.entries]
    pilot = next(e for e in with_url.entries if e.link.endswith(f"/pilots/{SEED_PILOT}/"))
    assert pilot.updated.startswith("2026-12-03")  # the pilot's `updated`
    relative = next(e for e in without.entries if SEED_PILOT in e.link)
    assert relative.link == f"pilots/{SEED_PILOT}/"  # no SITE_URL: relative to the feed, never localhost
    assert (local / urljoin("feed.xml", relative.link) / "index.html").is_file()


@pytest.mark.parametrize("which", ["published", "local"])
def test_every_page_links_its_feeds_in_the_head(which, request):
    site = request.getfixturevalue(which)
    pages = sorted(site.rglob("index.html"))
    assert len(pages) > 150
    for page in pages:
        html = page.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in html:
            continue  # a redirect of an old address
        head = html.split("</head>", 1)[0]
        feeds = re.findall(r'<link rel="alternate" type="application/atom\+xml" href="([^"]+)" title="[^"]+">', head)
        assert feeds, page
        for href in feeds:
            assert (page.parent / href).resolve().is_file(), (page, href)
        is_fr = page.relative_to(site).parts[0] == "fr"
        assert all(("fr/feed" in str((page.parent / h).resolve().relative_to(site))) == is_fr for h in feeds)
        view = re.search(r"/briefs/[^/]+/(frontline|managers|funders|researchers)/index.html$", page.as_posix())
        assert len(feeds) == (2 if view else 1), page
        if view:
            assert feeds[1].endswith(f"feed-{view.group(1)}.xml")
