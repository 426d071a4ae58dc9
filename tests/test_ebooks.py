"""E-books: the EPUBs of the bundled briefs pass Debian's epubcheck with no error and no warning, hold
the chapters a reader expects (contents by topic, every brief, glossary, references by citeproc), say
their language, are byte-identical when rebuilt, are linked with their size, and travel in the
offline bundle."""
from __future__ import annotations

import dataclasses
import io
import json
import posixpath
import re
import shutil
import subprocess
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from xml.etree import ElementTree

import pytest

from passerelle import build, cache, settings, urls
from passerelle.context import SiteContext, newest_first
from passerelle.exports import ebooks
from passerelle.records import Document, Literature, Project, Section

AUDIENCES = ("frontline", "managers", "funders", "researchers")
XHTML = {"x": "http://www.w3.org/1999/xhtml", "opf": "http://www.idpf.org/2007/opf",
         "dc": "http://purl.org/dc/elements/1.1/"}


@pytest.fixture(scope="module")
def ctx(bundled_site: Path) -> SiteContext:
    """The bundled project's context, read from the built copy (its caches are warm)."""
    return build.collect(bundled_site, build.publishable(build.check(bundled_site)))


def books(site: Path) -> list[Path]:
    return sorted(site.glob("ebooks/*.epub")) + sorted(site.glob("fr/ebooks/*.epub"))


def epubcheck(path: Path) -> str:
    """Debian's epubcheck is a jar installed as /usr/bin/epubcheck: run it with Java, as binfmt may not."""
    tool = shutil.which("epubcheck")
    if not tool or not shutil.which("java"):
        pytest.fail("epubcheck or Java is missing: run 'make system-deps' (Debian packages epubcheck, default-jre-headless)")
    proc = subprocess.run(["java", "-jar", tool, str(path)], capture_output=True, text=True, timeout=300)
    return proc.stdout + proc.stderr


def member(book: Path | bytes, name: str) -> str:
    with zipfile.ZipFile(book if isinstance(book, Path) else io.BytesIO(book)) as zf:
        return zf.read(name).decode("utf-8")


def nav_entries(book: Path | bytes) -> list[tuple[int, str, str]]:
    """(depth, text, target) of every entry of the EPUB's navigation document."""
    root = ElementTree.fromstring(member(book, "EPUB/nav.xhtml"))
    toc = next(n for n in root.iter("{%s}nav" % XHTML["x"]) if n.get("id") == "toc")
    out = []

    def walk(ol, depth):
        for li in ol.findall("x:li", XHTML):
            a = li.find("x:a", XHTML)
            out.append((depth, "".join(a.itertext()), a.get("href")))
            for sub in li.findall("x:ol", XHTML):
                walk(sub, depth + 1)

    walk(toc.find("x:ol", XHTML), 0)
    return out


def test_there_is_a_book_per_language_and_per_audience(bundled_site):
    names = {p.relative_to(bundled_site / "site").as_posix() for p in books(bundled_site / "site")}
    assert names == {f"{'fr/' if lang == 'fr' else ''}ebooks/passerelle-{lang}{'-' + a if a else ''}.epub"
                     for lang in ("en", "fr") for a in ("", *AUDIENCES)}


