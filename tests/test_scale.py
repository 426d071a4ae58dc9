"""Scale: the benchmark's generated corpus is valid; work grows linearly with the corpus (counted, never
timed: timings are `passerelle bench`'s); a build redoes only what changed and gives the same site as a
clean build."""
from __future__ import annotations

import dataclasses
import datetime as dt
import filecmp
import json
import importlib.util
import math
import os
import random
import re
import shutil
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import REPO, copy_project

from passerelle import build as pipeline, urls
from passerelle.context import RELATED_CANDIDATES, SiteContext
from passerelle.load import split_sections
from passerelle.pages import listings, pilot_index, topics
from passerelle.pages.common import LISTING_PAGE_SIZE
from passerelle.records import Document, DocumentExtras, Labelled, Literature, Project, errors

spec = importlib.util.spec_from_file_location("corpus", REPO / "benchmarks" / "corpus.py")
corpus = importlib.util.module_from_spec(spec)
spec.loader.exec_module(corpus)

TAGS = [f"topic-{k}" for k in range(20)]


def test_generated_corpus_passes_check_and_is_reproducible(tmp_path: Path):
    root = corpus.generate(tmp_path / "a", 30)
    checked = pipeline.check(root)
    assert errors(checked.diagnostics) == []
    kinds = [d.kind for d in checked.project.documents]
    assert kinds.count("brief") == 60 and kinds.count("pilot") == 6
    assert len(checked.project.literature.entries) == 15
    for doc in checked.project.documents:
        if doc.kind == "brief":
            assert 2 <= len(doc.audiences) <= 4 and doc.sources and doc.topics, doc.path
    again = corpus.generate(tmp_path / "b", 30)
    assert not filecmp.dircmp(root / "content" / "briefs", again / "content" / "briefs").diff_files


def synthetic_context(n: int, seed: int = 3) -> SiteContext:
    """n English briefs with 1-3 of 20 tags each, without text: what related briefs and topic pages read."""
    rng = random.Random(seed)
    docs, extras = [], {}
    for i in range(n):
        meta = {"id": f"b{i:05d}", "type": "brief", "title": f"Brief {i}", "summary": "A brief.",
                "published": dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(2000))}
        doc = Document(f"content/briefs/b{i:05d}.en.md", "brief", "en", meta, "", 1)
        docs.append(doc)
        extras[doc.path] = DocumentExtras(topics=tuple(Labelled(t, t) for t in sorted(rng.sample(TAGS, rng.randint(1, 3)))))
    return SiteContext(Project(str(REPO), tuple(docs), Literature(), (), ()), extras, {})


def related_pairs(n: int) -> int:
    ctx = synthetic_context(n)
    for doc in ctx.in_lang("en"):
        ctx.related(doc)
    return ctx.counts["related_pairs"]


def test_related_briefs_compare_a_bounded_number_of_pairs():
    """The old related() compared every pair (n² = 4 million at 2,000 briefs); now each brief meets at most
    RELATED_CANDIDATES others per tag, so doubling the corpus doubles the pairs compared."""
    small, large = related_pairs(1000), related_pairs(2000)
    assert large <= 2000 * 3 * RELATED_CANDIDATES
    assert 1.8 <= large / small <= 2.2


def test_related_briefs_are_exact_on_small_corpora():
    """Below RELATED_CANDIDATES briefs per tag, the result is the best Jaccard overlap over all pairs."""
    ctx = synthetic_context(60)
    briefs = ctx.in_lang("en")
    for doc in briefs:
        mine = {t.id for t in ctx.extra(doc).tags}
        scored = sorted((-len(mine & {t.id for t in ctx.extra(o).tags}) / len(mine | {t.id for t in ctx.extra(o).tags}), o.id)
                        for o in briefs if o.id != doc.id and mine & {t.id for t in ctx.extra(o).tags})
        assert [o.id for o in ctx.related(doc)] == [i for _, i in scored[:3]]


def test_topic_pages_are_paginated_and_grow_linearly():
    for n in (200, 2000):
        ctx = synthetic_context(n)
        pages = topics.topic_pages(ctx, "en")
        per_topic = {}
        for doc in ctx.in_lang("en"):
            for tag in ctx.extra(doc).tags:
                per_topic[tag.id] = per_topic.get(tag.id, 0) + 1
        listed = [p for p in pages if p.path != "en/topics/index.md"]
        assert len(listed) == sum(math.ceil(k / LISTING_PAGE_SIZE) for k in per_topic.values())
        assert max(p.body.count("\n- [") for p in listed) <= LISTING_PAGE_SIZE


def synthetic_funder_briefs(n: int) -> SiteContext:
    """n English briefs a day apart, each with key messages and a part for funders: an audience's listing."""
    body = "## What you need to know {#key-messages}\n\n- A finding.\n\n## For funders {#funders}\n\nWhat to fund.\n"
    docs = tuple(Document(f"content/briefs/b{i:05d}.en.md", "brief", "en",
                          {"id": f"b{i:05d}", "type": "brief", "title": f"Brief {i}", "audiences": ["funders"],
                           "published": dt.date(2019, 1, 1) + dt.timedelta(days=i)}, body, 1,
                          sections=tuple(split_sections(body, 1))) for i in range(n))
    return SiteContext(Project(str(REPO), docs, Literature(), (), ()), {}, {})


def test_audience_pages_link_the_volumes_of_their_own_briefs_and_grow_linearly():
    """Each page of an audience's listing linked every volume of the audience's e-book (75 links on each of
    its 150 pages at 10,000 briefs: n² in all). The first page lists every volume; each later page, the
    volumes that hold its own briefs and the first page: doubling the corpus doubles the links."""
    links = {}
    for n in (1000, 4000):
        ctx = synthetic_funder_briefs(n)
        book = ctx.ebook_volumes("en", "funders")
        sized = dataclasses.replace(ctx, downloads={urls.ebook("en", "funders", k): 5000 for k in range(1, len(book) + 1)})
        pages = [p for p in listings.audience_pages(sized, "en") if p.path.startswith("en/audiences/funders/")]
        assert len(pages) == math.ceil(n / LISTING_PAGE_SIZE) and len(book) == n // 100
        linked = {p.path: [int(k or 1) for k in re.findall(r"passerelle-en-funders-?(\d*)\.epub\)", p.body)] for p in pages}
        assert linked[pages[0].path] == list(range(1, len(book) + 1))
        for page in pages[1:]:
            shown = set(re.findall(r"briefs/(b\d{5})/funders\.md", page.body))
            assert len(shown) == LISTING_PAGE_SIZE
            assert linked[page.path] == [k for k, volume in enumerate(book, 1) if shown & {d.id for d in volume}]
            assert "](index.md)" in page.body.split("- [Brief")[0]
        links[n] = sum(map(len, linked.values()))
    assert 3.6 <= links[4000] / links[1000] <= 4.4, links


