"""Writes the rendered pages into docs_build/docs/<lang>/ with MkDocs front matter, writes a
docs_build/mkdocs.yml that inherits the project's mkdocs.yml, then runs MkDocs in strict mode."""
from __future__ import annotations

import contextlib
import datetime as dt
import html
import io
import logging
import os
import shutil
from pathlib import Path

import yaml

from .. import settings, urls
from . import webapp
from .slim import slim_stylesheets
from ..records import LANGS, DEFAULT_LANG, Asset, Page, PageInfo
from .sitemaps import write_sitemaps

BUILD_DIR = "docs_build"
HOOKS = Path(__file__).with_name("hooks.py")
NAV = [  # (strings.yml key of the title, page); briefs stay out of the nav (it grows as N²). The French
    # titles are mkdocs.yml's nav_translations (mkdocs-static-i18n translates the nav by title).
    ("nav_home", urls.home(DEFAULT_LANG)), ("briefs", urls.listing(DEFAULT_LANG, ("briefs",))),
    ("pilots", urls.listing(DEFAULT_LANG, ("pilots",))),
    ("by_audience", urls.listing(DEFAULT_LANG, ("audiences",))), ("by_topic", urls.listing(DEFAULT_LANG, ("topics",))),
    ("gap_map", urls.gap_map(DEFAULT_LANG)), ("glossary", urls.single(DEFAULT_LANG, "glossary")), ("literature", urls.single(DEFAULT_LANG, "literature")),
    ("about", urls.single(DEFAULT_LANG, "about"))]
NOT_IN_NAV = "/*/data/\n/*/briefs/*/\n/*/pilots/*/\n/*/topics/*\n/*/audiences/*/\n/*/briefs/page-*\n/*/gap-map/*/\n/*/offline.md\n"


class BuildError(Exception):
    """MkDocs refused the generated site; the message holds its warnings."""


def publish(root: Path, site_dir: Path, pages: list[Page], assets: list[Asset], media: dict[str, Path],
            source_date: dt.date) -> list[str]:
    """Build ``site_dir`` from the pages, downloads and media (docs-tree path -> file); return MkDocs' warnings."""
    build_dir = root / BUILD_DIR
    write_docs(build_dir, pages, assets, media)
    config = write_config(root, build_dir, site_dir, webapp.revisions(root, assets))
    warnings = build_site(config, source_date)
    write_sitemaps(site_dir, pages)
    slim_stylesheets(site_dir)  # offline issue: the first view's weight
    return warnings


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
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=True, width=1000) + "---\n\n"


def write_docs(build_dir: Path, pages: list[Page], assets: list[Asset], media: dict[str, Path]) -> None:
    docs = build_dir / "docs"
    if build_dir.exists():
        shutil.rmtree(build_dir)
    docs.mkdir(parents=True)
    for page in pages:
        _target(docs, page.path).write_text(front_matter(page.info) + page.body, encoding="utf-8")
    for asset in assets:
        _target(docs, asset.path).write_bytes(asset.data)
    for path, src in media.items():
        shutil.copyfile(src, _target(docs, path))


def _target(docs: Path, path: str) -> Path:
    target = docs / path
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


LOCALES = {"en": "en_CA", "fr": "fr_CA"}  # Open Graph locales of the site's languages


def feed_links(lang: str) -> dict[str, dict[str, str]]:
    """The Atom feeds a page of ``lang`` links in its head: the language's (``all``) and each audience's,
    addresses from the site's root (the template makes them relative to the page)."""
    title = settings.text(lang, "feed_title")
    out = {"all": {"href": urls.published(urls.feed(lang)), "title": title}}
    for aid, audience in settings.content_model().audiences.items():
        out[aid] = {"href": urls.published(urls.feed(lang, aid)), "title": f"{title} — {audience.landing[lang]}"}
    return out


def write_config(root: Path, build_dir: Path, site_dir: Path, revisions: dict[str, str]) -> Path:
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
    path = build_dir / "mkdocs.yml"
    path.write_text("# Generated by passerelle build: edit ../mkdocs.yml instead.\n"
                    + yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def build_site(config_path: Path, source_date: dt.date) -> list[str]:
    """Run MkDocs; return its warnings. Dates in the output come from the content, not the clock."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    os.environ["SOURCE_DATE_EPOCH"] = str(int(dt.datetime(source_date.year, source_date.month, source_date.day,
                                                          tzinfo=dt.timezone.utc).timestamp()))
    records: list[str] = []
    handler = _Collect(records)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            cfg = load_config(config_file=str(config_path), strict=True)
            build(cfg)
    except (Abort, ConfigurationError, OSError) as exc:
        raise BuildError("\n".join(records + [str(exc)])) from None
    finally:
        logger.removeHandler(handler)
    return records


class _Collect(logging.Handler):
    def __init__(self, sink: list[str]):
        super().__init__(logging.WARNING)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(record.getMessage())