def test_every_book_passes_epubcheck_with_no_error_and_no_warning(bundled_site):
    paths = books(bundled_site / "site")
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = dict(zip(paths, pool.map(epubcheck, paths)))
    for path, report in reports.items():
        assert "Messages: 0 fatals / 0 errors / 0 warnings" in report, f"{path.name}:\n{report[-3000:]}"
    print(f"\nepubcheck: {len(paths)} books, 0 errors, 0 warnings")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_full_book_has_topics_every_brief_glossary_and_references(bundled_site, ctx, lang):
    site = bundled_site / "site"
    book = site / ("fr" if lang == "fr" else "") / "ebooks" / f"passerelle-{lang}.epub"
    entries = nav_entries(book)
    top = [text for depth, text, _ in entries if depth == 0]
    briefs = [d.title for d in ctx.in_lang(lang)]
    assert len(briefs) >= 11  # the bundled briefs
    assert top[0] == settings.text(lang, "ebook_by_topic")
    assert sorted(top[1:-2]) == sorted(briefs)  # every brief is a chapter, once
    assert top[-2:] == [settings.text(lang, "glossary"), settings.text(lang, "ebook_references")]
    topics = {text for depth, text, href in entries if depth == 1 and "#topic-" in href}
    assert {t.label for d in ctx.in_lang(lang) for t in ctx.extra(d).topics} == topics  # the contents by topic
    chapters = {href.split("#")[0] for _, _, href in entries}
    with zipfile.ZipFile(book) as zf:
        text = {name: zf.read(name).decode("utf-8") for name in zf.namelist() if name.endswith(".xhtml")}
    refs = text["EPUB/" + next(h for _, t, h in entries if t == settings.text(lang, "ebook_references")).split("#")[0]]
    cited = {e.key for d in ctx.in_lang(lang) for e in ctx.literature.cited_by(d)}
    assert set(re.findall(r'<div id="ref-([^"]+)" class="csl-entry"', refs)) == cited  # formatted by citeproc
    assert ("juillet" in refs) == (lang == "fr") and ("July" in refs) == (lang == "en")
    glossary = text["EPUB/" + next(h for _, t, h in entries if t == settings.text(lang, "glossary")).split("#")[0]]
    acronyms = {a.short for d in ctx.in_lang(lang) for a in ctx.extra(d).acronyms}
    assert "IRCC" in acronyms and set(re.findall(r"<dt><strong>([^<]+)</strong></dt>", glossary)) == acronyms
    assert len(chapters) == len(briefs) + 3
    brief = next(d for d in ctx.in_lang(lang) if d.id == "data-sharing-culture")
    chapter = next(v for v in text.values() if f'id="brief-{brief.id}"' in v)
    for section in ("key-messages", "findings", "frontline", "researchers", "sources"):
        assert f'id="{brief.id}-{section}"' in chapter
    assert 'href="ch' in chapter and "#ref-nsct2022mobilizing" in chapter  # sources link to the references


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("audience", AUDIENCES)
def test_an_audience_book_holds_that_part_of_the_briefs_written_for_it(bundled_site, ctx, lang, audience):
    book = bundled_site / "site" / ("fr" if lang == "fr" else "") / "ebooks" / f"passerelle-{lang}-{audience}.epub"
    top = [text for depth, text, _ in nav_entries(book) if depth == 0]
    wanted = [d.title for d in ctx.in_lang(lang) if audience in ctx.audience_parts(d)]
    assert wanted and sorted(top[1:-2]) == sorted(wanted)
    with zipfile.ZipFile(book) as zf:
        body = "".join(zf.read(n).decode("utf-8") for n in zf.namelist() if n.startswith("EPUB/text/ch"))
    others = [a for a in AUDIENCES if a != audience]
    assert f'-{audience}" class="level2' in body and not any(f'-{a}" class="level2' in body for a in others)
    assert member(book, "EPUB/content.opf").count("<dc:subtitle") <= 1
    assert ctx.model.audiences[audience].landing[lang] in member(book, "EPUB/text/title_page.xhtml")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_book_says_its_language(bundled_site, lang):
    book = bundled_site / "site" / ("fr" if lang == "fr" else "") / "ebooks" / f"passerelle-{lang}.epub"
    opf = ElementTree.fromstring(member(book, "EPUB/content.opf"))
    language = opf.find("opf:metadata/dc:language", XHTML).text
    assert language.split("-")[0] == lang
    assert re.search(r'<html [^>]*xml:lang="%s-CA"' % lang, member(book, "EPUB/text/ch002.xhtml"))
    assert opf.find("opf:metadata/dc:title", XHTML).text == settings.text(lang, "home_title")