def synthetic_pilots(n: int, seed: int = 5) -> SiteContext:
    """n English pilots spread unevenly over 4 funders (one not reported), 3 funding streams, statuses,
    places and start years: what the funder view reads."""
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        meta = {"id": f"p{i:05d}", "type": "pilot", "title": f"Pilot {i}", "summary": "A pilot.",
                "funder": rng.choice(["IRCC", "IRCC", "IRCC", "Province", "Foundation", ""]),
                "funding_stream": rng.choice(["Settlement", "Innovation", ""]),
                "status": rng.choice(["planned", "active", "completed", "ended-early"]),
                "start": dt.date(2012 + rng.randrange(12), 1, 1), "regions": rng.sample(["CA-ON", "CA-QC", "CA-BC"], 1)}
        docs.append(Document(f"content/pilots/p{i:05d}.en.md", "pilot", "en", meta, "", 1))
    return SiteContext(Project(str(REPO), tuple(docs), Literature(), (), ()), {}, {})


def test_pilot_listings_are_paginated_and_grow_linearly():
    """The funder view and its filter pages hold at most LISTING_PAGE_SIZE pilots a page (the funder view
    was 258 KB at 10,000 briefs, 1,000 pilots on one page); every pilot is on exactly one page of each
    listing it belongs to, and the first page's list of funders links to the page each begins on."""
    written = {}  # pilots listed, over every page of the English listings
    for n in (120, 1200):
        pages = pilot_index.generate(synthetic_pilots(n))
        listed = {p.path: re.findall(r"\]\((?:\.\./)*(p\d{5})/index\.md\)", p.body) for p in pages if p.lang == "en"}
        assert max(map(len, listed.values())) <= LISTING_PAGE_SIZE
        view = {path: ids for path, ids in listed.items() if path == "en/pilots/index.md" or re.fullmatch(r"en/pilots/page-\d+\.md", path)}
        assert len(view) == math.ceil(n / LISTING_PAGE_SIZE)
        assert sorted(i for ids in view.values() for i in ids) == [f"p{i:05d}" for i in range(n)]
        for value in ("completed", "ca-on", "2019"):
            chosen = {path: ids for path, ids in listed.items() if f"/{value}/" in path}
            shown = sorted(i for ids in chosen.values() for i in ids)
            assert len(shown) == len(set(shown)) and len(chosen) == math.ceil(len(shown) / LISTING_PAGE_SIZE)
        bodies = {p.path: p.body for p in pages}
        contents = bodies["en/pilots/index.md"].split("**Funders:**")[1].split("\n")[0]
        for target, number in re.findall(r"\]\(([^)#]*)#funder-(\d+)\)", contents):
            assert f"{{#funder-{number}}}" in bodies[f"en/pilots/{target}"], (target, number)
        assert any("(continued)" in b for path, b in bodies.items() if "/page-" in path)
        written[n] = sum(map(len, listed.values()))
    assert written == {120: 4 * 120, 1200: 4 * 1200}  # each pilot once in the funder view and once per facet


def test_builds_redo_only_what_changed_and_match_a_clean_build(tmp_path: Path):
    root = copy_project(REPO, tmp_path / "p")
    first = pipeline.build(root)
    assert first.site.mode == "full"
    warm = pipeline.build(root)
    assert (warm.site.mode, warm.site.files_written) == ("skip", 0)
    brief = root / "content" / "briefs" / "data-sharing-culture.en.md"
    text = brief.read_text(encoding="utf-8")
    brief.write_text(text.replace("{#about}\n\n", "{#about}\n\nOne more sentence about language classes.\n\n", 1),
                     encoding="utf-8")
    edited = pipeline.build(root)
    assert edited.site.mode == "dirty" and 1 <= edited.site.files_written <= 4  # the page and its downloads
    incremental = tmp_path / "incremental"
    shutil.copytree(root / "site", incremental)
    shutil.rmtree(root / "site")
    shutil.rmtree(root / "docs_build")
    assert pipeline.build(root).site.mode == "full"
    compared = filecmp.dircmp(root / "site", incremental)
    assert_same(compared)


def assert_same(compared: filecmp.dircmp) -> None:
    assert not (compared.left_only or compared.right_only or compared.diff_files), (
        compared.left, compared.left_only, compared.right_only, compared.diff_files)
    for sub in compared.subdirs.values():
        assert_same(sub)


def test_committed_profiles_load_nothing_from_another_origin():
    """pyinstrument's HTML asks Google Fonts for its typefaces: the profiles kept in the repository have that
    request removed, so opening one requests nothing outside its folder (SVG namespaces are names, not fetches)."""
    import re

    profiles = sorted((REPO / "benchmarks").glob("*.html"))
    assert profiles
    for profile in profiles:
        found = re.findall(r"https?://[^\"' )]+", profile.read_text(encoding="utf-8"))
        assert all(u.startswith("http://www.w3.org/") for u in found), (profile.name, found)


def test_a_file_memo_reads_only_files_written_since(tmp_path: Path):
    """The whole-site passes after MkDocs (used classes, the worker's revisions) reuse what they read from a
    file while its size and time are unchanged, and read it again once it is rewritten."""
    import os

    from passerelle.sitegen.incremental import FileMemo

    page = tmp_path / "page.html"
    page.write_text('<p class="a b">', encoding="utf-8")
    reads: list[str] = []

    def classes(path: Path) -> str:
        reads.append(path.name)
        return path.read_text(encoding="utf-8")

    first = FileMemo()
    assert first.value(page, "page.html", classes) == '<p class="a b">'
    again = FileMemo(first.saved())
    assert again.value(page, "page.html", classes) == '<p class="a b">' and reads == ["page.html"]
    page.write_text('<p class="a c">', encoding="utf-8")
    st = page.stat()
    os.utime(page, ns=(st.st_atime_ns, st.st_mtime_ns + 1))  # same size: its time tells it was rewritten
    third = FileMemo(again.saved())
    assert third.value(page, "page.html", classes) == '<p class="a c">' and reads == ["page.html", "page.html"]
    assert third.saved()["values"] == ['<p class="a c">']


