"""Offline check of a built site's internal links and anchors (``passerelle links``).

MkDocs validates links between Markdown pages, but not those written by templates, themes, the
language switcher or Passerelle's renderer. This reads the HTML the reader gets: every href and src
of a, link, script and img must name a file of the site, and every #fragment an id (or name) in it.
External http(s) links are counted, not fetched: the check needs no network."""
from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LINK_ATTRS = {"a": ("href",), "link": ("href",), "script": ("src",), "img": ("src",)}
LOCAL_SCHEMES = ("", "file")
SKIPPED_SCHEMES = ("mailto", "tel", "data", "blob")


@dataclass(frozen=True)
class LinkProblem:
    page: str  # path of the page under the site, e.g. 'fr/briefs/x/index.html'
    url: str
    reason: str


@dataclass
class LinkReport:
    problems: list[LinkProblem] = field(default_factory=list)
    pages: int = 0
    internal: int = 0  # internal links and sources checked
    anchors: int = 0  # of which with a #fragment checked against the target page
    external: int = 0  # http(s) links to other sites, counted but not fetched


class _Collect(HTMLParser):
    """URLs a page loads or links to, and the anchors it offers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("id",) + (("name",) if tag == "a" else ()):
            if values.get(name):
                self.ids.add(values[name])
        for name in LINK_ATTRS.get(tag, ()):
            if values.get(name) is not None:
                self.urls.append(values[name].strip())

    handle_startendtag = handle_starttag


def _parse(path: Path) -> _Collect:
    parser = _Collect()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    parser.close()
    return parser


def _target(site: Path, page_rel: str, path: str) -> tuple[str | None, str]:
    """The file (relative to the site) a link's path names, or None with the reason."""
    if path.startswith("/"):
        joined = posixpath.normpath(path.lstrip("/"))
    else:
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(page_rel), path)) if path else page_rel
    if joined == ".." or joined.startswith("../"):
        return None, "points outside the site"
    joined = "" if joined == "." else joined
    candidate = site / joined
    if candidate.is_dir() or path.endswith("/") or joined == "":
        index = posixpath.join(joined, "index.html") if joined else "index.html"
        return (index, "") if (site / index).is_file() else (None, "directory without index.html")
    return (joined, "") if candidate.is_file() else (None, "no such file")


def check_site(site: Path) -> LinkReport:
    """Every internal link of every page under ``site`` resolved against the files that exist."""
    site = Path(site)
    report = LinkReport()
    parsed: dict[str, _Collect] = {}

    def page(rel: str) -> _Collect:
        if rel not in parsed:
            parsed[rel] = _parse(site / rel)
        return parsed[rel]

    for html in sorted(site.rglob("*.html")):
        rel = html.relative_to(site).as_posix()
        report.pages += 1
        for url in page(rel).urls:
            parts = urlsplit(url)
            scheme = parts.scheme.lower()
            if scheme in ("http", "https") or url.startswith("//"):
                report.external += 1
                continue
            if scheme in SKIPPED_SCHEMES:
                continue
            if scheme not in LOCAL_SCHEMES:
                report.problems.append(LinkProblem(rel, url, f"unexpected '{scheme}:' link"))
                continue
            report.internal += 1
            target, reason = _target(site, rel, unquote(parts.path))
            if target is None:
                report.problems.append(LinkProblem(rel, url, reason))
                continue
            if parts.fragment:
                report.anchors += 1
                if target.endswith(".html") and unquote(parts.fragment) not in page(target).ids:
                    report.problems.append(LinkProblem(rel, url, f"no id '{unquote(parts.fragment)}' in {target}"))
    return report
