"""The offline-first site: a service worker (``sw.js``) and its per-language precache lists
(``precache/<lang>.json``: the shell, the landing pages, the briefs they list and the first tier of search;
``precache/<lang>-all.json``: every brief and pilot page and the full-text search), written after MkDocs
(and after the folder bundle) because their revisions are hashes of the published files.

Versions never mix: the worker's ``VERSION`` is a hash of every published file, so a publish changes
``sw.js`` and browsers install the new worker on the next visit. It fills a new cache named after its
version, checking each file against its revision (a file of another publish stops the install), and only
then takes over, deleting the old cache. Files whose names carry no hash are named with ``?v=<revision>``
by every page (``revisions``, given to the templates before MkDocs runs), so a page always loads its own
version's files. The bundle made by ``build --offline`` registers nothing: service workers need http(s)."""
from __future__ import annotations

import hashlib
import json
import posixpath
import re
from pathlib import Path
from typing import Iterable, Mapping

from .. import urls
from ..kinds import KINDS
from ..records import DEFAULT_LANG, LANGS, Asset
from .incremental import FileMemo, site_files

WORKER = "sw.js"
LISTS = "precache"
TEMPLATE = Path(__file__).with_name("service-worker.js")
OWN_ASSETS = ("assets/passerelle.css", "assets/offline.js")  # overrides/assets/, linked with ?v=
MANIFEST = "manifest.webmanifest"
SEARCH_CLIENT = "assets/search/"
LANDING = ("", "briefs/", "pilots/", "audiences/", "topics/", "about/")  # of each language, when they exist
# made only by `build --offline`, or written after the worker (the build report, for maintainers): the
# worker's version is the same either way
NOT_HASHED = ("site-offline.zip", "build-report.json")
SHELL = re.compile(r"^assets/(stylesheets/main\.[0-9a-f]+\.min\.css|javascripts/bundle\.[0-9a-f]+\.min\.js|icons/[^/]+)$")
SEARCH_VERSION = "search/version.js"  # loaded with no ?v=: it names the version of the other index files
VERSION_CALL = re.compile(r'register\("version","([0-9a-f]+)"\)')
HREF = re.compile(r'<a\b[^>]*?\shref="([^"#?]+)')