def test_check_runs_one_files_rules_again_after_one_edit(tmp_path: Path, monkeypatch):
    """`check` keeps each document's own findings by content (validate.remembered): the same project gives the
    same diagnostics from the store as computed afresh, arguments' types included; after one edit, only that
    file's rules run again; the rules across files always run whole (here: a duplicate id made by the edit)."""
    from passerelle import cache, load, validate
    from passerelle.cache import Cache

    root = copy_project(REPO, tmp_path / "p")
    broken = root / "content" / "briefs" / "broken.en.md"  # findings with arguments of every kind
    broken.write_text("---\nid: other\ntitle: x\nsummary: 3\n---\n\n<script>x</script> [a](javascript:alert(1))\n",
                      encoding="utf-8")
    store = Cache(tmp_path / "validate", ".json")
    calls: list[str] = []
    real = validate.check_document

    def counted(doc, media=frozenset()):
        calls.append(doc.path)
        return real(doc, media)

    monkeypatch.setattr(validate, "check_document", counted)
    project = load.load_project(root)
    fresh = validate.validate(project)
    n_docs = len(calls)
    assert validate.validate(project, store) == fresh and len(calls) == 2 * n_docs
    assert {d.code for d in fresh if d.path.endswith("broken.en.md")} >= {"id-mismatch", "raw-html"}
    assert validate.validate(project, store) == fresh and len(calls) == 2 * n_docs  # all from the store
    media = frozenset(project.media)
    kept = [d for doc in project.documents for d in validate.remembered(doc, media, cache.key(*sorted(media)), store)]
    assert len(calls) == 2 * n_docs and len({d.path for d in kept}) < len(kept)  # texts that repeat
    for field in validate.REPEATED_FIELDS:  # kept until the report: one string for each distinct text
        assert len({id(getattr(d, field)) for d in kept}) == len({getattr(d, field) for d in kept})
    brief = root / "content" / "briefs" / "data-sharing-culture.en.md"
    brief.write_text(brief.read_text(encoding="utf-8").replace("id: \"data-sharing-culture\"", "id: other", 1),
                     encoding="utf-8")
    edited = load.load_project(root)
    calls.clear()
    found = validate.validate(edited, store)
    assert calls == ["content/briefs/data-sharing-culture.en.md"]
    assert found == validate.validate(edited)
    assert "duplicate-id" in {d.code for d in found}


def test_documents_share_one_string_per_section_id_and_heading():
    """Every brief has the same dozen sections: their ids and headings are held once, not once per brief."""
    from passerelle.load import split_sections

    first, second = ("intro\n\n## Key messages {#key-messages}\n\n- " + point + "\n" for point in ("One.", "Two."))
    a, b = split_sections(first, 1)[1], split_sections(second, 1)[1]
    assert (a.id, a.heading, a.body) == ("key-messages", "Key messages", "- One.") and b.body == "- Two."
    assert a.id is b.id and a.heading is b.heading


def test_a_sections_body_is_a_span_of_its_documents_text_and_no_line_is_lost():
    """A section holds its document's text and a span of it, not a copy (the copies were 72 MB at 3,000
    briefs): on the bundled content, headings and bodies in order give back every line of the document."""
    from passerelle.load import HEADING2, load_project, split_sections
    documents = load_project(REPO).documents
    assert len(documents) > 20
    for doc in documents:
        lines = doc.body.split("\n")
        rebuilt = []
        for s in doc.sections:
            assert s.source is doc.body and doc.section(s.id) in ("", doc.body[s.start:s.end])
            if s.heading:
                heading_line = lines[s.line - doc.body_line]
                assert HEADING2.match(heading_line).group("text").strip() == s.heading
                rebuilt.append(heading_line)
            rebuilt += [line for line in s.body.split("\n") if line.strip()]
        assert rebuilt == [line for line in lines if line.strip()], doc.path

    text = "\n\nIntro.\n## A {#a}\n## B\n\n```\n## not a heading\n```\n\nEnd.\n\n## C {#c}"
    assert [(s.id, s.heading, s.body, s.line) for s in split_sections(text, 10)] == [
        ("", "", "Intro.", 12), ("a", "A", "", 13), ("", "B", "```\n## not a heading\n```\n\nEnd.", 14),
        ("c", "C", "", 22)]


def fake_exports(*generators):
    """EXPORTS replaced by these ``generate`` functions, as modules named after them."""
    import types

    return tuple(types.SimpleNamespace(__name__=f"passerelle.exports.{f.__name__}", generate=f) for f in generators)


def test_download_sizes_wait_for_the_exports_made_beside_the_pages(monkeypatch, tmp_path: Path):
    """The exports run in their own process while the pages render (exports.running); a page that shows a
    download's size waits for the export making that file, not for the ones after it, and gets the size of
    the file as made; a file no export makes is known missing once all are done; each export's seconds
    come back with the files, whose bytes stay in the cache, named by their SHA-256."""
    import hashlib
    import multiprocessing
    import os
    import threading

    from passerelle import exports
    from passerelle.records import Asset

    shared = multiprocessing.get_context("fork")  # the exports' process is forked: it sees these events
    books_may_finish, late_may_finish, late_done = shared.Event(), shared.Event(), shared.Event()

    def books(ctx, store):
        books_may_finish.wait(5)
        return [Asset("en/ebooks/book.epub", b"x" * 1234, ())]

    def late(ctx, store):
        late_may_finish.wait(5)
        late_done.set()
        return [Asset("data/late.json", str(os.getpid()).encode(), ())]

    monkeypatch.setattr(exports, "EXPORTS", fake_exports(books, late))
    seconds: dict[str, float] = {}
    try:
        folder = tmp_path / ".cache/passerelle" / exports.PUBLISHED
        folder.mkdir(parents=True)
        (folder / ("0" * 64)).write_bytes(b"a file an earlier build published")
        with exports.running(None, tmp_path, seconds) as made:
            threading.Timer(0.2, books_may_finish.set).start()
            assert made.get("en/ebooks/book.epub") == 1234 and books_may_finish.is_set()
            assert not late_done.is_set()  # the size came before the later export finished
            threading.Timer(0.2, late_may_finish.set).start()
            assert made.get("en/ebooks/other.epub") is None and late_may_finish.is_set()
            assets = made.assets()
            assert [a.path for a in assets] == ["en/ebooks/book.epub", "data/late.json"] and len(made) == 2
            assert int(assets[1].read()) != os.getpid()  # made in another process: the pages' Python runs meanwhile
            assert [a.data for a in assets] == [b"", b""] and [a.size for a in assets] == [1234, len(assets[1].read())]
            kept = Path(assets[0].stored.file)
            assert kept.parent == folder and kept.read_bytes() == b"x" * 1234
            assert kept.name == assets[0].sha256 == hashlib.sha256(b"x" * 1234).hexdigest()
            assert sorted(p.name for p in folder.iterdir()) == sorted(a.sha256 for a in assets)  # earlier ones pruned
        assert set(seconds) == {"exports.books", "exports.late"}
        assert 0 < seconds["exports.books"] < seconds["exports.late"]  # each its own: the later one waited 0.2 s more
    finally:
        books_may_finish.set()
        late_may_finish.set()