def test_a_rebuilt_book_is_byte_identical(bundled_site, ctx):
    docs = ctx.in_lang("fr")[:3]
    first = ebooks.book(ctx, "fr", docs, "funders", cache.Cache(None))
    assert ebooks.book(ctx, "fr", docs, "funders", cache.Cache(None)) == first
    built = (bundled_site / "site" / "fr" / "ebooks" / "passerelle-fr.epub").read_bytes()
    assert ebooks.book(ctx, "fr", newest_first(ctx.in_lang("fr")), "", cache.Cache(None)) == built  # no cache, same bytes
    ids = re.findall(r"urn:uuid:[0-9a-f-]+", member(first, "EPUB/content.opf"))
    assert ids and "2026-11-23T00:00:00Z" in member(first, "EPUB/content.opf")  # the briefs' date, not the clock


def test_about_and_audience_landing_pages_link_the_books_with_their_size(bundled_site):
    site = bundled_site / "site"
    for page, count in ((site / "about" / "index.html", 5), (site / "fr" / "about" / "index.html", 5),
                        (site / "audiences" / "funders" / "index.html", 1),
                        (site / "fr" / "audiences" / "frontline" / "index.html", 1)):
        html = page.read_text(encoding="utf-8")
        links = re.findall(r'<a href="([^"]+\.epub)">([^<]+)</a>', html)
        assert len(links) == count, page
        for href, label in links:
            size = (page.parent / href).resolve().stat().st_size
            unit = "Ko" if "/fr/" in page.as_posix() else "KB"
            assert f"EPUB, {round(size / 1000)} {unit})" in label, (href, label, size)


def test_the_offline_bundle_carries_the_books_and_links_them(bundled_site, tmp_path):
    from passerelle.sitegen import make_bundle

    site = tmp_path / "site"
    shutil.copytree(bundled_site / "site", site)
    with zipfile.ZipFile(make_bundle(site)) as zf:
        names = set(zf.namelist())
        about = zf.read("site-offline/fr/about/index.html").decode("utf-8")
        assert zf.read("site-offline/fr/ebooks/passerelle-fr.epub") == (site / "fr/ebooks/passerelle-fr.epub").read_bytes()
    hrefs = re.findall(r'<a href="([^"]+\.epub)"', about)
    assert len(hrefs) == 5
    for href in hrefs:
        assert posixpath.normpath(posixpath.join("site-offline/fr/about", href)) in names


def _doc(body_sections: dict[str, str]) -> Document:
    sections = tuple(Section.of(sid, sid, text, 1) for sid, text in body_sections.items())
    meta = {"id": "odd-brief", "title": "A brief with images, site links and @handles", "summary": "Odd things.",
            "audiences": ["frontline"], "published": "2026-11-23", "evidence": {"strength": "emerging", "type": []}}
    return Document("content/briefs/odd-brief.en.md", "brief", "en", meta, "", 1, {}, sections)


def test_links_the_book_cannot_follow_become_text_and_it_still_passes_epubcheck(tmp_path):
    doc = _doc({"key-messages": "- See ![a chart](../media/chart.png) and [the other brief](../other/).",
                "findings": "Follow @PeaceGeeks, write to info@example.org, read [the report](https://example.org/r).",
                "frontline": "![remote](https://example.org/x.png) [inside](#glossary)"})
    project = Project(str(tmp_path), (doc,), Literature(), (), ())
    ctx = SiteContext(project, {}, {})
    data = ebooks.book(ctx, "en", [doc], "", cache.Cache(None))
    chapter = member(data, "EPUB/text/ch002.xhtml")
    assert "<img" not in chapter and "../media" not in chapter and "../other" not in chapter
    assert "a chart" in chapter and "the other brief" in chapter
    assert "@PeaceGeeks" in chapter and "citation" not in chapter  # an @handle is text, never a citation
    assert 'href="https://example.org/r"' in chapter and 'href="https://example.org/x.png"' in chapter
    (tmp_path / "odd.epub").write_bytes(data)
    report = epubcheck(tmp_path / "odd.epub")
    assert "Messages: 0 fatals / 0 errors / 0 warnings" in report, report[-3000:]


