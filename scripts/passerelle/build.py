"""The pipeline, as it reads: load → validate → enrich → collect → pages and exports → site generator,
then the build report that accounts for every input file."""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import json
import multiprocessing
import multiprocessing.process
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from . import addresses, exports, load, pages, readability, sitegen, urls, validate
from .cache import Cache
from .context import SiteContext, document_extras, enrich_entries, entry_extras, entry_items
from .exports.citations import cached_citations
from .report import counts as report_counts
from .records import (LANGS, Asset, BuildReport, BuildResult, Checked, Diagnostic, Document, Enrichment, InputReport,
                      PageOutline, Project, RenderedPages, errors)

SITE_DIR = "site"
REPORT = "build-report.json"
FIRST_DATE = dt.date(2019, 1, 1)  # the build's date stamp when no document has one


def check(root: Path, loaded: Callable[[Project], object] | None = None) -> Checked:
    """Load and validate the project; ``loaded`` is told the project before the rules run (a build starts
    enriching then: ``EnrichmentAhead``)."""
    readability.remember_measures(Cache.for_project(root, "readability", ".json"))  # measured once per text
    project = load.load_project(root)
    if loaded is not None:
        loaded(project)
    return Checked(project, validate.validate(project, Cache.for_project(root, "validate", ".json")))


class EnrichmentAhead:
    """Enriches the documents and literature entries whose enrichment is not cached in a forked process (their
    results land in the cache, where ``collect`` finds them): loading the model takes the other core while the
    rules run, and ``collect`` reads the cached documents meanwhile. The build process itself never loads
    spaCy: at 10,000 briefs, enriching the literature there left both models in it (585 to 783 MB resident)
    through the pages, the exports' fork and MkDocs. ``start`` once the project is loaded; leaving the
    ``with`` block waits. It reports nothing: what it could not enrich is enriched again by ``collect``,
    which says what is wrong."""

    def __init__(self, root: Path):
        self.root = root
        self.paths: frozenset[str] = frozenset()  # the documents being enriched ahead
        self._process: multiprocessing.process.BaseProcess | None = None

    def start(self, project: Project) -> None:
        from .enrich import EnrichError, uncached
        from .vocabulary import VocabularyError

        docs = list(project.documents)
        items = enrichment_items(docs) + entry_items(project.literature.entries.values())
        try:
            missing = uncached(items, cache_dir=Cache.for_project(self.root, "enrich").folder)
        except (EnrichError, VocabularyError):
            missing = []  # collect reports it
        if missing:
            self.paths = frozenset(docs[i].path for i in missing if i < len(docs))
            self._process = start_enrichment(self.root, [items[i] for i in missing])

    def wait(self) -> None:
        if self._process is not None:
            self._process.join()
            self._process = None

    def __enter__(self) -> EnrichmentAhead:
        return self

    def __exit__(self, *exc: object) -> None:
        self.wait()


def start_enrichment(root: Path, items: list[tuple[str, str, str]]) -> multiprocessing.process.BaseProcess:
    """Forked, the process shares the loaded texts unpickled; not a daemon, since a large batch starts spaCy's
    own worker processes."""
    process = multiprocessing.get_context("fork").Process(target=_enrich_quietly, args=(root, items),
                                                          name="passerelle-enrich-ahead")
    process.start()
    return process


def _enrich_quietly(root: Path, items: list[tuple[str, str, str]]) -> None:
    from .enrich import enrich_into_cache

    # What this process inherits from the build (the whole project) is left out of its collections and of those
    # of spaCy's workers, forked from it: a collection writes to every object it visits, and so copies it. On
    # 1,500 French briefs of the 10,000-brief project, each worker peaked at 294 MB of its own, 158 MB frozen.
    gc.freeze()
    with contextlib.suppress(Exception, KeyboardInterrupt):  # collect enriches again and reports the problem
        enrich_into_cache(items, cache_dir=Cache.for_project(root, "enrich").folder)


def build(root: Path, offline: bool = False) -> BuildResult:
    """The site in ``site/`` with its service worker; with ``offline``, also ``site/site-offline.zip``, linked
    from the About pages. Every stage's time is in the result (``stages``): each page generator and export
    under its own name. The build report is made before the site generator runs, so that the project is let
    go first: MkDocs' pages take the place of the documents (the project and its findings held about 300 MB at
    3,000 briefs, of which the findings, kept for the command's output, about 40)."""
    seconds: dict[str, float] = {}
    checked, rendered, assets = generate(root, seconds)
    with timed(seconds, "report"):
        report = build_report(checked, rendered.outlines, assets)
    project = publishable(checked)
    files, date = media(project), source_date(project)
    diagnostics, counts = checked.diagnostics, report_counts(checked.project)
    del checked, project  # MkDocs holds every page of a language: the documents are not held beside them
    site = root / SITE_DIR
    with timed(seconds, "site"):
        update = sitegen.publish(root, site, rendered, assets, files, date, offline)
    with timed(seconds, "report"):
        (site / REPORT).write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                   encoding="utf-8")
    return BuildResult(diagnostics, counts, report, update.warnings, update, seconds)


def generate(root: Path, seconds: dict[str, float]) -> tuple[Checked, RenderedPages, list[Asset]]:
    """Load → validate → enrich → pages and exports. The context they read lives in this call, then only in
    the rendered pages until the site generator has read them: MkDocs runs without it."""
    with EnrichmentAhead(root) as ahead:  # the documents the enrichment cache lacks: enriched while the rules run
        with timed(seconds, "check"):
            checked = check(root, ahead.start)
        with timed(seconds, "enrich"):
            ctx = collect(root, publishable(checked), ahead)
    with exports.running(ctx, root, seconds) as made:  # exports beside the pages: their seconds overlap
        rendered = pages.render(dataclasses.replace(ctx, downloads=made), seconds)  # pages show download sizes
        assets = made.assets()
    return checked, rendered, assets