def test_an_export_that_yields_is_handed_on_in_batches_and_never_held_whole(tmp_path: Path):
    """The handouts and e-books yield their files as made: ``render`` hands them to ``made`` (which keeps
    them in the cache and drops their bytes) a batch at a time, so the exports' process holds one batch,
    not every file. Counted: how many files were made but not yet handed on, at most."""
    from passerelle import exports
    from passerelle.records import Asset

    n, made_so_far, handed = 3 * exports.HANDED_ON + 7, [0], []

    def many(ctx, store):
        for i in range(n):
            made_so_far[0] += 1
            yield Asset(f"en/briefs/b{i}/handout.docx", b"x" * 100, ())

    def keep(batch: list) -> list:
        handed.append((made_so_far[0], len(batch)))
        return [a.path for a in batch]

    out = exports.render(None, tmp_path, made=keep, chosen=fake_exports(many))
    assert out == [f"en/briefs/b{i}/handout.docx" for i in range(n)]
    assert [size for _, size in handed] == [exports.HANDED_ON] * 3 + [7]
    assert max(made - sum(size for _, size in handed[:i]) for i, (made, _) in enumerate(handed)) == exports.HANDED_ON


def test_large_files_are_handed_on_in_smaller_batches(tmp_path: Path):
    """Two hundred e-book volumes are 100 MB: a batch is also cut once it holds ``HANDED_ON_BYTES``."""
    from passerelle import exports
    from passerelle.records import Asset

    volume = exports.HANDED_ON_BYTES // 3 + 1  # the fourth file would pass the bound: three to a batch

    def volumes(ctx, store):
        for i in range(10):
            yield Asset(f"en/downloads/book-{i}.epub", b"x" * volume, ())

    handed: list[int] = []
    exports.render(None, tmp_path, made=lambda batch: handed.append(len(batch)) or batch, chosen=fake_exports(volumes))
    assert handed == [3, 3, 3, 1]


def test_cached_work_is_yielded_in_order_with_a_bounded_number_of_jobs_ahead(tmp_path: Path):
    """``Cache.get_or_make_each`` (the handouts' pandoc runs): results in the order of the jobs, each kept
    in the cache, cached ones not made again, and only a few jobs per core started ahead of the one the
    caller is reading: a thousand handouts are never all in memory at once."""
    import os
    import threading

    from passerelle import cache

    store, started, lock = cache.Cache(tmp_path / "docx"), [0], threading.Lock()
    store.put(cache.key("job", "3"), b"cached 3")

    def job(i: int):
        def make() -> bytes:
            with lock:
                started[0] += 1
            return f"made {i}".encode()
        return cache.key("job", str(i)), make

    ahead = []
    for i, data in enumerate(store.get_or_make_each(job(i) for i in range(1000))):
        assert data == (b"cached 3" if i == 3 else f"made {i}".encode())
        ahead.append(started[0] - i)
    assert started[0] == 999 and store.get(cache.key("job", "999")) == b"made 999"
    assert max(ahead) <= cache.AHEAD * (os.cpu_count() or 1) + 1


def test_an_exports_error_reaches_the_build_and_a_lost_process_does_not_hang_it(monkeypatch):
    """An export that fails raises its own error in the build (its type kept); a process that dies
    without a word gives an error naming its exit code, and a page waiting for a size does not wait forever."""
    import os

    from passerelle import exports
    from passerelle.exports.search_index import SearchIndexError

    def refused(ctx, store):  # its constructor takes (message, hint), not its args: it is rebuilt, not re-made
        raise SearchIndexError("lunr is not installed", "run 'make install'")

    def lost(ctx, store):
        os._exit(3)

    monkeypatch.setattr(exports, "EXPORTS", fake_exports(refused))
    with pytest.raises(SearchIndexError, match="lunr is not installed\n    hint: run 'make install'"):
        with exports.running(None, Path("/nonexistent")) as made:
            made.assets()
    monkeypatch.setattr(exports, "EXPORTS", fake_exports(lost))
    with pytest.raises(ChildProcessError, match="code 3"):
        with exports.running(None, Path("/nonexistent")) as made:
            made.get("en/ebooks/book.epub")


def test_the_enrichment_ahead_freezes_what_it_inherits_before_spacy_forks_its_workers(tmp_path: Path, monkeypatch):
    """spaCy's workers are forked from the enrichment ahead, itself forked from the build, which holds the whole
    project: a collection in a worker visits every inherited object and so copies it (1,500 French briefs of
    the 10,000-brief project: 294 MB of each worker's own, 158 MB with them frozen). The ahead freezes what it
    inherits before it enriches; the build's own objects are not frozen."""
    import gc

    from passerelle import enrich

    seen = tmp_path / "frozen"
    monkeypatch.setattr(enrich, "enrich_into_cache", lambda items, cache_dir: seen.write_text(str(gc.get_freeze_count())))
    held = [{"text": str(i)} for i in range(50_000)]  # objects the build holds when it forks
    frozen_before = gc.get_freeze_count()
    pipeline.start_enrichment(tmp_path, [("Newcomers at the library.", "en", "")]).join()
    assert int(seen.read_text()) >= frozen_before + len(held) and gc.get_freeze_count() == frozen_before