def test_a_large_book_comes_in_volumes_by_date_and_one_edit_remakes_only_its_volumes(ctx, tmp_path, monkeypatch):
    """Past EBOOK_VOLUME briefs a book is split by publication date (pandoc held 1.5 GB for a book of 1,000
    briefs): every brief in exactly one volume, the oldest first; About and the audience pages link each
    volume with its dates and size; after one edit, pandoc runs only for the volumes that hold the brief."""
    from passerelle import context
    from passerelle.pages import about, listings

    monkeypatch.setattr(context, "EBOOK_VOLUME", 4)
    volumes = ctx.ebook_volumes("fr")
    assert [len(v) for v in volumes] == [4, 4, len(ctx.in_lang("fr")) - 8]
    assert sorted(d.id for v in volumes for d in v) == sorted(d.id for d in ctx.in_lang("fr"))
    for older, newer in zip(volumes, volumes[1:]):
        assert max(d.sort_date for d in older) <= min(d.sort_date for d in newer)
    assert all(v == newest_first(v) for v in volumes)

    runs: list[str] = []
    make = ebooks.run_pandoc
    monkeypatch.setattr(ebooks, "run_pandoc", lambda chapters, meta, *rest: runs.append(meta) or make(chapters, meta, *rest))
    store = cache.Cache(tmp_path / "books")
    assets = list(ebooks.generate(ctx, store))
    paths = {a.path for a in assets}
    assert "fr/ebooks/passerelle-fr-3.epub" in paths and "fr/ebooks/passerelle-fr-4.epub" not in paths
    assert len(runs) == len(assets)
    second = (tmp_path / "second.epub")
    second.write_bytes(next(a.data for a in assets if a.path == "fr/ebooks/passerelle-fr-2.epub"))
    first, last = min(d.sort_date for d in volumes[1]), max(d.sort_date for d in volumes[1])
    assert f"Tome 2 : publiés du {first.isoformat()} au {last.isoformat()}" in member(second, "EPUB/text/title_page.xhtml")
    assert [d.title for d in volumes[1]] == [t for depth, t, _ in nav_entries(second) if depth == 0][1:-2]
    report = epubcheck(second)
    assert "No errors or warnings detected" in report, report

    sized = dataclasses.replace(ctx, downloads={a.path: len(a.data) for a in assets})
    about_page = about.about_page(sized, "fr").body
    for n, volume in enumerate(volumes, 1):
        name = f"passerelle-fr-{n}.epub" if n > 1 else "passerelle-fr.epub"
        assert re.search(rf"\[Tome {n} : publiés du {min(d.sort_date for d in volume).isoformat()} au "
                         rf"{max(d.sort_date for d in volume).isoformat()} \(EPUB, \d+ Ko\)\]\((?:\.\./)?ebooks/{name}\)", about_page)
    lead = listings.ebook_lead(sized, "en", "en/audiences/funders/index.md", "funders")
    n_funders = len(ctx.ebook_volumes("en", "funders"))
    assert sum(".epub" in line for line in lead) == n_funders and (n_funders == 1 or "in volumes" in lead[0])

    edited = volumes[1][0]
    changed = dataclasses.replace(edited, meta={**edited.meta, "title": edited.title + " (révisé)"})
    docs = tuple(changed if d is edited else d for d in ctx.project.documents)
    edited_ctx = dataclasses.replace(ctx, project=dataclasses.replace(ctx.project, documents=docs))
    runs.clear()
    remade = {a.path: a.data for a in ebooks.generate(edited_ctx, store)}
    holding = 1 + sum(1 for a in ctx.model.audiences for v in edited_ctx.ebook_volumes("fr", a) if changed in v)
    assert len(runs) == holding
    assert sorted(p for p in remade if remade[p] != next(a.data for a in assets if a.path == p)) == sorted(
        urls.ebook("fr", a, n) for a in ("", *ctx.model.audiences)
        for n, v in enumerate(edited_ctx.ebook_volumes("fr", a), 1) if changed in v)


