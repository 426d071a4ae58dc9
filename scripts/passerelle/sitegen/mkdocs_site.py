"""Writes the rendered pages into docs_build/docs/<lang>/ with MkDocs front matter and every other file
(downloads, data, media) into docs_build/files/<lang>/, writes a docs_build/mkdocs.yml that inherits the
project's mkdocs.yml, then runs MkDocs in strict mode."""
from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import gc
import html
import importlib.metadata
import io
import logging
import multiprocessing
import os
import re
import shutil
from concurrent.futures import ProcessPoolExecutor
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import yaml

from .. import settings, urls
from . import incremental, webapp
from .hooks import FILES_DIR
from .offline import make_bundle
from .slim import slim_stylesheets
from ..records import LANGS, DEFAULT_LANG, Asset, Page, PageInfo, PageOutline, RenderedPages, SiteUpdate
from .sitemaps import remove_mkdocs_sitemaps, write_sitemaps

BUILD_DIR = "docs_build"
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml: the same text 14x faster (9,430 pages: 0.55 s, not 7.6)
HOOKS = Path(__file__).with_name("hooks.py")
NAV = [  # (strings.yml key of the title, page); briefs stay out of the nav (it grows as N²). The French
    # titles are mkdocs.yml's nav_translations (mkdocs-static-i18n translates the nav by title).
    ("nav_home", urls.home(DEFAULT_LANG)), ("briefs", urls.listing(DEFAULT_LANG, ("briefs",))),
    ("pilots", urls.listing(DEFAULT_LANG, ("pilots",))),
    ("by_audience", urls.listing(DEFAULT_LANG, ("audiences",))), ("by_topic", urls.listing(DEFAULT_LANG, ("topics",))),
    ("gap_map", urls.gap_map(DEFAULT_LANG)), ("glossary", urls.single(DEFAULT_LANG, "glossary")), ("literature", urls.single(DEFAULT_LANG, "literature")),
    ("about", urls.single(DEFAULT_LANG, "about"))]
GENERATOR_PACKAGES = ("mkdocs", "mkdocs-material", "mkdocs-static-i18n", "nh3", "markdown", "pymdown-extensions")
NOT_IN_NAV = ("/*/data/\n/*/briefs/*/\n/*/pilots/*/\n/*/topics/*\n/*/audiences/*/\n/*/briefs/page-*\n"
              "/*/literature/page-*\n/*/pilots/page-*\n/*/gap-map/*/\n/*/offline.md\n")


class BuildError(Exception):
    """MkDocs refused the generated site; the message holds its warnings."""


def publish(root: Path, site_dir: Path, pages: RenderedPages, assets: list[Asset], media: dict[str, Path],
            source_date: dt.date, offline: bool = False) -> SiteUpdate:
    """Bring ``site_dir`` up to date with the pages, downloads and media (docs-tree path -> file), doing only
    the work their changes need (``incremental``); return MkDocs' warnings and what it did. The pages are
    read once, as they are written; the memory they and what they read took is given back before MkDocs
    runs (in this process, for the default language)."""
    build_dir = root / BUILD_DIR
    state = incremental.read_state(build_dir)
    if not state and build_dir.exists():
        shutil.rmtree(build_dir)  # a docs tree of unknown origin: start clean
    tree = write_docs(build_dir, docs_files(pages.pages, assets, media), state.get("files", {}))
    config = config_text(root, build_dir, site_dir, webapp.revisions(root, assets))
    key = config_key(root, config, source_date, offline)
    plan = incremental.plan(state, tree, key, site_dir)
    if plan.mode == "skip":
        return SiteUpdate([], "skip", 0)
    give_back_memory()
    incremental.forget(build_dir)
    for path in plan.removed:
        source(build_dir, path).unlink(missing_ok=True)
    (build_dir / "mkdocs.yml").write_text(config, encoding="utf-8")
    rendered = len(plan.changed) if plan.mode == "dirty" else len(pages.outlines)
    warnings = build_site(build_dir / "mkdocs.yml", site_dir, source_date, dirty=plan.mode == "dirty",
                          at_once=languages_at_once(rendered))
    memos = {name: incremental.memo(state, name) for name in ("classes", "revisions")}
    finish_site(site_dir, pages.outlines, offline, memos)
    incremental.write_state(build_dir, tree, key, site_dir, memos)
    return SiteUpdate(warnings, plan.mode, len(plan.changed))


