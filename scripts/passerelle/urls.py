"""Every address of the site comes from here: where a page sits in the docs tree, where it is
published, where its downloads sit, and the relative links between them.

A page is named by its *source*: ``<lang>/<path>.md`` in the generated docs tree (``en/briefs/x/index.md``,
``fr/about.md``). The default language is published at the root and the others under ``/<lang>/``;
``page.md`` is published as ``page/`` and ``index.md`` as its folder."""
from __future__ import annotations

import os
import posixpath
import re

from .kinds import ContentKind
from .records import DEFAULT_LANG

INDEX = "index.md"
LISTING_PAGE = "page-"  # a listing's later pages: page-2, page-3…
MEDIA = "media"


def source(lang: str, *parts: str) -> str:
    return "/".join((lang,) + parts)


# ---------------------------------------------------------------- pages, by what they show


def home(lang: str) -> str:
    return source(lang, INDEX)


def document(kind: ContentKind, lang: str, doc_id: str) -> str:
    return source(lang, kind.url_format.format(id=doc_id), INDEX)


def audience_view(kind: ContentKind, lang: str, doc_id: str, audience: str) -> str:
    return source(lang, kind.url_format.format(id=doc_id), f"{audience}.md")


def listing(lang: str, folder: tuple[str, ...], number: int = 1) -> str:
    """Page ``number`` of a paginated listing: the folder's index, then ``page-<n>``."""
    return source(lang, *folder, INDEX if number == 1 else f"{LISTING_PAGE}{number}.md")


def is_listing_page(name: str) -> bool:
    """Whether a name in a listed folder is a listing's page (``page-2``): a brief or pilot given that id
    would be published at the same address as the page of the listing of its kind."""
    return bool(re.fullmatch(re.escape(LISTING_PAGE) + "[0-9]+", name))


def pilot_filter(lang: str, facet: str, value: str, number: int = 1) -> str:
    """Page ``number`` of the funder view's list of the pilots with one value of a facet:
    ``pilots/status/completed/``, ``pilots/region/ca-on/``, ``pilots/year/2019/``, then ``…/page-<n>/``."""
    return listing(lang, ("pilots", facet, value.lower()), number)


def topic(lang: str, tag_id: str, number: int = 1) -> str:
    """Page ``number`` of a topic's listing: ``topics/<id>``, then ``topics/<id>/page-<n>``."""
    return source(lang, "topics", f"{tag_id}.md") if number == 1 else source(lang, "topics", tag_id, f"page-{number}.md")


def single(lang: str, name: str) -> str:
    """A page of its own at the top of a language: ``glossary``, ``literature``, ``about``."""
    return source(lang, f"{name}.md")


def ebook(lang: str, audience: str = "", volume: int = 1) -> str:
    """The e-book of every brief in ``lang`` (``ebooks/passerelle-en.epub``), or of one audience's parts
    (``ebooks/passerelle-en-frontline.epub``); its later volumes add their number (``passerelle-en-2.epub``),
    so the first volume keeps the address the book had before it grew."""
    name = f"passerelle-{lang}{'-' + audience if audience else ''}{f'-{volume}' if volume > 1 else ''}"
    return source(lang, "ebooks", f"{name}.epub")


def gap_map(lang: str) -> str:
    return source(lang, "gap-map", INDEX)


def gap_cell(lang: str, row: str, column: str, number: int = 1) -> str:
    """The list behind one cell of the evidence gap map: ``gap-map/<row>/<column>/``, then
    ``gap-map/<row>/<column>/page-<n>/``."""
    return source(lang, "gap-map", row, f"{column}.md") if number == 1 else source(lang, "gap-map", row, column, f"page-{number}.md")


def media(lang: str, name: str = "") -> str:
    return source(lang, MEDIA, name) if name else source(lang, MEDIA)


def beside(page: str, filename: str) -> str:
    """A download published in the folder of the page's address (``briefs/x/frontline/x.bib``)."""
    return posixpath.join(url_folder(page), filename)