def test_documents_are_enriched_ahead_in_another_process_while_the_rules_run(tmp_path: Path, monkeypatch):
    """A build starts, once the project is loaded, a forked process that enriches the documents and literature
    entries the cache lacks while validation runs; afterwards every one is in the cache, this process never
    loaded a model, not even to collect the context (at 10,000 briefs, the literature enriched here left
    both models in the build for the rest of it: 200 MB), and the enrichment that follows reads the cache only; with
    nothing missing, no process starts; after an edit, it enriches the edited document alone, and the others
    are read before it is waited for."""
    import types

    from passerelle import enrich, load

    root = copy_project(REPO, tmp_path / "project")
    project = load.load_project(root)
    docs = list(project.documents)
    loads = enrich.load_model.cache_info()
    with pipeline.EnrichmentAhead(root) as ahead:
        ahead.start(project)
        assert ahead.paths == {d.path for d in docs}
        assert errors(pipeline.check(root).diagnostics) == []
    assert enrich.load_model.cache_info() == loads  # loaded in the other process only
    assert enrich.uncached(pipeline.enrichment_items(docs), cache_dir=root / ".cache/passerelle/enrich") == []
    entries = [enrich.entry_item(e.fields) for e in project.literature.entries.values()]
    assert entries and enrich.uncached(entries, cache_dir=root / ".cache/passerelle/enrich") == []
    ctx = pipeline.collect(root, project)
    assert enrich.load_model.cache_info() == loads and len(ctx.entry_tags) == len(entries)
    fresh = pipeline.enrich_documents(root, docs)
    assert enrich.last_run_stats == {"enriched": 0, "cached": len(docs)}
    assert fresh == pipeline.enrich_documents(tmp_path / "no-cache", docs)  # the same as enriched here

    started: list[int] = []
    stand_in = types.SimpleNamespace(join=lambda: started.append(dict(enrich.last_run_stats)))
    monkeypatch.setattr(pipeline, "start_enrichment", lambda root, docs: started.append(len(docs)) or stand_in)
    with pipeline.EnrichmentAhead(root) as ahead:
        ahead.start(project)
    assert started == [] and ahead.paths == frozenset()
    edited = sorted((root / "content" / "briefs").glob("*.en.md"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nOne more sentence, from the edit.\n", encoding="utf-8")
    edited_docs = list(load.load_project(root).documents)
    with pipeline.EnrichmentAhead(root) as ahead:
        ahead.start(load.load_project(root))
        assert started == [1] and ahead.paths == {str(edited.relative_to(root))}
        after_edit = pipeline.enrich_documents(root, edited_docs, ahead)
    # waited for once the others were read; the stand-in enriched nothing, so the edited one is enriched here
    assert started == [1, {"enriched": 0, "cached": len(docs) - 1}]
    assert enrich.last_run_stats == {"enriched": 1, "cached": 0}
    assert list(after_edit) == [d.path for d in edited_docs]
    assert after_edit == pipeline.enrich_documents(tmp_path / "no-cache", edited_docs)


def test_mkdocs_static_i18n_sorts_pages_only_and_each_download_is_published_for_its_language(
        bundled_site: Path, tmp_path: Path, monkeypatch):
    """Files other than pages stay outside MkDocs' docs folder and are added after mkdocs-static-i18n has
    sorted the pages (its per-file work took 2.5 s per language over twelve thousand downloads at 1,000
    briefs): each is published where that plugin put it, the default language's at the site's root."""
    from mkdocs_static_i18n import folder as i18n_folder

    from passerelle.sitegen import mkdocs_site

    root = tmp_path / "built"
    shutil.copytree(bundled_site, root, ignore=shutil.ignore_patterns(".cache"))
    build_dir = root / "docs_build"
    assert all(p.suffix == ".md" for p in (build_dir / "docs").rglob("*") if p.is_file())
    downloads = sorted(p.relative_to(build_dir / "files").as_posix() for p in (build_dir / "files").rglob("*") if p.is_file())
    assert {d.split("/", 1)[0] for d in downloads} == {"en", "fr"}
    assert any(d.endswith(".docx") for d in downloads) and any(d.endswith(".epub") for d in downloads)
    for rel in downloads:
        lang, rest = rel.split("/", 1)
        assert (root / "site" / (rest if lang == "en" else rel)).read_bytes() == (build_dir / "files" / rel).read_bytes()

    sorted_by_i18n: list[str] = []
    create = i18n_folder.create_i18n_file
    monkeypatch.setattr(i18n_folder, "create_i18n_file",
                        lambda file, *args: sorted_by_i18n.append(file.src_uri) or create(file, *args))
    site_before = {p: p.stat().st_mtime_ns for p in (root / "site").rglob("*.docx")}
    assert mkdocs_site.build_language(str(build_dir / "mkdocs.yml"), "fr") == ([], "")
    assert sorted_by_i18n and all(uri.endswith(".md") for uri in sorted_by_i18n)
    assert {p: p.stat().st_mtime_ns for p in (root / "site").rglob("*.docx")} == site_before  # dirty: none copied again


def test_a_site_too_large_for_every_language_at_once_builds_them_one_after_the_other(bundled_site: Path, tmp_path: Path,
                                                                                    monkeypatch):
    """Each MkDocs holds every page of its language before it writes one (about 1 GB per language at 10,000
    briefs): past ``LANGUAGES_AT_ONCE_BYTES``, the languages are built one after the other, each in a new
    process, and the site is the same. On the bundled site: every English page is written before the first
    French one, and none by the build's own process (at once, it builds the default language itself)."""
    from mkdocs.commands import build as mkdocs_build

    from passerelle.sitegen import mkdocs_site

    root = tmp_path / "p"
    shutil.copytree(bundled_site, root, ignore=shutil.ignore_patterns(".cache"))
    config, site = root / "docs_build" / "mkdocs.yml", root / "site"
    built_here: list[str] = []  # the languages MkDocs built in this process (a spawned one imports its own)
    build = mkdocs_build.build
    monkeypatch.setattr(mkdocs_build, "build",
                        lambda cfg, **kw: built_here.append(cfg.plugins["i18n"].current_language) or build(cfg, **kw))

    def written() -> tuple[list[int], list[int]]:
        pages = [(p.relative_to(site).parts[0] == "fr", p.stat().st_mtime_ns) for p in site.rglob("*.html")]
        return [t for fr, t in pages if not fr], [t for fr, t in pages if fr]

    assert mkdocs_site.build_site(config, site, dt.date(2026, 1, 1), at_once=True) == [] and built_here == ["en"]
    assert len(written()[0]) > 40 and len(written()[1]) > 40
    at_once = tmp_path / "at-once"
    shutil.copytree(site, at_once)
    assert not mkdocs_site.languages_at_once(mkdocs_site.LANGUAGES_AT_ONCE_BYTES // mkdocs_site.MKDOCS_PAGE_BYTES + 1)
    assert mkdocs_site.build_site(config, site, dt.date(2026, 1, 1), at_once=False) == [] and built_here == ["en"]
    english, french = written()
    assert max(english) < min(french)  # one after the other, neither in this process
    assert not list(site.rglob("sitemap.xml*"))  # each pass wrote the shared one: ours are written after MkDocs
    assert_same(filecmp.dircmp(site, at_once))


def test_files_outside_the_docs_folder_are_published_where_mkdocs_static_i18n_puts_them(tmp_path: Path):
    """On a small site: a language's own files (the default language's at the site's root), and the files of
    no language with the default language only, as mkdocs-static-i18n publishes files in its docs folder."""
    from passerelle.sitegen import mkdocs_site

    files = {"docs/en/index.md": "# Home\n\n[notes](notes.txt)\n", "docs/fr/index.md": "# Accueil\n\n[notes](notes.txt)\n",
             "files/en/notes.txt": "en", "files/fr/notes.txt": "fr", "files/fr/data/only.csv": "fr only",
             "files/robots.txt": "no language", "files/assets/app.js": "no language either"}
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: t\ntheme: {{name: material}}\nhooks: ['{mkdocs_site.HOOKS}']\nplugins:\n  - i18n:\n"
        "      docs_structure: folder\n      languages:\n        - {locale: en, default: true, name: English, build: true}\n"
        "        - {locale: fr, name: Français, build: true}\n", encoding="utf-8")
    for lang in ("en", "fr"):
        assert mkdocs_site.build_language(str(tmp_path / "mkdocs.yml"), lang) == ([], "")
    site = tmp_path / "site"
    published = {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
                 for p in site.rglob("*") if p.suffix in {".txt", ".csv"} or p.name == "app.js"}
    assert published == {"notes.txt": "en", "fr/notes.txt": "fr", "fr/data/only.csv": "fr only",
                         "robots.txt": "no language", "assets/app.js": "no language either"}
    assert "notes.txt" in (site / "fr" / "index.html").read_text(encoding="utf-8")  # the link was found, not refused


def test_a_download_kept_in_the_cache_is_linked_into_the_docs_tree_and_never_written_through(tmp_path: Path):
    """The docs tree takes an export's file from the cache by a hard link (no bytes copied, none held by the
    build), dated now so that MkDocs copies it even when the cache kept it long ago (an edit undone); a new
    version of that download replaces the link and leaves the cache's file as it was."""
    import hashlib
    import os

    from passerelle.cache import Cache
    from passerelle.exports import stored
    from passerelle.records import Asset
    from passerelle.sitegen import mkdocs_site

    first = stored(Asset("en/briefs/b/b.docx", b"first"), Cache(tmp_path / "cache"))
    kept = Path(first.stored.file)
    os.utime(kept, (1_000_000_000, 1_000_000_000))
    build_dir = tmp_path / "docs_build"
    tree = mkdocs_site.write_docs(build_dir, mkdocs_site.docs_files([], [first], {}), {})
    target = build_dir / "files/en/briefs/b/b.docx"
    assert tree == {"en/briefs/b/b.docx": hashlib.sha256(b"first").hexdigest()}
    assert target.read_bytes() == b"first" and target.stat().st_ino == kept.stat().st_ino
    assert target.stat().st_mtime > 1_000_000_000 + 3600
    mkdocs_site.write_docs(build_dir, mkdocs_site.docs_files([], [Asset("en/briefs/b/b.docx", b"second")], {}), tree)
    assert target.read_bytes() == b"second" and kept.read_bytes() == b"first"


def test_mkdocs_holds_no_page_text_once_rendered_and_writes_every_page_whole(tmp_path: Path, monkeypatch):
    """MkDocs renders every page before it writes the first and keeps each page's Markdown and HTML to the
    end (230 MB per language at 1,000 briefs): the hooks drop the Markdown once rendered and keep the HTML
    compressed until the page's template renders it, then drop it. Counted when the first page is written."""
    from mkdocs.commands import build as mkdocs_build

    from passerelle.sitegen import mkdocs_site

    texts = {name: f"Settlement workers' notes, {name}: " + "housing, language classes. " * 40
             for name in ("index", *(f"page-{i}" for i in range(5)))}
    for lang in ("en", "fr"):
        for name, text in texts.items():
            (tmp_path / "docs" / lang / f"{name}.md").parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / "docs" / lang / f"{name}.md").write_text(f"# {name}\n\n{text}\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: t\ntheme: {{name: material}}\nhooks: ['{mkdocs_site.HOOKS}']\nplugins:\n  - i18n:\n"
        "      docs_structure: folder\n      languages:\n        - {locale: en, default: true, name: English, build: true}\n"
        "        - {locale: fr, name: Français, build: true}\n", encoding="utf-8")
    held: list[int] = []
    pages: list = []
    build_page = mkdocs_build._build_page

    def counting(page, config, doc_files, *args, **kwargs):
        if not held:
            pages.extend(f.page for f in doc_files)
            held.append(sum(len(p.markdown or "") + len(p.content or "") for p in pages))
        return build_page(page, config, doc_files, *args, **kwargs)

    monkeypatch.setattr(mkdocs_build, "_build_page", counting)
    assert mkdocs_site.build_language(str(tmp_path / "mkdocs.yml"), "en") == ([], "")
    assert len(pages) == len(texts) and held == [0]
    assert all(p.content is None for p in pages)
    for name, text in texts.items():
        page = tmp_path / "site" / ("" if name == "index" else name) / "index.html"
        assert text.strip() in page.read_text(encoding="utf-8")


def test_each_enrichment_is_condensed_as_it_is_read_and_never_all_held(bundled_site: Path, monkeypatch):
    """Every document's and entry's whole enrichment, held together, took 220 MB at 3,000 briefs, which the
    build process kept once they were freed (then copied into the exports' process at the fork): ``collect``
    condenses each as the cache gives it. Counted on the bundled project: at most two are alive at a time."""
    import gc

    from passerelle import context
    from passerelle.records import Enrichment

    def alive() -> int:
        return sum(1 for o in gc.get_objects() if isinstance(o, Enrichment))

    most: list[int] = []
    labelled = context._labelled

    def counting(tags):
        most.append(alive())
        return labelled(tags)

    checked = pipeline.check(bundled_site)
    gc.collect()
    before = alive()  # held by other tests of the session
    monkeypatch.setattr(context, "_labelled", counting)  # twice per document, twice per entry
    ctx = pipeline.collect(bundled_site, pipeline.publishable(checked))
    docs, entries = len(ctx.project.documents), len(ctx.project.literature.entries)
    assert len(most) == 2 * docs + 2 * entries and docs > 20 and entries > 1
    gc.collect()
    assert max(most) - before <= 2 and alive() == before
    assert any(e.topics for e in ctx.extras.values()) and any(any(t.values()) for t in ctx.entry_tags.values())


def test_the_documents_are_let_go_before_mkdocs_runs(tmp_path: Path, monkeypatch):
    """MkDocs holds every page of a language before it writes one (about 1 GB per language at 10,000 briefs):
    the build makes its report first and lets the project go, so that no document is held beside MkDocs.
    Counted on the bundled project: while MkDocs runs, no more documents are alive than before the build."""
    import gc

    from passerelle.sitegen import mkdocs_site

    def alive() -> int:
        gc.collect()
        return sum(1 for o in gc.get_objects() if isinstance(o, Document))

    during: list[int] = []
    run_mkdocs = mkdocs_site.build_site

    def counting(*args, **kwargs):
        during.append(alive())
        return run_mkdocs(*args, **kwargs)

    root = copy_project(REPO, tmp_path / "p")
    before = alive()  # held by other tests of the session
    monkeypatch.setattr(mkdocs_site, "build_site", counting)
    result = pipeline.build(root)
    assert result.site.mode == "full" and len(during) == 1 and during[0] <= before
    assert result.counts["briefs"] > 20 and not errors(result.diagnostics)
    assert result.report.inputs["content/briefs/data-sharing-culture.en.md"].pages  # the report was made first


def test_pages_go_to_a_temporary_file_as_rendered_and_come_back_once_in_order(bundled_site: Path, monkeypatch):
    """The build never holds every page (430 MB at 3,000 briefs): ``pages.render`` writes each to a
    temporary file as the generators yield it, and the site generator reads them back once. Counted on the
    bundled project: while the pages render, fewer are alive than the brief pages alone; none once rendered."""
    import gc

    from passerelle import pages
    from passerelle.pages import linked_data
    from passerelle.records import Page

    def alive() -> int:
        return sum(1 for o in gc.get_objects() if isinstance(o, Page))

    ctx = pipeline.collect(bundled_site, pipeline.publishable(pipeline.check(bundled_site)))
    calls, most = [], []
    described = linked_data.with_own_description

    def counting(c, page):
        calls.append(page.path)
        if len(calls) % 7 == 0:  # a count walks every object: a sample keeps the test quick
            most.append(alive())
        return described(c, page)

    monkeypatch.setattr(linked_data, "with_own_description", counting)
    rendered = pages.render(ctx)
    gc.collect()
    brief_pages = sum(1 for o in rendered.outlines if o.kind.startswith("brief"))
    assert calls == [o.path for o in rendered.outlines] and len(calls) > brief_pages > 100
    assert max(most) < brief_pages and alive() == 0
    read = [(p.path, p.info.description) for p in rendered.pages]
    assert [path for path, _ in read] == [o.path for o in rendered.outlines]
    for lang in ("en", "fr"):  # descriptions made unique once every page was known
        own = [d for path, d in read if path.startswith(f"{lang}/")]
        assert len(set(own)) == len(own)
    assert list(rendered.pages) == []  # read once: the file is gone
    built = json.loads((bundled_site / "site" / "build-report.json").read_text(encoding="utf-8"))
    assert built["counts"]["pages"] == len(rendered.outlines)


def test_the_benchmarks_peak_memory_names_the_process_that_held_it():
    """The peak of a build's process tree is split by kind of process: a forked child's own memory is counted
    as ``forked``, the command's as ``build``, and pages they share once (proportional set sizes). The
    command names itself as ``passerelle`` does (a console script's processes bear the script's name): its
    fork is still ``forked``."""
    bench = scale_bench()
    script = ("import os, time\n"
              "open('/proc/self/comm', 'w').write('passerelle')\n"
              "held = b'x' * (40 * 2**20)  # the command's own 40 MB, shared with the child at the fork\n"
              "if os.fork() == 0:\n"
              "    mine = b'y' * (120 * 2**20)  # the child's own\n"
              "    time.sleep(1.5)\n"
              "    os._exit(0)\n"
              "os.wait()\n")
    seconds, (peak, rss_sum, parts) = bench.run_timed([sys.executable, "-c", script], REPO)
    mb = bench.megabytes(parts)
    assert set(mb) == {"build", "forked"}
    assert 120 + 15 <= mb["forked"] < 120 + 40 and 20 <= mb["build"] < 60  # each has half of the 40 shared MB
    assert peak == sum(parts.values()) and rss_sum > peak + 15 * 2**20  # the resident sets count them twice


def test_the_benchmarks_peak_memory_counts_a_child_in_its_parents_memory_once():
    """A child between vfork and exec runs in its parent's address space, and the kernel gives it its parent's
    figures: summed, the parent was counted twice (03acf92's 10,000 peak: 726 + "forked" 1,342, twice 671).
    Here the child shares its parent's 150 MB for 1.5 s (clone(2) with CLONE_VM, the child in libc's sleep):
    the peak counts them once, while a forked child, which has memory of its own, is still counted."""
    bench = scale_bench()
    script = ("import ctypes, os\n"
              "libc = ctypes.CDLL(None, use_errno=True)\n"
              "held = b'x' * (150 * 2**20)\n"
              "stack = ctypes.create_string_buffer(1 << 16)\n"
              "top = ctypes.c_void_p(ctypes.addressof(stack) + (1 << 16) - 64)\n"
              "libc.clone.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]\n"
              "sleep = ctypes.cast(libc.sleep, ctypes.c_void_p)\n"
              "pid = libc.clone(sleep, top, 0x100 | 17, ctypes.c_void_p(2))  # CLONE_VM, SIGCHLD at its end\n"
              "assert pid > 0 and os.waitpid(pid, 0)[1] == 0\n")
    _, (peak, rss_sum, parts) = bench.run_timed([sys.executable, "-c", script], REPO)
    assert set(parts) == {"build"} and 150 <= peak / 2**20 < 150 + 40  # without the check: 2 x 150 and more
    done, ids = threading.Event(), []
    worker = threading.Thread(target=lambda: (ids.append(threading.get_native_id()), done.wait(5)))
    worker.start()
    while not ids:
        time.sleep(0.01)
    try:
        assert ids[0] != os.getpid() and bench.shares_memory(os.getpid(), ids[0])  # a thread: one address space
    finally:
        done.set()
        worker.join()
    child = os.fork()
    if child == 0:
        time.sleep(0.5)
        os._exit(0)
    try:
        assert not bench.shares_memory(os.getpid(), child)
    finally:
        os.waitpid(child, 0)


def test_the_benchmarks_memory_sampler_takes_at_most_a_tenth_of_a_core(monkeypatch):
    """A process's proportional size costs the kernel a walk of its page tables (120 ms for a 1.5 GB build):
    the sampler waits nine times what its last sample took, so that it does not slow the build it measures.
    Counted with samples made to cost 0.1 s, over a command of 2 s."""
    import psutil

    bench = scale_bench()
    calls: list[float] = []
    full_info = psutil.Process.memory_full_info

    def slow(process):
        calls.append(time.perf_counter())
        time.sleep(0.1)
        return full_info(process)

    monkeypatch.setattr(psutil.Process, "memory_full_info", slow)
    seconds, (peak, _, parts) = bench.run_timed([sys.executable, "-c", "import time; time.sleep(2)"], REPO)
    busy = 0.1 * len(calls)
    assert 1 <= len(calls) <= 4 and busy / seconds <= 0.2  # back to back, 0.1 s then 50 ms: 13 samples
    assert peak > 0 and set(parts) == {"build"}


def test_the_memory_timeline_shows_a_forked_process_come_and_go(tmp_path: Path):
    """``benchmarks/memory_timeline.py`` writes every sample of the benchmark's sampler, so that a phase of a
    long build can be read: a child holding 120 MB for a second and a half appears as ``forked``, on its own
    with its pid, and is gone from the rows after it ends; the peak it prints is the largest row."""
    timeline = benchmark("memory_timeline")
    script = ("import os, time\n"
              "if os.fork() == 0:\n"
              "    mine = b'y' * (120 * 2**20)\n"
              "    time.sleep(1.5)\n"
              "    os._exit(0)\n"
              "os.wait()\n"
              "time.sleep(1)\n")
    out = tmp_path / "timeline.tsv"
    peak, parts, code = timeline.watch([sys.executable, "-c", script], REPO, 0.2, out)
    rows = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines()[1:]]
    forked = [i for i, (_, _, kinds, _) in enumerate(rows) if "forked=" in kinds]
    assert code == 0 and len(rows) >= 8
    assert forked and forked[-1] < len(rows) - 2 and all("forked=" not in kinds for _, _, kinds, _ in rows[forked[-1] + 1:])
    assert peak == max(int(total) for _, total, _, _ in rows) and parts["forked"] >= 120
    processes = [[cell.split(":") for cell in each.split()] for _, _, _, each in rows]
    child = {pid for sample in processes for pid, kind, _, _ in sample if kind == "forked"}
    assert len(child) == 1 and all(sum(int(pss) for _, _, pss, _ in sample) <= int(total) + len(sample)
                                   for sample, (_, total, _, _) in zip(processes, rows))
    assert max(int(uss) for sample in processes for pid, _, _, uss in sample if pid in child) >= 120


