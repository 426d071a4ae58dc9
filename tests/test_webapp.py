"""The installable, offline-first site, in Debian's Chromium over http, in both languages: after one visit
and "Make available offline", with the network off, every brief page of the reader's language opens and
search answers; an address never opened shows the offline page of its language; a rebuilt site replaces
the kept one on the next visit, with the "updated — reload" notice and never two versions mixed; the
manifests parse with their icons; the weight rules of a first view hold; no console errors."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import struct
import zipfile
from pathlib import Path
from urllib.parse import urlparse

import pytest

from browser import chromium, serve
from conftest import REPO, command, copy_project

LANG_HOME = {"en": "/", "fr": "/fr/"}
SEARCH = {"en": "agencies", "fr": "emploi"}
SAVED = {"en": "Available offline", "fr": "Disponible hors ligne"}
OFFLINE_TITLE = {"en": "You are offline", "fr": "Vous êtes hors ligne"}
UPDATED = {"en": "This site was updated.", "fr": "Ce site a été mis à jour."}


def brief_pages(site: Path, lang: str) -> list[str]:
    """Every brief page of a language, from the built files (not from the worker's lists)."""
    root = site / ("fr" if lang == "fr" else "")
    return [f"{LANG_HOME[lang]}briefs/{p.parent.name}/" for p in sorted(root.glob("briefs/*/index.html"))
            if not p.parent.name.startswith("page-")]


def console_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def wait_controlled(page) -> None:
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=30_000)


def make_available_offline(page, base: str, lang: str) -> str:
    page.goto(f"{base}{LANG_HOME[lang]}about/")
    page.locator(".pa-offline-app .md-button--primary").click()
    status = page.locator(".pa-offline-status")
    page.wait_for_function(f"() => document.querySelector('.pa-offline-status').textContent.startsWith({SAVED[lang]!r})",
                           timeout=60_000)
    return status.inner_text()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_after_one_visit_and_make_available_offline_every_brief_opens_offline(bundled_site: Path, lang: str):
    site = bundled_site / "site"
    briefs = brief_pages(site, lang)
    assert len(briefs) >= 10
    with serve(site) as base, chromium() as browser:
        context = browser.new_context()
        page = context.new_page()
        errors = console_errors(page)
        page.goto(base + LANG_HOME[lang])
        wait_controlled(page)
        text = make_available_offline(page, base, lang)
        assert re.search(r"\d[.,]\d (MB|Mo)", text), text  # the space used, in the reader's language
        assert page.locator(".pa-offline-app button", has_text={"en": "Remove", "fr": "Retirer"}[lang]).is_visible()
        context.set_offline(True)
        for url in briefs:
            response = page.goto(base + url)
            assert response is not None and response.ok and response.from_service_worker, url
            assert page.locator("h1").count() == 1 and page.evaluate("document.documentElement.lang") == lang, url
        page.goto(base + LANG_HOME[lang])
        page.locator("input[type=search]").click()
        page.keyboard.type(SEARCH[lang], delay=20)
        page.wait_for_function("() => document.querySelectorAll('[data-search-results] a.pa-search-title').length > 0",
                               timeout=15_000)
        first = page.locator("[data-search-results] a.pa-search-title").first.evaluate("a => a.href")
        assert ("/fr/" in first) == (lang == "fr")
        never_opened = f"{base}{LANG_HOME[lang]}glossary/"
        page.goto(never_opened)
        assert page.locator("h1").inner_text().startswith(OFFLINE_TITLE[lang])
        assert page.evaluate("document.documentElement.lang") == lang
        assert errors == [], errors
        context.close()


