"""Search in the reader's language, in Debian's Chromium, over http and from file://: per-language indexes,
accents and inflections, concepts across words and languages, facets in the address, hostile queries,
keyboard use, nothing loaded before the reader opens search, and the relevance set (tests/search/)."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import yaml

from browser import chromium, serve
from conftest import command, copy_project, minimal_brief, REPO

RELEVANCE = yaml.safe_load((Path(__file__).parent / "search" / "relevance.yml").read_text(encoding="utf-8"))
HOSTILE = ["a" * 2000, "*", "~2", "^3", "title:", "+", "-", "+-*~^:", "é", "\u0301", "\u0301\u0301e", "😀🇨🇦",
           "مرحبا بالعالم", "שלום", "title:newcomers^10 -data +*", "((((", "[a-z]+", "\\", "' OR 1=1 --",
           "<img src=x onerror=alert(1)>", "l'", "qu'", "\u200b\u200e", "  ", "?q=x&audience=y"]
ENGLISH_ONLY = "english-only-language-classes"


def english_only_brief() -> str:
    """A brief in English only, about language classes, to show up in French searches for the concept."""
    text = minimal_brief("en", bid=ENGLISH_ONLY, title="How do language classes fit around newcomers' jobs?")
    return text.replace("Many newcomers never reach an agency.",
                        "Language classes (LINC) help newcomers. Language classes and LINC schedules clash with work.", 1)


@pytest.fixture(scope="module")
def search_site(tmp_path_factory) -> Path:
    """The bundled content plus one English-only brief, built once."""
    root = copy_project(REPO, tmp_path_factory.mktemp("search"))
    (root / "content" / "briefs" / f"{ENGLISH_ONLY}.en.md").write_text(english_only_brief(), encoding="utf-8")
    r = command("build", cwd=root)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return root / "site"


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def type_query(page, query: str, delay: int = 20) -> list[str]:
    box = page.locator("input[type=search]").first
    box.click()
    box.fill("")
    page.keyboard.type(query, delay=delay)
    return wait_results(page)


def wait_results(page, timeout: float = 8) -> list[str]:
    deadline = time.time() + timeout
    hrefs: list[str] = []
    while time.time() < deadline:
        hrefs = page.eval_on_selector_all("[data-search-results] a.pa-search-title", "els => els.map(e => e.href)")
        if hrefs:
            break
        page.wait_for_timeout(100)
    return hrefs


def ranked(page, query: str) -> list[str]:
    """Document ids in rank order, through the same code path as the panel."""
    refs = page.evaluate("q => new Promise(r => PasserelleSearch.results(q, r))", query)
    return [r.split(":", 1)[1] for r in refs]


def open_search(page, url: str) -> None:
    page.goto(url)
    page.locator("input[type=search]").first.focus()
    page.wait_for_function("() => !!(window.PasserelleSearch && window.PasserelleSearch.ready)")
    page.evaluate("() => new Promise(r => PasserelleSearch.ready(r))")


def test_one_index_per_language_and_other_language_briefs_marked(search_site: Path):
    for lang, prefix in (("en", ""), ("fr", "fr/")):
        text = (search_site / prefix / "search" / "tier1.js").read_text(encoding="utf-8")
        assert text.startswith('PasserelleSearch.register("tier1",')
        data = json.loads(_registered(text))
        pilots = {f"pilot:{p.name.split('.')[0]}" for p in (REPO / "content" / "pilots").glob("*.md")}
        assert data["lang"] == lang and len([r for r in data["docs"] if r.startswith("brief:")]) == 12
        assert {r for r in data["docs"] if r.startswith("pilot:")} == pilots  # pilots are found too
        marked = {ref: d for ref, d in data["docs"].items() if d["l"] != lang}
        assert list(marked) == ([] if lang == "en" else [f"brief:{ENGLISH_ONLY}"])
    fr = (search_site / "fr" / "search" / "tier1.js").read_text(encoding="utf-8")
    assert f'"u":"briefs/{ENGLISH_ONLY}/"' in fr  # the French notice page, which links to the original


def test_french_gets_french_english_gets_english_over_http(search_site: Path, browser):
    with serve(search_site) as base:
        page = browser.new_page()
        for prefix, query in (("/fr/", "emploi"), ("/fr/", "organismes"), ("/fr/", "IRCC"), ("/", "agencies"), ("/", "IRCC")):
            page.goto(base + prefix)
            hrefs = type_query(page, query)
            assert hrefs, (prefix, query)
            assert all(("/fr/" in h) == (prefix == "/fr/") for h in hrefs), (prefix, query, hrefs)
        page.close()


def test_accents_case_and_inflections_are_folded(search_site: Path, browser):
    with serve(search_site) as base:
        page = browser.new_page()
        open_search(page, base + "/fr/")
        forms = [ranked(page, q) for q in ("établissement", "etablissement", "Établissement", "établissements", "ETABLISSEMENTS")]
        assert forms[0] and all(f == forms[0] for f in forms), forms
        assert ranked(page, "emplois") == ranked(page, "emploi") != []
        assert ranked(page, "donnees")[:3] == ranked(page, "données")[:3] != []
        # a word being typed matches by prefix without losing its stem ("établiss" -> "établissement")
        assert set(ranked(page, "établiss")) >= set(forms[0][:3])
        page.close()


def test_concepts_across_words_and_languages(search_site: Path, browser):
    with serve(search_site) as base:
        page = browser.new_page()
        open_search(page, base + "/")
        for query in ("LINC", "language classes", "language training"):
            assert "services-youth-women-seniors" in ranked(page, query)[:3], query
        open_search(page, base + "/fr/")
        french = ranked(page, "cours de langue")
        assert "services-youth-women-seniors" in french[:3] and ENGLISH_ONLY in french
        hrefs = type_query(page, "cours de langue")
        assert all("/fr/" in h for h in hrefs)
        marked = page.locator(f"[data-search-results] a[lang=en]")
        assert marked.count() == 1 and f"/fr/briefs/{ENGLISH_ONLY}/" in marked.evaluate("a => a.href")
        assert "anglais" in page.locator(".pa-search-lang").first.inner_text()
        page.close()


def test_facets_narrow_results_and_survive_a_reload(search_site: Path, browser):
    with serve(search_site) as base:
        page = browser.new_page()
        page.goto(base + "/fr/")
        everything = type_query(page, "organismes")
        select = page.locator("#pa-facet-topic")
        value = select.locator("option").nth(1).get_attribute("value")
        count = int(select.locator("option").nth(1).inner_text().rsplit("(", 1)[1].rstrip(")"))
        select.select_option(value)
        page.wait_for_timeout(200)
        narrowed = wait_results(page)
        assert len(narrowed) == count < len(everything)
        assert f"topic={value}" in page.url and "q=organismes" in page.url
        page.select_option("#pa-facet-kind", "brief")
        page.reload()
        page.wait_for_function("() => document.querySelectorAll('[data-search-results] a.pa-search-title').length > 0")
        assert wait_results(page) == narrowed
        assert page.locator("#pa-facet-topic").input_value() == value
        assert page.locator("input[type=search]").input_value() == "organismes"
        page.close()


def test_results_show_views_and_highlighted_passages(search_site: Path, browser):
    with serve(search_site) as base:
        page = browser.new_page()
        page.goto(base + "/")
        type_query(page, "newcomers")
        first = page.locator("[data-search-results] li.pa-search-result").first
        first.locator("mark").first.wait_for(timeout=8000)  # the passage comes with its summary shard, after the title
        views = first.locator(".pa-search-views a")
        assert views.count() >= 3
        href = views.first.get_attribute("href")
        page.goto(views.first.evaluate("a => a.href"))
        assert page.locator("h1").count() == 1 and href.endswith("/")
        page.close()


def test_nothing_search_related_loads_before_the_reader_opens_search(search_site: Path, browser):
    with serve(search_site) as base:
        page = browser.new_page()
        requested: list[str] = []
        page.on("request", lambda r: requested.append(r.url))
        page.goto(base + "/briefs/newcomers-not-using-services/")
        page.wait_for_load_state("networkidle")
        assert not [u for u in requested if "/search/" in u], requested
        page.keyboard.press("/")  # Material's habit: / (or s) opens search
        assert page.evaluate("document.activeElement.type") == "search"
        page.keyboard.type("data")
        wait_results(page)
        assert [u for u in requested if u.split("?")[0].endswith("/search/tier1.js")]
        page.close()


def test_keyboard_moves_through_results_and_escape_closes(search_site: Path, browser):
    with serve(search_site) as base:
        page = browser.new_page()
        page.goto(base + "/")
        page.keyboard.press("s")
        page.keyboard.type("clients")
        # the whole word searched (the address names it), not the letters typed before the index arrived:
        # a search still to come would open the panel again after Escape
        page.wait_for_function("new URLSearchParams(location.search).get('q') === 'clients'", timeout=8000)
        wait_results(page)
        panel = page.locator("#pa-search-panel")
        assert panel.get_attribute("role") == "dialog" and panel.get_attribute("aria-label") == "Search results"
        page.keyboard.press("ArrowDown")
        first = page.evaluate("document.activeElement.classList.contains('pa-search-title')")
        page.keyboard.press("ArrowDown")
        second = page.evaluate("document.activeElement.getAttribute('href')")
        assert first is True and second
        page.keyboard.press("ArrowUp")
        page.keyboard.press("Escape")
        assert not panel.is_visible() and page.evaluate("document.activeElement.type") == "search"
        page.close()


def test_the_panel_stays_closed_when_the_full_text_arrives_after_escape(search_site: Path, browser):
    """On a slow link the full text, asked for by a query with few results, can arrive after the reader has
    closed the panel: it used to open the panel again."""
    with serve(search_site) as base:
        page = browser.new_page()
        held: list = []
        page.route("**/full-*.js*", lambda route: held.append(route))  # the full text waits until Escape
        page.goto(base + "/")
        page.keyboard.press("s")
        # Escape only once the full text is asked for: on a busy machine the panel opened for the letters
        # typed first, and Escape came before the whole word was searched
        with page.expect_request("**/full-*.js*", timeout=8000):
            page.keyboard.type("housing")  # found in the full text only
        panel = page.locator("#pa-search-panel")
        panel.wait_for(state="visible", timeout=8000)  # "searching the full text"
        page.keyboard.press("Escape")
        assert not panel.is_visible()
        assert held, "the query did not ask for the full text: choose one with fewer results"
        with page.expect_response("**/full-*.js*"):
            for route in held:
                route.continue_()
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)  # the shards' scripts run; the panel would be drawn again now
        assert not panel.is_visible()
        page.keyboard.type(" ")  # typing again opens it, with what the full text found
        assert wait_results(page)
        page.close()


def test_hostile_queries_never_throw_or_freeze(search_site: Path, browser):
    with serve(search_site) as base:
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        open_search(page, base + "/fr/")
        box = page.locator("input[type=search]").first
        for query in HOSTILE:
            started = time.time()
            box.fill(query)
            page.evaluate("q => new Promise(r => PasserelleSearch.results(q, r))", query)
            assert page.evaluate("1 + 1") == 2 and time.time() - started < 5, query
        assert errors == []
        page.close()


def test_search_works_from_file_in_both_languages(search_site: Path, browser):
    page = browser.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("file:", "data:", "blob:")) else None)
    for start, query, french in (("index.html", "agencies", False), ("fr/index.html", "organismes", True)):
        page.goto((search_site / start).as_uri())
        hrefs = type_query(page, query)
        assert hrefs and all(h.startswith("file:") and ("/fr/" in h) == french for h in hrefs), hrefs
    assert outside == []
    page.close()


def test_without_javascript_the_box_submits_to_the_topics(search_site: Path, browser):
    with serve(search_site) as base:
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(base + "/fr/about/")
        page.locator("input[type=search]").fill("emploi")
        with page.expect_navigation():
            page.locator("input[type=search]").press("Enter")
        assert page.url.startswith(base + "/fr/topics/?q=emploi")
        assert page.locator("h1").inner_text().rstrip("¶") == "Thèmes"
        context.close()


def test_relevance_set(bundled_site: Path, browser):
    """Queries written as workers type them: the wanted brief in the first three, in both languages."""
    assert len(RELEVANCE["en"]) + len(RELEVANCE["fr"]) >= 60 and len(RELEVANCE["fr"]) >= 30
    hits, reciprocal, misses = 0, 0.0, []
    with serve(bundled_site / "site") as base:
        page = browser.new_page()
        for lang, prefix in (("en", "/"), ("fr", "/fr/")):
            open_search(page, base + prefix)
            for query, wanted in RELEVANCE[lang]:
                ids = ranked(page, query)
                rank = ids.index(wanted) + 1 if wanted in ids else None
                hits += bool(rank and rank <= 3)
                reciprocal += 1 / rank if rank else 0
                if not rank or rank > 3:
                    misses.append((lang, query, wanted, ids[:3]))
        page.close()
    n = len(RELEVANCE["en"]) + len(RELEVANCE["fr"])
    print(f"\nsearch relevance: {n} queries, precision@3 {hits / n:.3f}, MRR {reciprocal / n:.3f}")
    assert not misses, misses


def test_compact_index_rebuilds_lunr_exactly(bundled_site: Path):
    """The wire format (postings and term frequencies, no score vectors), counted without lunr.Builder, gives
    back lunr's own index: the same postings, the same scores to the last digit, the same ranked results, for
    titles and summaries, for full text (terms repeated in a document), and for a document with an empty
    field and one without the field."""
    import shutil
    import subprocess

    from passerelle.exports import search_index

    specs = []
    for lang, prefix in (("en", ""), ("fr", "fr/")):
        search = bundled_site / "site" / prefix / "search"
        data, summaries, full = (json.loads(_registered((search / f"{name}.js").read_text(encoding="utf-8")))
                                 for name in ("tier1", "summaries-1", "full-1"))
        docs = [{"id": ref, "title": d["t"], "summary": summaries[ref]} for ref, d in data["docs"].items()]
        docs += [{"id": "brief:zz-empty", "title": "", "summary": "données"}, {"id": "brief:aa-untitled"}]
        queries = [q for q, _ in RELEVANCE[lang]] + ["données", "établissements", "newcomers"]
        specs.append({"lang": lang, "fields": [["title", 10], ["summary", 4]], "docs": docs, "queries": queries})
        specs.append({"lang": lang, "fields": [["body", 1]], "queries": queries,
                      "docs": [{"id": ref, "body": text} for ref, text in full["texts"].items()]})
    result = subprocess.run([shutil.which("node"), str(REPO / "tests" / "search" / "compact_roundtrip.js"),
                             str(search_index.SEARCH_DIR)], input=json.dumps({"indexes": specs}), capture_output=True,
                            text=True, timeout=300, env={"NODE_PATH": str(search_index.SEARCH_DIR / "node_modules")})
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["checked"] >= 140 and report["mismatches"] == []


def _registered(script: str) -> str:
    """The JSON an index file registers (``PasserelleSearch.register("name",<JSON>);``)."""
    return script[script.index(",") + 1:script.rindex(")")]


def test_a_missing_search_install_is_named_not_a_crash(project, tmp_path):
    """Without the locked npm packages, the build says which install step is missing (no traceback)."""
    import os
    import subprocess

    from conftest import BIN

    env = {**os.environ, "PASSERELLE_SEARCH_DIR": str(tmp_path / "nowhere")}
    r = subprocess.run([str(BIN / "passerelle"), "build"], cwd=project, capture_output=True, text=True, env=env, timeout=900)
    assert r.returncode == 1
    assert "npm ci --prefix scripts/search" in r.stderr and "internal error" not in r.stderr and "Traceback" not in r.stderr


def test_node_answers_each_index_request_before_it_reads_the_next():
    """build-index.js holds one request at a time: it answers a line before the next is written (a Node that
    read the whole input first would wait here for ever), in order, and fails on a request it cannot build."""
    import json
    import select
    import shutil
    import subprocess

    from passerelle.exports import search_index
    from passerelle.load import load_project

    titles = [d.title for d in load_project(REPO).documents]
    specs = [{"lang": lang, "fields": [["title", 1]], "docs": [{"id": str(i), "title": t} for i, t in enumerate(titles)]}
             for lang in ("en", "fr")]
    proc = subprocess.Popen([shutil.which("node"), "--expose-gc", str(search_index.SEARCH_DIR / "build-index.js")],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    answers = []
    for spec in specs:
        proc.stdin.write(json.dumps(spec).encode("ascii") + b"\n")
        proc.stdin.flush()
        assert select.select([proc.stdout], [], [], 60)[0], "no answer before the next request"
        answers.append(json.loads(proc.stdout.readline()))
    proc.stdin.write(b'{"lang": "en"}\n')  # no fields, no documents
    proc.stdin.close()
    assert proc.wait(60) != 0 and proc.stdout.read() == b"" and b"build-index.js" in proc.stderr.read()
    assert [a["pipeline"] for a in answers][0] != [a["pipeline"] for a in answers][1]  # English, then French
    assert all(a["fields"] == ["title"] for a in answers) and len(titles) > 20


def test_index_files_come_one_at_a_time_and_match_from_node_from_the_cache_and_without_one(tmp_path, monkeypatch):
    """The exports never hold every index: each file is made from one index, kept as the JSON text Node and
    the cache give (parsed all at once, they were most of this export's peak memory); the files are the same
    built by Node, read back from the cache, or made with no cache at all. A text that happens to be the
    placeholder for the index does not take its place."""
    import datetime as dt
    import json

    from passerelle.cache import Cache
    from passerelle.context import SiteContext
    from passerelle.exports import search_index
    from passerelle.load import split_sections
    from passerelle.records import Document, Literature, Project

    docs = []
    for i in range(2 * search_index.SHARD_SIZE + 10):
        body = f"## About {{#about}}\n\nNewcomers in region {i} take language class {i % 7} at the library.\n"
        title = search_index.INDEX_MARK if i == 5 else f"Brief {i} on language classes"
        meta = {"id": f"b{i:03d}", "type": "brief", "title": title, "summary": f"Summary {i}.",
                "published": dt.date(2020, 1, 1 + i % 28)}
        docs.append(Document(f"content/briefs/b{i:03d}.en.md", "brief", "en", meta, body, 1,
                             sections=tuple(split_sections(body, 1))))
    ctx = SiteContext(Project(str(REPO), tuple(docs), Literature(), (), ()), {}, {})
    store = Cache(tmp_path / "search_index", search_index.CACHE_SUFFIX)
    by_node = [(a.path, a.data) for a in search_index.generate(ctx, store)]
    without_cache = [(a.path, a.data) for a in search_index.generate(ctx, Cache(None))]
    assert by_node == without_cache

    read: list[str] = []  # the indexes read from the cache (sorted keys: "average" first), not the plain texts
    get = Cache.get

    def recording(self, address: str) -> bytes | None:
        data = get(self, address)
        if data and data.startswith(b'{"average":'):
            read.append(address)
        return data

    monkeypatch.setattr(Cache, "get", recording)
    monkeypatch.setattr(search_index, "_run_node", lambda specs: pytest.fail("an index was built again"))
    files = search_index.generate(ctx, store)
    first = next(files)
    assert first.path == "en/search/tier1.js" and len(read) == 1  # the next index is read when its file is made
    from_cache = [(first.path, first.data)] + [(a.path, a.data) for a in files]
    assert from_cache == by_node
    indexed = [p for p, _ in by_node if p.startswith("en/search/full-")]
    assert len(indexed) == 3 and len(read) == 2 * (1 + 3)  # each index of both languages (French: the English), once

    for path, data in by_node:
        if path.startswith("en/search/tier1") or path.startswith("en/search/full-"):
            text = data.decode("utf-8")
            parsed = json.loads(_registered(text))
            assert {"refs", "terms", "postings"} <= set(parsed["index"]), path
            assert len(parsed["index"]["refs"]) == (len(docs) if path.endswith("tier1.js") else len(parsed["texts"]))
            if path.endswith("tier1.js"):
                assert parsed["docs"]["brief:b005"]["t"] == search_index.INDEX_MARK
                assert len(parsed["docs"]) == len(docs)


def test_node_waits_for_an_outside_run_and_the_large_run_as_an_ebook_does(monkeypatch):
    """Node holds 500 MB while it builds the indexes of 10,000 briefs: it takes one of the exports' outside runs,
    as each pandoc does, and the large run, as an e-book volume in pandoc does, so that no volume runs beside
    it. With either taken, Node has not started half a second later; let go, the indexes are built, and Node
    lets both go."""
    import datetime as dt
    import subprocess
    import threading

    from passerelle import cache
    from passerelle.context import SiteContext
    from passerelle.exports import search_index
    from passerelle.load import split_sections
    from passerelle.records import Document, Literature, Project

    runs, large, started, popen = threading.BoundedSemaphore(1), threading.BoundedSemaphore(1), [], subprocess.Popen
    monkeypatch.setattr(cache, "OUTSIDE_RUNS", runs)
    monkeypatch.setattr(cache, "LARGE_RUNS", large)
    monkeypatch.setattr(subprocess, "Popen", lambda *args, **kw: started.append(args[0][0]) or popen(*args, **kw))
    docs = []
    for i in range(3):
        body = f"## About {{#about}}\n\nNewcomers in region {i} meet a settlement worker at the library.\n"
        meta = {"id": f"b{i}", "type": "brief", "title": f"Brief {i}", "summary": f"Summary {i}.",
                "published": dt.date(2020, 1, 1 + i)}
        docs.append(Document(f"content/briefs/b{i}.en.md", "brief", "en", meta, body, 1,
                             sections=tuple(split_sections(body, 1))))
    ctx = SiteContext(Project(str(REPO), tuple(docs), Literature(), (), ()), {}, {})
    for taken in (runs, large):  # a handout in pandoc has the only run; an e-book volume has the large one
        files: list = []
        taken.acquire()
        building = threading.Thread(target=lambda: files.extend(search_index.generate(ctx, cache.Cache(None))))
        building.start()
        building.join(0.5)
        assert building.is_alive() and started == []
        taken.release()
        building.join(120)
        assert not building.is_alive() and started and all(program.endswith("node") for program in started)
        assert any(f.path == "en/search/tier1.js" for f in files)
        assert runs.acquire(blocking=False) and large.acquire(blocking=False)  # let go once Node is done
        runs.release(), large.release()
        started.clear()


def test_a_language_full_text_is_read_a_shard_at_a_time(tmp_path, monkeypatch):
    """The full text of every document was held for a whole language (most of the export's memory at 10,000
    briefs): it is read per shard, for its index request and again for its passages. Counted: the full
    texts alive at once, while Node builds the indexes and while they are read back from the cache."""
    import datetime as dt

    from passerelle.cache import Cache
    from passerelle.context import SiteContext
    from passerelle.exports import search_index
    from passerelle.load import split_sections
    from passerelle.records import Document, Literature, Project

    class FullText(str):
        alive = 0
        most = 0

        def __new__(cls, text: str):
            cls.alive += 1
            cls.most = max(cls.most, cls.alive)
            return super().__new__(cls, text)

        def __del__(self):
            FullText.alive -= 1

    plain_parts = search_index._plain_parts
    monkeypatch.setattr(search_index, "_plain_parts", lambda doc, store: (plain_parts(doc, store)[0],
                                                                          FullText(plain_parts(doc, store)[1])))
    docs = []
    for i in range(10 * search_index.SHARD_SIZE):
        body = f"## About {{#about}}\n\nNewcomers in region {i} meet a settlement worker at the library.\n"
        meta = {"id": f"b{i:03d}", "type": "brief", "title": f"Brief {i}", "summary": f"Summary {i}.",
                "published": dt.date(2020, 1, 1 + i % 28)}
        docs.append(Document(f"content/briefs/b{i:03d}.en.md", "brief", "en", meta, body, 1,
                             sections=tuple(split_sections(body, 1))))
    ctx = SiteContext(Project(str(REPO), tuple(docs), Literature(), (), ()), {}, {})
    store = Cache(tmp_path / "search_index", search_index.CACHE_SUFFIX)
    for run in ("by Node", "from the cache"):
        FullText.most = 0
        files = [a.path for a in search_index.generate(ctx, store)]
        assert sum(p.startswith("en/search/full-") for p in files) == 10, run
        assert 0 < FullText.most <= 3 * search_index.SHARD_SIZE, run  # was every document's
