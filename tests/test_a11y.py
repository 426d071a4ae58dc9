"""Accessibility, measured: axe-core (WCAG 2.0/2.1 A and AA) on every kind of page in both languages,
in Debian's Chromium, and keyboard-only use of the header and a brief's audience links.

axe-core is installed by `npm ci --prefix tests` (pinned in tests/package-lock.json); axe checks
about half of what a person would find, so this is a floor, not a certificate."""
from __future__ import annotations

from pathlib import Path

import pytest

from browser import chromium, serve

AXE = Path(__file__).with_name("node_modules") / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BRIEF = "briefs/newcomers-not-using-services/"
# Page kinds as (name, path under the language root). Audience views are added from what was built.
PAGES = [("home", ""), ("briefs listing", "briefs/"), ("brief", BRIEF), ("audiences", "audiences/"),
         ("audience landing", "audiences/frontline/"), ("topics", "topics/"), ("literature", "literature/"),
         ("about", "about/"), ("not found", "404.html"), ("pilots: funder view", "pilots/"),
         ("pilot", "pilots/toronto-east-quadrant-shared-client-data/"), ("pilots: a filter", "pilots/status/active/"),
         ("evidence gap map", "gap-map/")]
# Pages that other parts of the project will add; checked when they exist.
OPTIONAL = [("glossary", "glossary/"), ("data", "data/")]


@pytest.fixture(scope="module")
def axe_page(bundled_site: Path):
    if not AXE.exists():
        pytest.fail("axe-core is not installed: run 'npm ci --prefix tests'")
    site = bundled_site / "site"
    with serve(site) as base, chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(15_000)
        yield site, base, page


def violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [f"{v['id']}: {n['target']} — {n['failureSummary'].splitlines()[-1].strip()}"
            for v in result["violations"] for n in v["nodes"]]


def audience_views(site: Path, lang: str) -> list[tuple[str, str]]:
    root = site / ("fr" if lang == "fr" else "") / BRIEF
    return [(f"brief for {p.name}", f"{BRIEF}{p.name}/") for p in sorted(root.iterdir()) if (p / "index.html").exists()]


def topic_page(site: Path, lang: str) -> list[tuple[str, str]]:
    topics = site / ("fr" if lang == "fr" else "") / "topics"
    first = next((p for p in sorted(topics.iterdir()) if (p / "index.html").exists()), None)
    return [("topic", f"topics/{first.name}/")] if first else []


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_no_axe_violation_on_any_page_kind(axe_page, lang):
    site, base, page = axe_page
    prefix = "/fr/" if lang == "fr" else "/"
    views = audience_views(site, lang)
    assert len(views) >= 3, "the brief should have at least three audience views"
    checked, found = [], []
    for name, path in PAGES + views + topic_page(site, lang) + [p for p in OPTIONAL if (site / prefix.strip("/") / p[1]).exists()]:
        assert (site / prefix.strip("/") / path).exists() or (site / prefix.strip("/") / path / "index.html").exists(), path
        page.goto(base + prefix + path)
        found += [f"{prefix}{path}: {v}" for v in violations(page)]
        checked.append(name)
    assert found == [], "\n".join(found[:30])
    print(f"\naxe ({lang}): {len(checked)} pages, 0 violations: {', '.join(checked)}")


@pytest.mark.parametrize("name,path", OPTIONAL)
def test_pages_not_built_yet_are_reported(bundled_site: Path, name, path):
    if not (bundled_site / "site" / path).exists():
        pytest.skip(f"no {name} page in the bundled site yet ({path}); the axe test covers it once it is built")
    assert (bundled_site / "site" / "fr" / path).exists(), f"{name} page exists in English only"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_no_axe_violation_with_the_search_overlay_open(axe_page, lang):
    _, base, page = axe_page
    page.goto(base + ("/fr/" if lang == "fr" else "/"))
    page.locator("input[type=search]").click()
    page.keyboard.type("newcomers" if lang == "en" else "arrivants")
    page.locator("[data-search-results] a").first.wait_for()  # results and facets shown: what axe checks
    page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')")  # colours settled
    assert page.locator("#pa-search-panel").is_visible()
    assert page.locator("#pa-search-panel").get_attribute("aria-label")  # the dialog has a name
    assert violations(page) == []


FOCUSED = """() => { const e = document.activeElement; const s = getComputedStyle(e);
  return {cls: e.className || '', tag: e.tagName, href: e.getAttribute('href') || '', text: (e.innerText || '').trim(),
          label: e.getAttribute('aria-label') || '', hreflang: e.getAttribute('hreflang') || '',
          outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0, shadow: s.boxShadow !== 'none',
          visible: !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length)}; }"""


def tab_through(page, steps: int) -> list[dict]:
    out = []
    for _ in range(steps):
        page.keyboard.press("Tab")
        out.append(page.evaluate(FOCUSED))
    return out


def test_keyboard_reaches_search_language_switch_and_audience_links(axe_page):
    _, base, page = axe_page
    page.goto(base + "/" + BRIEF)
    order = tab_through(page, 80)
    search = next(i for i, f in enumerate(order) if "pa-search-input" in f["cls"])
    switch = next(i for i, f in enumerate(order) if f["label"] == "Select language")
    french = next(i for i, f in enumerate(order) if f["hreflang"] == "fr")
    audience = [i for i, f in enumerate(order) if f["href"] in ("frontline/", "managers/", "funders/")]
    # the header (language menu and its entries, search) comes before the brief's audience links
    assert switch < french and max(search, french) < min(audience), order[:12]
    assert len(audience) >= 3
    for i in [switch, french] + audience:
        assert order[i]["visible"] and (order[i]["outline"] or order[i]["shadow"]), f"no visible focus on {order[i]}"
    # Enter on the focused French entry follows it: the switch works without a mouse
    page.goto(base + "/" + BRIEF)
    for _ in range(french + 1):
        page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["hreflang"] == "fr"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{base}/fr/{BRIEF}" and page.evaluate("document.documentElement.lang") == "fr"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_no_axe_violation_right_after_jumping_to_an_anchor(axe_page, lang):
    """Following an in-page link scrolls the page and Material hides its tabs: checked at once, with no
    time for animations to finish, nothing may be half-transparent (it once was: 7 contrast failures)."""
    site, base, page = axe_page
    prefix = "/fr/" if lang == "fr" else "/"
    fresh = page.context.browser.new_page()  # default viewport, as a first visit
    try:
        fresh.goto(base + prefix)
        anchors = fresh.eval_on_selector_all("article a.headerlink", "els => els.map(e => e.getAttribute('href'))")
        assert anchors
        for anchor in anchors:
            for _ in range(2):  # the fade is a race: give it two chances to show
                fresh.goto(base + prefix)
                fresh.goto(base + prefix + anchor)
                assert violations(fresh) == [], anchor
    finally:
        fresh.close()