def test_installing_the_app_keeps_every_brief_of_the_language(bundled_site: Path):
    """The browser fires 'appinstalled' when the reader installs the site: every brief page of the page's language
    is then kept, as "Make available offline" keeps them, with no press on the About page."""
    site = bundled_site / "site"
    briefs = brief_pages(site, "fr")
    with serve(site) as base, chromium() as browser:
        context = browser.new_context()
        page = context.new_page()
        errors = console_errors(page)
        page.goto(base + "/fr/")
        wait_controlled(page)
        page.reload()  # now served by the worker, the page loads offline.js
        page.wait_for_function("() => [...document.scripts].some(s => s.src.includes('offline.js'))")
        page.evaluate("() => window.dispatchEvent(new Event('appinstalled'))")
        page.wait_for_function("""async () => {
            const c = await caches.open('passerelle-state');
            const r = await c.match(navigator.serviceWorker.controller.scriptURL.replace(/sw\\.js$/, '') + '__state');
            return r && (await r.json()).full.includes('fr');
        }""", timeout=60_000)
        context.set_offline(True)
        for url in briefs:
            response = page.goto(base + url)
            assert response is not None and response.ok and response.from_service_worker, url
        assert errors == [], errors
        context.close()


def test_remove_deletes_what_was_kept(bundled_site: Path):
    with serve(bundled_site / "site") as base, chromium() as browser:
        context = browser.new_context()
        page = context.new_page()
        page.goto(base + "/about/")
        wait_controlled(page)
        page.locator(".pa-offline-app button", has_text="Remove").click()
        page.wait_for_function("() => document.querySelector('.pa-offline-status').textContent.startsWith('Removed')")
        assert page.evaluate("caches.keys()") == []
        assert page.evaluate("navigator.serviceWorker.getRegistrations().then(r => r.length)") == 0
        page.goto(base + "/")  # removed stays removed: no worker registers again on the next pages
        page.wait_for_timeout(1500)
        assert page.evaluate("navigator.serviceWorker.getRegistrations().then(r => r.length)") == 0
        context.close()


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory) -> tuple[Path, Path]:
    """The bundled site built twice: as published, then after an edit of one brief's title."""
    root = copy_project(REPO, tmp_path_factory.mktemp("webapp"))
    first = tmp_path_factory.mktemp("v1")
    r = command("build", cwd=root)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    shutil.copytree(root / "site", first / "site")
    brief = root / "content" / "briefs" / "newcomers-not-using-services.en.md"
    text = brief.read_text(encoding="utf-8")
    brief.write_text(re.sub(r'^title: .*$', 'title: "Version two: why do newcomers not use services?"', text, count=1,
                            flags=re.M), encoding="utf-8")
    r = command("build", cwd=root)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    return first / "site", root / "site"


def worker_version(site: Path) -> str:
    return re.search(r'const VERSION = "([0-9a-f]+)"', (site / "sw.js").read_text(encoding="utf-8")).group(1)


def test_a_rebuilt_site_replaces_the_kept_one_on_the_next_visit_never_mixed(two_versions, tmp_path):
    old, new = two_versions
    assert worker_version(old) != worker_version(new)
    served = tmp_path / "served"
    shutil.copytree(old, served)
    brief = "/briefs/newcomers-not-using-services/"
    with serve(served) as base, chromium() as browser:
        context = browser.new_context()
        page = context.new_page()
        errors = console_errors(page)
        page.goto(base + "/")
        wait_controlled(page)
        page.goto(base + brief)
        assert "Version two" not in page.locator("h1").inner_text()
        shutil.rmtree(served)  # publish the new version
        shutil.copytree(new, served)
        page.goto(base + "/")  # the next visit finds the new worker, which fills its own cache in the background
        notice = page.locator(".pa-sw-notice")
        notice.wait_for(timeout=60_000)
        assert notice.inner_text().startswith(UPDATED["en"])
        page.goto(base + brief)  # until the reader reloads, every page still comes from the old version
        assert "Version two" not in page.locator("h1").inner_text()
        assert page.locator(".pa-sw-notice").count() == 1  # and the notice says so on every page
        with page.expect_navigation():
            page.locator(".pa-sw-notice button").click()
        assert "Version two" in page.locator("h1").inner_text()
        keys = page.evaluate("caches.keys()")
        assert sorted(keys) == sorted(["passerelle-state", f"passerelle-v-{worker_version(new)}"])
        assert cached_files_match(page, new, worker_version(new)) > 30
        assert errors == [], errors
        context.close()


