"""What search engines and link previews read: schema.org JSON-LD (extracted with extruct) on briefs,
audience views and pilots, Open Graph, a description of its own on every page, language alternates
that are full addresses with x-default, and a sitemap per language. With no SITE_URL, nothing points
at localhost and no canonical link is written."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

import extruct
import pytest

from conftest import REPO
from opendata_fixtures import AMOUNT_PILOT, FUNDED_PILOT, SEED_PILOT, SITE_URL, built_once

BRIEF = "briefs/pooling-client-data-toronto-east-quadrant/"
PILOT = f"pilots/{SEED_PILOT}/"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> Path:
    return built_once(tmp_path_factory, SITE_URL)


@pytest.fixture(scope="session")
def local(tmp_path_factory) -> Path:
    return built_once(tmp_path_factory, None)


def metadata(site: Path, path: str) -> dict:
    html = (site / path / "index.html").read_text(encoding="utf-8")
    return extruct.extract(html, base_url=SITE_URL + path, syntaxes=["json-ld", "opengraph"], uniform=True)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_brief_and_audience_views_are_schema_org_reports(published, lang):
    prefix = "fr/" if lang == "fr" else ""
    (report,) = metadata(published, prefix + BRIEF)["json-ld"]
    assert report["@context"] == "https://schema.org" and report["@type"] == "Report"
    assert report["inLanguage"] == lang and report["url"] == SITE_URL + prefix + BRIEF
    assert [c["name"] for c in report["citation"]] == ["Settlement 2.0 Project: Situational Analysis"]
    assert report["citation"][0]["author"][0]["name"] == "PeaceGeeks Society"
    assert len(report["audience"]) == 4 and all(a["@type"] == "Audience" for a in report["audience"])
    assert report["datePublished"] == "2026-11-23" and report["license"].startswith("https://creativecommons.org/licenses/by/4.0")
    (view,) = metadata(published, prefix + BRIEF + "funders/")["json-ld"]
    assert len(view["audience"]) == 1 and view["isPartOf"]["url"] == SITE_URL + prefix + BRIEF
    assert view["description"] != report["description"]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_pilot_is_a_schema_org_project(published, lang):
    prefix = "fr/" if lang == "fr" else ""
    (project,) = metadata(published, prefix + PILOT)["json-ld"]
    assert project["@type"] == "Project" and project["inLanguage"] == lang
    assert project["location"] == [{"@type": "Place", "name": "Ontario"}]
    for absent in ("startDate", "endDate", "funder", "funding"):  # the seeds state none of them: never invented
        assert absent not in project
    (funded,) = metadata(published, f"{prefix}pilots/{FUNDED_PILOT}/")["json-ld"]
    assert funded["funder"]["@type"] == "Organization" and funded["funder"]["name"].startswith("Immigration, R")
    assert len(funded["location"]) == 1 and funded["citation"]
    (stated,) = metadata(published, f"pilots/{AMOUNT_PILOT}/")["json-ld"]
    assert stated["startDate"] == "2020-04-01"
    assert stated["funding"]["amount"] == {"@type": "MonetaryAmount", "value": 250000, "currency": "CAD"}


def test_json_ld_on_every_document_page_and_only_there(published):
    ids = {kind: {p.name.split(".")[0] for p in (published.parent / "content" / kind).glob("*.md")} for kind in ("briefs", "pilots")}
    found = 0
    for page in published.rglob("index.html"):
        rel = page.parent.relative_to(published).as_posix() + "/"
        blocks = extruct.extract(page.read_text(encoding="utf-8"), syntaxes=["json-ld"])["json-ld"]
        m = re.fullmatch(r"(?:fr/)?(briefs|pilots)/([^/]+)/(?:[a-z]+/)?", rel)
        document = m and m.group(2) in ids[m.group(1)]
        notice = 'class="admonition warning"' in page.read_text(encoding="utf-8")
        assert len(blocks) == (1 if document and not notice else 0), rel
        found += len(blocks)
    briefs = len(list((REPO / "content" / "briefs").glob("*.md")))  # each with 4 audience views
    pilots = len(list((REPO / "content" / "pilots").glob("*.md")))
    assert found == briefs * 5 + pilots + 1  # and the English-only test pilot


@pytest.mark.parametrize("which", ["published", "local"])
def test_every_page_has_a_description_of_its_own(which, request):
    site = request.getfixturevalue(which)
    site_descriptions = set()
    for line in (REPO / "mkdocs.yml").read_text(encoding="utf-8").splitlines():
        if line.strip().startswith("site_description:"):
            site_descriptions.add(line.split(":", 1)[1].strip())
    by_text: dict[tuple[str, str], list[str]] = defaultdict(list)
    for page in sorted(site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in html or page.name == "404.html":
            continue
        lang = re.search(r'<html lang="(\w+)"', html).group(1)
        text = re.search(r'<meta name="description" content="([^"]+)"', html).group(1)
        og = extruct.extract(html, syntaxes=["opengraph"], uniform=True)["opengraph"][0]
        assert og["og:description"] == text.replace("&#x27;", "'").replace("&amp;", "&").replace("&quot;", '"')
        assert og["og:locale"] == {"en": "en_CA", "fr": "fr_CA"}[lang]
        by_text[(lang, text)].append(page.relative_to(site).as_posix())
    assert len(by_text) > 150
    assert not [t for (_, t) in by_text if any(t.startswith(s[:40].strip('"')) for s in site_descriptions)]
    shared = {k: v for k, v in by_text.items() if len(v) > 1}
    assert shared == {}


def test_head_alternates_are_full_addresses_with_x_default(published):
    for path in ("", BRIEF, BRIEF + "managers/", PILOT, "data/", "about/"):
        for prefix in ("", "fr/"):
            html = (published / prefix / path / "index.html").read_text(encoding="utf-8")
            head = html.split("</head>", 1)[0]
            links = dict((lang, href) for href, lang in re.findall(r'<link rel="alternate" href="([^"]+)" hreflang="([^"]+)">', head))
            assert links == {"en": SITE_URL + path, "fr": SITE_URL + "fr/" + path, "x-default": SITE_URL + path}
            assert f'<link rel="canonical" href="{SITE_URL}{prefix}{path}">' in head


def test_without_site_url_nothing_points_at_localhost(local):
    for f in list(local.rglob("*.html")) + list(local.rglob("*.xml")) + list(local.rglob("*.json")):
        text = f.read_text(encoding="utf-8")
        assert not re.search(r"127\.0\.0\.1|localhost", text), f
        if f.suffix == ".html":
            assert '<link rel="canonical"' not in text and 'property="og:url"' not in text, f


def sitemap(site: Path, lang: str) -> dict[str, dict[str, str]]:
    root = ET.parse(site / ("fr" if lang == "fr" else "") / "sitemap.xml").getroot()
    return {u.find(f"{SM}loc").text: {a.get("hreflang"): a.get("href") for a in u.findall(f"{XHTML}link")}
            for u in root.findall(f"{SM}url")}


def test_a_sitemap_per_language_with_alternates(published):
    en, fr = sitemap(published, "en"), sitemap(published, "fr")
    assert (published / "sitemap.xml").read_bytes() != (published / "fr" / "sitemap.xml").read_bytes()
    assert all(loc.startswith(SITE_URL) and not loc.startswith(SITE_URL + "fr/") for loc in en)
    assert all(loc.startswith(SITE_URL + "fr/") for loc in fr)
    assert en[SITE_URL + BRIEF] == {"en": SITE_URL + BRIEF, "fr": SITE_URL + "fr/" + BRIEF, "x-default": SITE_URL + BRIEF}
    assert fr[SITE_URL + "fr/" + PILOT]["x-default"] == SITE_URL + PILOT
    assert SITE_URL + f"fr/pilots/{AMOUNT_PILOT}/" not in fr  # a notice page is not indexed
    assert en[SITE_URL + f"pilots/{AMOUNT_PILOT}/"] == {}  # and it is nobody's alternate
    pages = {p.parent.relative_to(published).as_posix() + "/" for p in published.rglob("index.html")}
    assert {loc[len(SITE_URL):] for loc in [*en, *fr]} <= {"/" if p == "./" else p for p in pages} | {""}
    assert len(en) > 90 and len(fr) > 90