def finish_site(site_dir: Path, pages: Sequence[PageOutline], offline: bool, memos: dict[str, incremental.FileMemo]) -> None:
    """What follows MkDocs, before the site's state is recorded: sitemaps, the slimmed stylesheet, the folder
    bundle (``offline``), and last the service worker, whose revisions hash the files as published. Both
    whole-site passes reuse what they read from files a dirty build left alone (``memos``)."""
    write_sitemaps(site_dir, pages)
    slim_stylesheets(site_dir, memos["classes"])  # offline issue: the first view's weight
    if offline:
        make_bundle(site_dir)
    webapp.write_worker(site_dir, memos["revisions"])


def front_matter(info: PageInfo) -> str:
    """Page front matter for MkDocs. Values are HTML-escaped: MkDocs prints them without escaping.
    ``passerelle`` tells the templates (overrides/) which document a page shows."""
    meta: dict = {"title": html.escape(info.title, quote=True)}
    if info.description:
        meta["description"] = html.escape(" ".join(info.description.split()), quote=True)
    if info.linked_data:
        meta["linked_data"] = info.linked_data  # JSON with <, > and & escaped: printed as is in <script>
    if info.kind:
        meta["passerelle"] = {"kind": info.kind, "id": info.doc_id, **({"audience": info.audience} if info.audience else {})}
    return "---\n" + yaml.dump(meta, Dumper=DUMPER, allow_unicode=True, sort_keys=True, width=1000) + "---\n\n"


def docs_files(pages: Iterable[Page], assets: list[Asset], media: dict[str, Path]) -> Iterator[tuple[str, str, bytes | Path]]:
    """The docs tree MkDocs reads, file by file (path, SHA-256, bytes or the file holding them): never
    held whole."""
    for page in pages:
        data = (front_matter(page.info) + page.body).encode("utf-8")
        yield page.path, incremental.digest(data), data
    for asset in assets:
        yield asset.path, asset.sha256, Path(asset.stored.file) if asset.stored else asset.data
    for path, src in media.items():
        data = src.read_bytes()
        yield path, incremental.digest(data), data


def write_docs(build_dir: Path, files: Iterable[tuple[str, str, bytes | Path]], written: dict[str, str]) -> dict[str, str]:
    """Write each file whose digest differs from the one ``written`` last time, as it comes; the others keep
    their bytes and times (MkDocs' dirty test). The state is forgotten before the first write: a build that
    stops halfway leaves none, so the next one is full. Returns every file's digest by path."""
    tree: dict[str, str] = {}
    state_kept = True
    for path, found, content in files:
        tree[path] = found
        if written.get(path) != found:
            if state_kept:
                incremental.forget(build_dir)
                state_kept = False
            target = source(build_dir, path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.unlink(missing_ok=True)  # it may be a link to the cache: never write through it
            if isinstance(content, Path):
                place(content, target)
            else:
                target.write_bytes(content)
    return tree


def give_back_memory() -> None:
    """Free what is unreachable and hand the C library's free pages back to the system (glibc's
    ``malloc_trim``): Python's freed strings stay in the process otherwise (the pages and their context: 400 MB
    at 3,000 briefs), beside MkDocs. Elsewhere than glibc, only the collection runs."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def place(stored: Path, target: Path) -> None:
    """A file of the cache into the docs tree: a hard link where the file system allows (no bytes copied),
    dated now either way, since MkDocs copies a file only when it is newer than the site's copy (the cache's
    file may be older: an edit undone)."""
    try:
        os.link(stored, target)
    except OSError:
        shutil.copyfile(stored, target)
    os.utime(target)


def source(build_dir: Path, path: str) -> Path:
    """Where MkDocs reads a file of the tree: a page in its docs folder; any other file (MkDocs copies it
    as it is) outside it, in ``FILES_DIR``, added by ``hooks.on_files`` after mkdocs-static-i18n has sorted
    the pages: that plugin's per-file work (a fifth of a millisecond each) then covers the pages only, not
    the downloads, twelve thousand at 1,000 briefs."""
    return build_dir / ("docs" if path.endswith(".md") else FILES_DIR) / path


LOCALES = {"en": "en_CA", "fr": "fr_CA"}  # Open Graph locales of the site's languages


def feed_links(lang: str) -> dict[str, dict[str, str]]:
    """The Atom feeds a page of ``lang`` links in its head: the language's (``all``) and each audience's,
    addresses from the site's root (the template makes them relative to the page)."""
    title = settings.text(lang, "feed_title")
    out = {"all": {"href": urls.published(urls.feed(lang)), "title": title}}
    for aid, audience in settings.content_model().audiences.items():
        out[aid] = {"href": urls.published(urls.feed(lang, aid)), "title": f"{title} — {audience.landing[lang]}"}
    return out