def cached_files_match(page, site: Path, version: str) -> int:
    """Every file in the worker's cache is byte for byte the new site's file at that address."""
    cached = page.evaluate("""async (name) => {
        const cache = await caches.open(name), out = {};
        for (const request of await cache.keys()) {
          const body = new Uint8Array(await (await cache.match(request)).arrayBuffer());
          const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', body));
          out[request.url] = Array.from(digest, b => b.toString(16).padStart(2, '0')).join('');
        }
        return out;
    }""", f"passerelle-v-{version}")
    for url, digest in cached.items():
        path = urlparse(url).path.lstrip("/")
        file = site / (path + "index.html" if path.endswith("/") or not path else path)
        assert hashlib.sha256(file.read_bytes()).hexdigest() == digest, url
    return len(cached)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_manifests_parse_with_their_icons_and_every_page_links_its_language(bundled_site: Path):
    site = bundled_site / "site"
    names = {}
    for lang, folder in (("en", site), ("fr", site / "fr")):
        data = json.loads((folder / "manifest.webmanifest").read_text(encoding="utf-8"))
        assert data["lang"] == lang and data["start_url"] == "./" and data["display"] == "standalone"
        names[lang] = data["name"]
        purposes = set()
        for icon in data["icons"]:
            width, height = png_size((folder / icon["src"]).read_bytes())
            assert icon["sizes"] == f"{width}x{height}" and icon["type"] == "image/png"
            purposes.add((icon["purpose"], width))
        assert {("any", 192), ("any", 512), ("maskable", 512)} <= purposes
    assert names["en"] != names["fr"] and "résumés" in names["fr"]
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        lang = re.search(r'<html lang="(\w+)"', text).group(1)
        href = re.search(r'<link rel="manifest" href="([^"?]+)', text).group(1)
        target = (site / href.lstrip("/") if href.startswith("/") else page.parent / href).resolve()  # 404s: absolute
        assert target == ((site / "fr") if lang == "fr" else site).resolve() / "manifest.webmanifest", page


def test_manifest_and_worker_in_chromium(bundled_site: Path):
    """Chromium reads the manifest (its own parser) and runs the worker; nothing is logged as an error."""
    with serve(bundled_site / "site") as base, chromium() as browser:
        page = browser.new_page()
        errors = console_errors(page)
        page.goto(base + "/fr/")
        cdp = page.context.new_cdp_session(page)
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["errors"] == [] and manifest["url"].split("?")[0].endswith("/fr/manifest.webmanifest")
        parsed = json.loads(manifest["data"])
        assert parsed["lang"] == "fr" and len(parsed["icons"]) == 3
        wait_controlled(page)
        assert errors == []


def test_worker_and_lists_are_deterministic_and_name_what_pages_load(bundled_site: Path, tmp_path):
    from passerelle.sitegen import write_worker

    site = bundled_site / "site"
    before = {p: (site / p).read_bytes() for p in ["sw.js", "precache/en.json", "precache/fr-all.json"]}
    write_worker(site)
    assert before == {p: (site / p).read_bytes() for p in before}
    for lang in ("en", "fr"):
        data = json.loads((site / "precache" / f"{lang}.json").read_text(encoding="utf-8"))
        every = json.loads((site / "precache" / f"{lang}-all.json").read_text(encoding="utf-8"))
        addresses = [e[0] for e in data["entries"]] + [e[0] for e in every["entries"]]
        other = [a for a in addresses if a.startswith("fr/") != (lang == "fr") and not a.startswith("assets/")]
        assert other == [], other  # one language per list
        for address, rev, size in data["entries"] + every["entries"]:
            path = address.split("?")[0]
            file = site / (path + "index.html" if path.endswith("/") or not path else path)
            assert hashlib.sha256(file.read_bytes()).hexdigest()[:16] == rev and file.stat().st_size == size
        # the landing page's briefs are in the first list, every brief in the second
        assert {f"{LANG_HOME[lang].lstrip('/')}briefs/{u.split('/')[-2]}/" for u in brief_pages(site, lang)} <= set(
            e[0] for e in every["entries"])
    home = (site / "index.html").read_text(encoding="utf-8")
    first = {e[0] for e in json.loads((site / "precache" / "en.json").read_text(encoding="utf-8"))["entries"]}
    for href in re.findall(r'(?:href|src)="([^"]+\?v=[0-9a-f]+)"', home):  # what the page loads is what is kept
        assert href in first, href