def test_an_edit_reads_only_its_own_chapter_again_and_the_book_is_the_same_as_made_afresh(ctx, tmp_path, monkeypatch):
    """Pandoc reads each chapter into its JSON form on its own and the cache keeps it: a book put together
    from kept chapters is, byte for byte, the book made with no cache; after an edit to one section of one
    brief, only that brief's chapter is read again."""
    read: list[str] = []
    reader = ebooks.run_reader
    monkeypatch.setattr(ebooks, "run_reader", lambda chapters: read.extend(chapters) or reader(chapters))
    store = cache.Cache(tmp_path / "ebooks", ".epub")
    docs = newest_first(ctx.in_lang("en"))
    assert ebooks.book(ctx, "en", docs, "", store) == ebooks.book(ctx, "en", docs, "", cache.Cache(None))
    assert len(read) == 2 * (len(docs) + 3)  # contents by topic, every brief, glossary, references; twice

    edited = next(d for d in docs if d.has_section("findings"))
    more = "\n\nOne more finding, from the edit."
    sections = tuple(Section.of(s.id, s.heading, s.body + more, s.line) if s.id == "findings" else s
                     for s in edited.sections)
    changed = dataclasses.replace(edited, sections=sections)
    documents = tuple(changed if d is edited else d for d in ctx.project.documents)
    edited_ctx = dataclasses.replace(ctx, project=dataclasses.replace(ctx.project, documents=documents))
    read.clear()
    remade = ebooks.book(edited_ctx, "en", newest_first(edited_ctx.in_lang("en")), "", store)
    assert len(read) == 1 and read[0].startswith(f"# {ebooks.text(changed.title)} {{#brief-{changed.id}}}")
    with zipfile.ZipFile(io.BytesIO(remade)) as zf:
        assert any("One more finding, from the edit." in zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith(".xhtml"))
    assert remade == ebooks.book(edited_ctx, "en", newest_first(edited_ctx.in_lang("en")), "", cache.Cache(None))


def test_each_chapter_is_read_on_its_own_even_among_a_hundred():
    """The chapters' names reach ``pandoc lua`` in a file (pandoc 3.9 crashes when given about 80 arguments);
    a chapter's JSON is the same read alone or among others: its headings' identifiers are its own."""
    chapters = [f"# Chapter {n} {{#c{n}}}\n\n## What it takes\n\nText [link](../elsewhere/) {n}.\n" for n in range(120)]
    together = ebooks.run_reader(chapters)
    assert len(together) == 120 and together[57] == ebooks.run_reader([chapters[57]])[0]
    blocks = json.loads(together[119])["blocks"]
    assert blocks[0]["c"][1][0] == "c119" and blocks[1]["c"][1][0] == "what-it-takes"  # not what-it-takes-119
    assert '"Link"' not in together[3].decode("utf-8")  # a link to a site file becomes its text (data/ebook.lua)


def test_one_volume_is_in_pandoc_at_a_time_beside_the_handouts(ctx, tmp_path, monkeypatch):
    """An e-book volume of 10,000 briefs holds 250 MB in pandoc: two at once, beside the build and the exports'
    processes, took the build past 2 GB. The volumes are made one at a time (``cache.LARGE_RUNS``) while the
    handouts' pandoc runs take the other core. Counted on the bundled books, made again with pandoc slowed,
    while a handout-sized run is started beside them."""
    import os
    import threading
    import time

    if (os.cpu_count() or 1) < 2:
        pytest.skip("needs two cores: a handout's run beside a volume")
    lock, running, most, beside = threading.Lock(), [0], [0], []
    real = ebooks.run_pandoc

    def counted(*args, **kwargs):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        try:
            time.sleep(0.2)
            return real(*args, **kwargs)
        finally:
            with lock:
                running[0] -= 1

    def handout() -> bytes:
        with lock:
            beside.append(running[0])
        return b""

    monkeypatch.setattr(ebooks, "run_pandoc", counted)
    store = cache.Cache(tmp_path / "ebooks")
    made = threading.Thread(target=lambda: beside.append(len(list(ebooks.generate(ctx, store)))))
    made.start()
    while running[0] == 0 and made.is_alive():
        time.sleep(0.01)
    cache.outside(handout)  # a handout's run while a volume is in pandoc: not kept waiting for the volumes
    made.join(600)
    assert not made.is_alive() and beside[0] == 1 and beside[1] > 4  # the books of the bundled briefs
    assert most[0] == 1
