"""The site as a folder that opens from ``file://``: ``site-offline.zip``, unzipped anywhere, opens at
``site-offline/index.html`` with working links, language switch, audience views, downloads and search (its index files
are scripts). A browser shows no directory index from a folder, so every link to a page names its
``index.html``, and links from the site's root (``/fr/``) become relative. The published site then links
to the bundle from its About pages, with its size."""
from __future__ import annotations

import html
import os
import posixpath
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

from .. import settings
from .webapp import LISTS, WORKER

BUNDLE = "site-offline.zip"
FOLDER = "site-offline"  # the one folder the zip holds: unzipping never scatters files
HREF = re.compile(r'(<a\b[^>]*?\shref=")([^"#?]*)([?#][^"]*)?(")')
# A redirect page (an alias's old address) leads on with a meta refresh and names its canonical page:
# both must name the new page's index.html too, or the browser shows a folder instead.
REFRESH = re.compile(r'(<meta\b[^>]*?\shttp-equiv="refresh"[^>]*?\scontent="\d+;\s*url=)([^"#?]*)([?#][^"]*)?(")')
CANONICAL = re.compile(r'(<link\b[^>]*?\srel="canonical"[^>]*?\shref=")([^"#?]*)([?#][^"]*)?(")')
PLACEHOLDER = '<p class="pa-offline"></p>'
# Language alternates in <head>: Material reads them to redirect the language switch through sitemap.xml
# (fetched for each alternate), which a folder cannot serve; the switch's own links do the job there.
ALTERNATE = re.compile(r'<link\b[^>]*\brel="alternate"[^>]*\bhreflang="[^"]*"[^>]*>\s*')
OFFLINE_LINK = re.compile(r'<p class="pa-offline">.*?</p>', re.S)  # the placeholder, filled or not
# The About page's "Read offline" part is about the installable site (a service worker): a folder has none
INSTALLABLE = re.compile(r'<h2 id="offline".*?<p class="pa-offline-app"></p>\s*', re.S)
INSTALLABLE_TOC = re.compile(r'<li class="md-nav__item">\s*<a href="#offline".*?</li>\s*', re.S)
REPORT = "build-report.json"  # build.py writes it once the site is published
FIXED_TIME = (2019, 1, 1, 0, 0, 0)  # zip entries carry no build time: the same site gives the same bytes


def make_bundle(site: Path) -> Path:
    """Write ``site/site-offline.zip`` from the built site and link it from the About pages."""
    target = site / BUNDLE
    if target.exists():
        target.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "site"
        shutil.copytree(site, copy)
        for page in sorted(copy.rglob("*.html")):
            rel = page.relative_to(copy).as_posix()
            text = OFFLINE_LINK.sub(PLACEHOLDER, page.read_text(encoding="utf-8"))  # the bundle never links itself
            text = INSTALLABLE_TOC.sub("", INSTALLABLE.sub("", text))
            page.write_text(for_folder(text, rel), encoding="utf-8")
        _zip(copy, target)
    _link_from_about(site, target.stat().st_size)
    return target


def for_folder(text: str, page: str) -> str:
    """Links of one page (its path in the site) rewritten to open from a folder."""
    here = posixpath.dirname(page)

    def rewrite(m: re.Match) -> str:
        path = m.group(2)
        if not path:
            return m.group(0)  # an anchor on the same page
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//", path):
            return m.group(0)  # another site, mailto:, data: — left alone
        if path.startswith("/"):
            path = posixpath.relpath(path.lstrip("/") or ".", here or ".") + ("/" if path.endswith("/") else "")
        if path.endswith("/") or path.rsplit("/", 1)[-1] in (".", ".."):  # a folder: name its index.html
            path = ("" if path in (".", "./") else path.rstrip("/") + "/") + "index.html"
        return m.group(1) + path + (m.group(3) or "") + m.group(4)

    text = ALTERNATE.sub("", text)
    for pattern in (HREF, REFRESH, CANONICAL):
        text = pattern.sub(rewrite, text)
    return text


def _zip(folder: Path, target: Path) -> None:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and not _left_out(p.relative_to(folder))):
            info = zipfile.ZipInfo(f"{FOLDER}/{path.relative_to(folder).as_posix()}", FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, path.read_bytes())


def _left_out(path: Path) -> bool:
    """The service worker and its lists (a folder opened from file:// runs no worker, and a site built
    before keeps them until the next build writes new ones), and the build report, written after the bundle
    and meant for maintainers."""
    return path.as_posix() in (WORKER, REPORT) or path.parts[0] == LISTS


def _link_from_about(site: Path, size: int) -> None:
    """Fill the About pages' placeholder with a link to the bundle and its size, in the page's language."""
    for about in sorted(site.rglob("about/index.html")):
        lang = "fr" if about.relative_to(site).parts[0] == "fr" else "en"
        href = os.path.relpath(site / BUNDLE, about.parent).replace(os.sep, "/")
        megabytes = f"{size / 1_000_000:.1f}".replace(".", "," if lang == "fr" else ".")
        text = settings.text(lang, "offline_bundle").format(size=megabytes)
        link = f'<p class="pa-offline"><a href="{href}" download>{html.escape(text)}</a></p>'
        about.write_text(OFFLINE_LINK.sub(lambda _: link, about.read_text(encoding="utf-8")), encoding="utf-8")