def test_the_folder_bundle_registers_no_worker(tmp_path):
    root = copy_project(REPO, tmp_path / "p")
    r = command("build", "--offline", cwd=root)
    assert r.returncode == 0, r.stderr[-2000:]
    names = zipfile.ZipFile(root / "site" / "site-offline.zip").namelist()
    assert not [n for n in names if n.endswith("/sw.js") or "/precache/" in n]
    assert (root / "site" / "sw.js").is_file()
    folder = tmp_path / "unzipped"
    zipfile.ZipFile(root / "site" / "site-offline.zip").extractall(folder)
    with chromium() as browser:
        page = browser.new_page()
        errors = console_errors(page)
        page.goto((folder / "site-offline" / "about" / "index.html").as_uri())
        page.wait_for_timeout(1000)
        assert page.evaluate("!navigator.serviceWorker || navigator.serviceWorker.controller === null")
        assert page.locator(".pa-offline-app, #offline, a[href='#offline']").count() == 0  # no button that cannot work
        assert errors == []


def test_first_view_loads_no_search_no_sitemap_and_a_second_page_costs_its_html(bundled_site: Path):
    """The weight budget's rules, counted (the bytes are measured by `passerelle bench --only weight`)."""
    import sys
    sys.path.insert(0, str(REPO / "benchmarks"))
    import weight_bench

    row = weight_bench.measure(bundled_site / "site")
    assert not [u for u in row["weight.assets"] if "/search/" in u or "sitemap" in u]
    assert row["weight.sitemap_requests"] == 0 and row["weight.not_found"] == 0
    assert any(u.startswith("/sw.js") for u in row["weight.assets"])
    assert any("manifest.webmanifest" in u for u in row["weight.assets"])
    assert row["weight.second_page_requests"] == 1  # its HTML: the shell comes from the worker's cache


def test_data_saver_asks_before_downloading_everything(bundled_site: Path):
    """With data saver on, the first press says how much "Make available offline" downloads; the second does it."""
    site = bundled_site / "site"
    total = sum(e[2] for e in json.loads((site / "precache" / "fr-all.json").read_text(encoding="utf-8"))["entries"])
    with serve(site) as base, chromium() as browser:
        context = browser.new_context()
        context.add_init_script("Object.defineProperty(navigator, 'connection', {value: {saveData: true}})")
        page = context.new_page()
        page.goto(base + "/fr/about/")
        wait_controlled(page)
        page.locator(".pa-offline-app .md-button--primary").click()
        status = page.locator(".pa-offline-status")
        page.wait_for_function("() => document.querySelector('.pa-offline-status').textContent.includes('économiseur')")
        assert f"{total / 1e6:.1f}".replace(".", ",") + " Mo" in status.inner_text()
        page.wait_for_timeout(1000)
        assert not status.inner_text().startswith(SAVED["fr"])  # nothing downloaded on the first press
        page.locator(".pa-offline-app .md-button--primary").click()
        page.wait_for_function(f"() => document.querySelector('.pa-offline-status').textContent.startsWith({SAVED['fr']!r})",
                               timeout=60_000)
        context.close()