def download(page: str, doc_id: str, suffix: str) -> str:
    """A document's download beside one of its pages: ``<id>.bib``, ``<id>.ris``, ``<id>.json``,
    ``<id>-<audience>.docx``."""
    return beside(page, f"{doc_id}{suffix}")


# ---------------------------------------------------------------- published addresses


def url_folder(page: str) -> str:
    """The source path of the folder a page is published as: ``en/briefs/x/frontline.md`` -> ``en/briefs/x/frontline``."""
    folder, name = posixpath.split(page)
    return folder if name == INDEX else posixpath.join(folder, name[:-3])


def published(path: str) -> str:
    """Where a source page or file is served, relative to the site root: ``fr/briefs/x/index.md`` ->
    ``fr/briefs/x/``, ``en/about.md`` -> ``about/``, ``en/briefs/x/x.bib`` -> ``briefs/x/x.bib``."""
    lang, rest = path.split("/", 1)
    if rest.endswith(".md"):  # the folder the page is served as, below the language's (string work: every page)
        rest = rest[: -len(INDEX)] if rest == INDEX or rest.endswith("/" + INDEX) else rest[:-3] + "/"
    return ("" if lang == DEFAULT_LANG else f"{lang}/") + rest


def in_language(path: str) -> str:
    """Where a page is served relative to its language's home: ``fr/briefs/x/index.md`` -> ``briefs/x/``."""
    lang, rest = path.split("/", 1)
    return published(source(DEFAULT_LANG, rest))


def absolute(path: str) -> str:
    """A published address for other sites (an embedded card): under ``SITE_URL`` when the build knows
    it (the publish workflow sets it), else from the site's root."""
    base = os.environ.get("SITE_URL", "").strip()
    return (base.rstrip("/") + "/" if base else "/") + path


# ---------------------------------------------------------------- links


def link(page: str, target: str) -> str:
    """A Markdown link from a page's source to another source (page or file); the site generator
    turns links between sources into links between published addresses."""
    return relative(target, posixpath.dirname(page))


def href(page: str, target: str) -> str:
    """An HTML link from one published page to another (for raw HTML, which no generator rewrites)."""
    here = published(page)
    there = published(target)
    rel = relative(there or ".", here or ".")
    return rel + "/" if there.endswith("/") or not there else rel


def relative(target: str, start: str) -> str:
    """``posixpath.relpath`` for the addresses above (relative, normalised: no '..', no '//'), by splitting
    on '/' and not through the working directory: a thousand-brief site makes a million of these links."""
    to = [p for p in target.split("/") if p and p != "."]
    here = [p for p in start.split("/") if p and p != "."]
    common, most = 0, min(len(to), len(here))
    while common < most and to[common] == here[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + to[common:]) or "."


# ---------------------------------------------------------------- open data, feeds, absolute addresses

DATA = "data"


def open_data_page(lang: str) -> str:
    """The Open data page, in the folder of the data files: ``/data/``, ``/fr/data/``."""
    return source(lang, DATA, INDEX)


def data_file(name: str) -> str:
    """A published data file, language-neutral, at ``/data/<name>`` (``en/data/catalogue.json``)."""
    return source(DEFAULT_LANG, DATA, name)


def data_schema(name: str) -> str:
    """The JSON Schema of a published data file, beside it: ``/data/schemas/<name>.schema.json``."""
    return source(DEFAULT_LANG, DATA, "schemas", f"{name}.schema.json")


def feed(lang: str, audience: str = "") -> str:
    """The Atom feed of a language (``feed.xml``) or of one audience (``feed-<audience>.xml``), at the
    language's root, where the language's ``sitemap.xml`` also is."""
    return source(lang, f"feed-{audience}.xml" if audience else "feed.xml")


def sitemap(lang: str) -> str:
    return source(lang, "sitemap.xml")


def full_address(path: str, site_url: str) -> str:
    """The full address of a source page or file on the published site; '' without a site address."""
    return site_url + published(path) if site_url else ""