@contextmanager
def timed(seconds: dict[str, float], stage: str):
    start = time.perf_counter()
    try:
        yield
    finally:
        seconds[stage] = seconds.get(stage, 0.0) + time.perf_counter() - start


def update_manifest(root: Path) -> tuple[int, int, list[Diagnostic]]:
    """Add the addresses the project publishes now to ``content/published-addresses.txt`` (none is removed);
    return (addresses recorded, of which new, the manifest's own problems — then nothing is written)."""
    checked = check(root)
    problems = [d for d in checked.diagnostics if d.path == addresses.MANIFEST_PATH and d.code != "address-dropped"]
    if problems:
        return 0, 0, problems
    recorded = [a for a, _ in checked.project.manifest]
    text = addresses.manifest_text(recorded, publishable(checked).documents)
    path = root / addresses.MANIFEST_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    total = sum(1 for line in text.splitlines() if line and not line.startswith("#"))
    return total, total - len(set(recorded)), []


def publishable(checked: Checked) -> Project:
    """The project without the documents that have errors: valid files are still published."""
    bad = {d.path for d in errors(checked.diagnostics)}
    kept = tuple(d for d in checked.project.documents if d.path not in bad)
    return dataclasses.replace(checked.project, documents=kept)


def collect(root: Path, project: Project, ahead: EnrichmentAhead | None = None) -> SiteContext:
    """Phase one: the expensive, cached work every page generator and export reads."""
    docs = list(project.documents)
    references = formatted_references(root, project)  # citeproc while the enrichment ahead works
    extras = document_extras(docs, enriched(root, docs, ahead))
    if ahead is not None:
        ahead.wait()  # it enriches the literature entries too, after the documents
    entries = enrich_entries(root, list(project.literature.entries.values()))  # literature is tagged too
    return SiteContext(project, extras, references, entry_tags=entry_extras(entries))


def enrich_documents(root: Path, docs: list[Document], ahead: EnrichmentAhead | None = None) -> dict[str, Enrichment]:
    """Every document's enrichment (``enriched``), held together, in ``docs`` order."""
    found = dict(enriched(root, docs, ahead))
    return {d.path: found[d.path] for d in docs}


def enriched(root: Path, docs: list[Document], ahead: EnrichmentAhead | None = None) -> Iterator[tuple[str, Enrichment]]:
    """One spaCy pass over every document (cached by content, model and vocabulary version): (path,
    enrichment) pairs as they come. The documents ``ahead`` enriches are read once it is done; the others
    first, while it works."""
    from .enrich import enrichments

    folder = Cache.for_project(root, "enrich").folder
    later = [d for d in docs if ahead is not None and d.path in ahead.paths]
    now = [d for d in docs if ahead is None or d.path not in ahead.paths]
    for i, e in enrichments(enrichment_items(now), cache_dir=folder):
        yield now[i].path, e
    if later:
        ahead.wait()
        for i, e in enrichments(enrichment_items(later), cache_dir=folder):
            yield later[i].path, e


def enrichment_items(docs: list[Document]) -> list[tuple[str, str, str]]:
    return [(d.body, d.lang, f"{d.title}\n\n{d.summary}") for d in docs]  # title and summary weigh more


def formatted_references(root: Path, project: Project) -> dict[str, dict[str, str]]:
    """One pandoc citeproc call per language for every cited entry (French terms in French), cached."""
    cited = {e.key: e for d in project.documents for e in project.literature.cited_by(d)}
    entries = [cited[k] for k in sorted(cited)]
    store = Cache.for_project(root, "references", ".json")
    return {lang: cached_citations(entries, lang, store) for lang in LANGS}


def media(project: Project) -> dict[str, Path]:
    """Each media file, published in every language's media folder."""
    return {urls.media(lang, f.split("/", 2)[2]): Path(project.root) / f for f in project.media for lang in LANGS}


def source_date(project: Project) -> dt.date:
    dates = [d for doc in project.documents for d in (doc.published, doc.updated)]
    return max((d for d in dates if d), default=FIRST_DATE)


def build_report(checked: Checked, site_pages: Sequence[PageOutline], assets: list[Asset]) -> BuildReport:
    """Every input file with the addresses it produced, or the diagnostics that kept it out."""
    produced: dict[str, list[str]] = {f: [] for f in checked.project.files}
    for item in [*site_pages, *assets]:
        for src in item.sources:
            produced.setdefault(src, []).append(urls.published(item.path))
    for f in checked.project.media:
        produced.setdefault(f, []).extend(urls.published(urls.media(lang, f.split("/", 2)[2])) for lang in LANGS)
    by_file: dict[str, list[Diagnostic]] = {}
    for d in checked.diagnostics:
        by_file.setdefault(d.path, []).append(d)
    entries: dict[str, list[str]] = {}
    for e in checked.project.literature.entries.values():
        entries.setdefault(e.path, []).append(e.key)
    inputs = {}
    for f in sorted(set(produced) | set(by_file)):
        status = "rejected" if errors(by_file.get(f, [])) and not produced.get(f) else "built"
        inputs[f] = InputReport(status, tuple(sorted(set(produced.get(f, [])))), tuple(by_file.get(f, [])),
                                tuple(sorted(entries.get(f, []))) if f.startswith("literature/") else None)
    n_errors = len(errors(checked.diagnostics))
    return BuildReport(inputs, len(site_pages), n_errors, len(checked.diagnostics) - n_errors)
