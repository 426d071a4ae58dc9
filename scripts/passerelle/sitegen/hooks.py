"""MkDocs hooks loaded by the generated config: the only place Passerelle touches MkDocs' page cycle.

Defence in depth: `check` already refuses raw HTML and unsafe links; this sanitises every page's
content HTML with an allowlist (nh3), keeping the ids and classes that anchors and admonitions need."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import nh3

TAGS = {"a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl", "dt", "em",
        "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark",
        "ol", "p", "pre", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
        "thead", "tr", "ul"}
COMMON = {"id", "class", "title", "lang", "dir"}
ATTRIBUTES = {"*": COMMON, "a": COMMON | {"href", "hreflang"}, "img": COMMON | {"src", "alt", "width", "height"},
              "td": COMMON | {"align", "colspan", "rowspan"}, "th": COMMON | {"align", "colspan", "rowspan"}}


REMOTE = re.compile(r"^\s*(?:[A-Za-z][A-Za-z0-9+.-]*:|//|\\\\)")


def _local_images_only(tag: str, attr: str, value: str) -> str | None:
    """Images load from the site only: a remote src would tell another server who reads what."""
    return None if tag == "img" and attr == "src" and REMOTE.match(value) else value


def sanitize(html: str) -> str:
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                     attribute_filter=_local_images_only, link_rel=None, strip_comments=True)


def on_page_content(html, page, config, files):  # noqa: ARG001 - MkDocs hook signature
    return sanitize(html)


_not_found_pages: dict[str, bytes] = {}


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


def on_post_build(config):
    strip_third_party_scripts(Path(config.site_dir))  # also: no sitemap look-ups by the language switch
    keep_one_404_per_language(config)


def keep_one_404_per_language(config):
    """mkdocs-static-i18n builds every language into the same site root, so each pass overwrites
    404.html: keep the default language's at the root and move the others to /<lang>/404.html."""
    site = Path(config.site_dir)
    lang = config.theme["language"]
    page = site / "404.html"
    if not page.exists():
        return
    _not_found_pages[lang] = page.read_bytes()
    if lang != "en":
        (site / lang).mkdir(exist_ok=True)
        for name in ("sitemap.xml", "sitemap.xml.gz"):  # Material's language switch reads ./sitemap.xml
            if (site / name).exists():
                shutil.copyfile(site / name, site / lang / name)
        (site / lang / "404.html").write_bytes(_not_found_pages[lang])
        if "en" in _not_found_pages:
            page.write_bytes(_not_found_pages["en"])