def revision(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _file_revision(path: Path) -> str:
    return revision(path.read_bytes())


def prefix(lang: str) -> str:
    return "" if lang == DEFAULT_LANG else f"{lang}/"


def revisions(root: Path, assets: Iterable[Asset]) -> dict[str, str]:
    """The ``?v=`` of every file the pages name without a hash, from the files about to be published."""
    published = ((urls.published(a.path), a) for a in assets)
    revs = {path: revision(a.read()) for path, a in published if _named_unhashed(path)}  # not every download
    for name in OWN_ASSETS:
        revs[name] = revision((root / "overrides" / name).read_bytes())
    return versioned(revs)


def versioned(revs: Mapping[str, str]) -> dict[str, str]:
    """Our own unhashed files by path, and ``search:client`` over the search client's files. A language's index
    files are named with the version its ``search/version.js`` states (``search_versions``): that one small
    file, loaded when search opens, keeps an edited brief from changing every page."""
    out = {p: revs[p] for p in sorted(revs) if p in OWN_ASSETS or p.rsplit("/", 1)[-1] == MANIFEST}
    parts = [f"{p}:{revs[p]}" for p in sorted(revs) if _search_part(p) == "client"]
    out["search:client"] = revision("\n".join(parts).encode("utf-8"))
    return out


def search_versions(site: Path) -> dict[str, str]:
    """Each language's search version, as its ``search/version.js`` states it (exports/search_index.py)."""
    out = {}
    for lang in LANGS:
        path = site / prefix(lang) / SEARCH_VERSION
        found = VERSION_CALL.search(path.read_text(encoding="utf-8")) if path.is_file() else None
        if found:
            out[lang] = found.group(1)
    return out


def _named_unhashed(path: str) -> bool:
    """A file the pages name with ``?v=``: our own assets, the web app manifests, the search client's files."""
    return path in OWN_ASSETS or path.rsplit("/", 1)[-1] == MANIFEST or _search_part(path) == "client"


def _search_part(path: str) -> str | None:
    """``client`` for the search client (the same files in every language), a language for its index files."""
    if path.startswith(SEARCH_CLIENT):
        return "client"
    return next((lang for lang in LANGS if path.startswith(prefix(lang) + "search/")), None)


def _is_search(path: str, lang: str) -> bool:
    return _search_part(path) in ("client", lang)


def write_worker(site: Path, memo: FileMemo | None = None) -> str:
    """Write ``sw.js`` and the precache lists into the built site; return the worker's version. ``memo``:
    the revisions of files hashed before, reused while a file is unchanged."""
    for old in [site / WORKER, *sorted((site / LISTS).glob("*.json"))]:
        old.unlink(missing_ok=True)
    memo = memo or FileMemo()
    stats = dict(sorted(site_files(site).items()))
    files = {path: site / path for path in stats}
    revs = {path: memo.value(file, path, _file_revision, stats[path]) for path, file in files.items() if path not in NOT_HASHED}
    version = revision("\n".join(f"{p}:{r}" for p, r in sorted(revs.items())).encode("utf-8")
                       + TEMPLATE.read_bytes())
    addresses = _addresses(revs, search_versions(site))
    (site / LISTS).mkdir(exist_ok=True)
    for lang in LANGS:
        first, every = precache_lists(site, lang, revs, addresses)
        for name, entries in ((f"{lang}.json", first), (f"{lang}-all.json", every)):
            body = {"version": version, "lang": lang, "entries": [[u, revs[f], stats[f][0]]
                                                                  for u, f in sorted(entries.items())]}
            (site / LISTS / name).write_text(json.dumps(body, separators=(",", ":")) + "\n", encoding="utf-8")
    settings = {"VERSION": version, "LISTS": LISTS + "/", "PREFIXES": {lang: prefix(lang) for lang in LANGS},
                "DEFAULT_LANG": DEFAULT_LANG}
    code = TEMPLATE.read_text(encoding="utf-8")
    for name, value in settings.items():
        code = code.replace(f"__{name}__", json.dumps(value, sort_keys=True))
    (site / WORKER).write_text(code, encoding="utf-8")
    return version


def _addresses(revs: Mapping[str, str], search: Mapping[str, str]) -> dict[str, str]:
    """Address the pages ask for -> published file: ``briefs/x/`` for ``briefs/x/index.html``, and
    ``?v=<revision>`` for the files the pages and the search client name that way."""
    queries = {**versioned(revs), **{f"search:{lang}": v for lang, v in search.items()}}
    out = {}
    for path in revs:
        if path.endswith("index.html"):
            out[path[: -len("index.html")]] = path
            continue
        part = _search_part(path)
        query = queries.get(path) or (queries.get(f"search:{part}") if part and not path.endswith(SEARCH_VERSION) else None)
        out[f"{path}?v={query}" if query else path] = path
    return out


def precache_lists(site: Path, lang: str, revs: Mapping[str, str],
                   addresses: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """(first visit, "Make available offline") of one language, each address -> published file."""
    p = prefix(lang)
    by_file = {f: a for a, f in addresses.items()}
    shell = [f for f in revs if SHELL.match(f) or f in OWN_ASSETS] + [f"{p}{MANIFEST}", f"{p}offline/index.html"]
    landing = [f"{p}{page}index.html" for page in LANDING] + sorted(f for f in revs if re.match(rf"^{p}audiences/[^/]+/index\.html$", f))
    landing = [f for f in landing if f in revs]
    listed = {f for page in landing for f in _documents_linked(site, page, lang, revs)}
    search_first = [f for f in revs if _is_search(f, lang) and not f.startswith(p + "search/full-")
                    and (lang == "fr" or not f.endswith("lunr.fr.min.js"))]
    first = {by_file[f]: f for f in [*shell, *landing, *listed, *search_first] if f in by_file}
    every = {by_file[f]: f for f in revs if f in by_file and (_is_document(f, lang) or f.startswith(p + "search/full-"))}
    return first, every


def _is_document(path: str, lang: str) -> bool:
    """A brief's or pilot's page (not its audience views) of the language, or a page of their listings."""
    folders = "|".join(re.escape(k.url_format.split("/", 1)[0]) for k in KINDS)
    return re.match(rf"^{prefix(lang)}(?:{folders})/(?:[^/]+/)?index\.html$", path) is not None


def _documents_linked(site: Path, page: str, lang: str, revs: Mapping[str, str]) -> list[str]:
    here = posixpath.dirname(page)
    out = []
    for href in HREF.findall((site / page).read_text(encoding="utf-8")):
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//|^/", href):
            continue
        target = posixpath.normpath(posixpath.join(here, href))
        target = target if target.endswith(".html") else ("" if target == "." else target + "/") + "index.html"
        if target in revs and _is_document(target, lang):
            out.append(target)
    return out