def config_text(root: Path, build_dir: Path, site_dir: Path, revisions: dict[str, str]) -> str:
    config = {
        "INHERIT": os.path.relpath(root / "mkdocs.yml", build_dir),
        "docs_dir": "docs",
        "site_dir": os.path.relpath(site_dir, build_dir),
        "hooks": [str(HOOKS)],
        # paths in the inherited file are read relative to this one: restate them from the project root
        "theme": {"name": "material", "custom_dir": str(root / "overrides")},
        "nav": [{settings.text(DEFAULT_LANG, key): path.split("/", 1)[1]} for key, path in NAV],
        # interface strings for the templates, from data/strings.yml (merged into the user's extra)
        "extra": {"passerelle_strings": {lang: settings.strings(lang) for lang in LANGS},
                  "passerelle_feeds": {lang: feed_links(lang) for lang in LANGS},
                  "passerelle_locales": LOCALES,
                  "passerelle_revisions": revisions},  # ?v= of the files whose names carry no hash (webapp.py)
        # the published address, from SITE_URL only; '' (no canonical link, no absolute address) without it
        "site_url": settings.site_url(),
        "not_in_nav": NOT_IN_NAV,
    }
    return ("# Generated by passerelle build: edit ../mkdocs.yml instead.\n"
            + yaml.safe_dump(config, sort_keys=False, allow_unicode=True))


def config_key(root: Path, config: str, source_date: dt.date, offline: bool) -> str:
    """Everything besides the docs tree that a page's HTML depends on, as one hash."""
    parts = [config, str(source_date), str(offline), os.environ.get("SITE_URL", ""), os.environ.get("REPO_URL", "")]
    parts += [importlib.metadata.version(p) for p in GENERATOR_PACKAGES]
    extra = [root / "mkdocs.yml", *sorted(Path(__file__).parent.glob("*.[pj][ys]"))] + sorted(p for p in (root / "overrides").rglob("*") if p.is_file())
    parts += [f"{p.name}:{incremental.digest(p.read_bytes())}" for p in extra if p.is_file()]
    return incremental.digest("\0".join(parts).encode("utf-8"))


MKDOCS_PAGE_BYTES = 21_000  # what MkDocs holds per page until it writes them: its French process, by PSS, took
#                             300 MB for 13,800 pages (3,000 briefs) and 955 MB for 45,900 (10,000 briefs)
LANGUAGES_AT_ONCE_BYTES = 1_000_000_000  # every language at once while together they hold less: about 5,000 briefs


def languages_at_once(rendered: int) -> bool:
    """Whether MkDocs builds every language at once (one core each: the site stage takes about half as long)
    or one after the other, when the pages it renders, in every language (all of them in a full build, the
    changed ones in a dirty build), would take more than ``LANGUAGES_AT_ONCE_BYTES``: MkDocs holds every page
    it renders until it writes them."""
    return rendered * MKDOCS_PAGE_BYTES <= LANGUAGES_AT_ONCE_BYTES