def scale_bench():
    return benchmark("scale_bench")


def benchmark(name: str):
    """A script of ``benchmarks/`` as a module (they are run as scripts, not installed)."""
    spec = importlib.util.spec_from_file_location(name, REPO / "benchmarks" / f"{name}.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench


def test_a_benchmark_cut_short_goes_on_from_its_first_unfinished_step(tmp_path: Path, monkeypatch):
    """10,000 briefs take hours: with ``--keep`` a run that is stopped keeps its finished steps, and started
    again it measures only what is left; the brief it edits is edited from its first text, with a sentence
    the enrichment cache has not seen."""
    bench = scale_bench()
    commands: list[str] = []

    def fake_command(args: list[str], cwd: Path):  # each build writes its timings, as `passerelle build` does
        name = "floor" if "mkdocs" in args[0] else Path(args[-1]).stem.removeprefix(".bench-")
        commands.append(name)
        if name == "warm" and commands.count("warm") == 1:
            raise KeyboardInterrupt  # the machine went away during the first warm build
        if name != "floor":
            (cwd / "site").mkdir(exist_ok=True)
            (cwd / "site" / "index.html").write_text(f"<p>{name}</p>", encoding="utf-8")
            Path(args[-1]).write_text(json.dumps({"stages": {"site": 1.0}, "site_mode": name, "files_written": 1}))
        return 2.0, (2**20, 2**21, {"build": 2**20})

    monkeypatch.setattr(bench, "run_timed", fake_command)
    keep = tmp_path / "kept"
    with pytest.raises(KeyboardInterrupt):
        bench.run(5, ("build",), keep=keep)
    assert commands == ["cold", "floor", "warm"]
    steps = json.loads((keep / "steps.json").read_text(encoding="utf-8"))
    assert sorted(steps["done"]) == ["cold", "corpus", "floor"] and steps["attempts"]["warm"] == 1

    edited = keep / "project" / bench.EDITED
    first_text = edited.read_text(encoding="utf-8")
    flat = bench.run(5, ("build",), keep=keep)
    assert commands == ["cold", "floor", "warm", "warm", "incremental"]  # nothing measured twice but the cut step
    assert flat["machine"]["resumed_after"] == ["cold", "corpus", "floor"]
    assert flat["build.ratio"] == 1.0 and flat["size.pages"] == 1 and flat["peak_rss_mb"] == 1
    assert flat["build.cold_peak_parts_mb"] == {"build": 1}
    assert edited.read_text(encoding="utf-8").count(bench.EDIT) == 1

    steps = json.loads((keep / "steps.json").read_text(encoding="utf-8"))
    del steps["done"]["incremental"]  # as if the edited build had been cut short
    (keep / "steps.json").write_text(json.dumps(steps), encoding="utf-8")
    bench.run(5, ("build",), keep=keep)
    again = edited.read_text(encoding="utf-8")
    assert again.count(bench.EDIT) == 1 and "(attempt 2)" in again
    assert again.replace(f"{bench.EDIT} (attempt 2)\n\n", "") == first_text

    with pytest.raises(SystemExit, match="steps.json: measured for"):
        bench.run(6, ("build",), keep=keep)  # another N: its figures would not add up with these
