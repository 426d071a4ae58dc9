"""A sitemap per language (``/sitemap.xml``, ``/fr/sitemap.xml``), each listing that language's pages with
their alternates in every language and ``x-default``. mkdocs-static-i18n writes one sitemap for both
languages in every pass, so the French one was a copy of the English one; this replaces both.

Sitemaps need full addresses: with ``SITE_URL`` they are absolute; without it (a local preview) they
give addresses from the site's root, never ``localhost``. Notice pages of missing translations and
redirects are left out: they are not pages to index."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import quoteattr, escape

from .. import settings, urls
from ..records import DEFAULT_LANG, LANGS, PageOutline

NOT_INDEXED = ("-missing", "alias", "redirect")  # page kinds (suffixes) a search engine should not list
HEADER = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
          'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n')


def write_sitemaps(site: Path, pages: Iterable[PageOutline]) -> None:
    by_address: dict[str, dict[str, PageOutline]] = defaultdict(dict)
    for page in pages:
        if not page.kind.endswith(NOT_INDEXED):
            by_address[urls.in_language(page.path)][page.lang] = page
    for lang in LANGS:
        target = site / urls.published(urls.sitemap(lang))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(sitemap(lang, by_address), encoding="utf-8")


def remove_mkdocs_sitemaps(site: Path) -> None:
    """MkDocs' sitemaps and their compressed copies, which ``write_sitemaps`` replaces: each language's pass
    writes the shared one again, so with the languages built at once the last to finish would win."""
    for lang in LANGS:
        target = site / urls.published(urls.sitemap(lang))
        target.unlink(missing_ok=True)
        target.with_suffix(".xml.gz").unlink(missing_ok=True)


def sitemap(lang: str, by_address: dict[str, dict[str, PageOutline]]) -> str:
    base = settings.site_url()
    out = [HEADER]
    for address in sorted(by_address):
        versions = by_address[address]
        if lang not in versions:
            continue
        out.append(f"  <url>\n    <loc>{escape(_address(versions[lang], base))}</loc>\n")
        alternates = [(other, versions[other]) for other in LANGS if other in versions]
        if len(alternates) > 1:
            for other, page in alternates:
                out.append(f'    <xhtml:link rel="alternate" hreflang="{other}" href={quoteattr(_address(page, base))}/>\n')
            default = versions.get(DEFAULT_LANG) or alternates[0][1]
            out.append(f'    <xhtml:link rel="alternate" hreflang="x-default" href={quoteattr(_address(default, base))}/>\n')
        out.append("  </url>\n")
    out.append("</urlset>\n")
    return "".join(out)


def _address(page: PageOutline, base: str) -> str:
    return urls.full_address(page.path, base) or "/" + urls.published(page.path)