def build_site(config_path: Path, site_dir: Path, source_date: dt.date, dirty: bool = False,
               at_once: bool = True) -> list[str]:
    """Run MkDocs for every language, each in its own process (mkdocs-static-i18n alone builds them one after
    the other, in one); return its warnings. ``at_once``: the default language in this process and the
    others beside it, on the other cores; else each in a new process, one after the other, so that the
    build holds one language's pages at a time and no process keeps the memory of the one before. Dates in
    the output come from the content, not the clock. ``dirty``: render only the pages whose docs file is
    newer than their HTML (``incremental``); a full build empties the site first, then renders every page
    as new."""
    from mkdocs.utils import clean_directory

    os.environ["SOURCE_DATE_EPOCH"] = str(int(dt.datetime(source_date.year, source_date.month, source_date.day,
                                                          tzinfo=dt.timezone.utc).timestamp()))
    if not dirty:
        clean_directory(str(site_dir))
    config = str(config_path)
    others = [lang for lang in LANGS if lang != DEFAULT_LANG]
    spawn = multiprocessing.get_context("spawn")
    if at_once:
        with ProcessPoolExecutor(max(1, len(others)), mp_context=spawn) as pool:
            running = [pool.submit(build_language, config, lang) for lang in others]
            results = [build_language(config, DEFAULT_LANG)] + [r.result() for r in running]
    else:
        with ProcessPoolExecutor(1, mp_context=spawn, max_tasks_per_child=1) as pool:
            results = [pool.submit(build_language, config, lang).result() for lang in LANGS]
    strip_third_party_scripts(site_dir)  # once every language's build has copied the theme's scripts
    remove_mkdocs_sitemaps(site_dir)  # whichever language finished last wrote them: finish_site writes ours
    warnings = [w for found, _ in results for w in found]
    failures = [failure for _, failure in results if failure]
    if failures:
        raise BuildError("\n".join(warnings + failures))
    return warnings


THIRD_PARTY_SCRIPT = re.compile(r"https://unpkg\.com/[^\"'`]*")
NO_OP_SCRIPT = "data:text/javascript,"


ALTERNATE_SITEMAPS = 'M("link[rel=alternate]")'
NO_ALTERNATE_SITEMAPS = 'M("link[rel=alternate][data-sitemap]")'


def strip_third_party_scripts(site: Path) -> None:
    """Material's bundle would fetch a polyfill and mermaid from a third-party CDN (unpkg) on browsers
    or pages that need them; ours never should. The site makes no request outside its origin, so those
    loads become empty scripts (no mermaid here; ResizeObserver exists in every supported browser)."""
    for js in sorted((site / "assets" / "javascripts").glob("*.js")):
        text = js.read_text(encoding="utf-8")
        cleaned = THIRD_PARTY_SCRIPT.sub(NO_OP_SCRIPT, text)
        # Material's language switch fetches sitemap.xml beside each hreflang alternate of every page (two 404s
        # and the sitemap); the switch's links already name the same page in the other language (offline issue)
        cleaned = cleaned.replace(ALTERNATE_SITEMAPS, NO_ALTERNATE_SITEMAPS)
        if cleaned != text:
            js.write_text(cleaned, encoding="utf-8")


def build_language(config_path: str, lang: str) -> tuple[list[str], str]:
    """MkDocs for one language of the site, as mkdocs-static-i18n would build it after the others (its
    ``current_language``, and ``building`` so that it starts no other language): (warnings, failure or '')."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    records: list[str] = []
    handler = _Collect(records)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    quiet = _NoDirtyNotice()
    logging.getLogger("mkdocs.commands.build").addFilter(quiet)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            cfg = load_config(config_file=config_path, strict=True)
            i18n = cfg.plugins["i18n"]
            i18n.current_language, i18n.building = lang, True
            build(cfg, dirty=True)  # on an emptied site (full build) every page is new
    except (Abort, ConfigurationError, OSError) as exc:
        return records, str(exc)
    finally:
        logger.removeHandler(handler)
        logging.getLogger("mkdocs.commands.build").removeFilter(quiet)
    return records, ""


class _NoDirtyNotice(logging.Filter):
    """MkDocs warns that a dirty build may leave navigation stale, which strict mode would count as an error.
    Ours only re-renders pages whose own file changed, with the same file set and settings (``incremental``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")


class _Collect(logging.Handler):
    def __init__(self, sink: list[str]):
        super().__init__(logging.WARNING)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(record.getMessage())
