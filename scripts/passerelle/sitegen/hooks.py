"""MkDocs hooks loaded by the generated config: the only place Passerelle touches MkDocs' page cycle.

Defence in depth: `check` already refuses raw HTML and unsafe links; this sanitises every page's
content HTML with an allowlist (nh3), keeping the ids and classes that anchors and admonitions need."""
from __future__ import annotations

import os
import re
import zlib
from pathlib import Path
from urllib.parse import urljoin

import nh3
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

FILES_DIR = "files"  # beside the docs folder: every file of the tree that is not a page (mkdocs_site.source)

TAGS = {"a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl", "dt", "em",
        "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark",
        "ol", "p", "pre", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
        "thead", "tr", "ul"}
COMMON = {"id", "class", "title", "lang", "dir"}
ATTRIBUTES = {"*": COMMON, "a": COMMON | {"href", "hreflang"}, "img": COMMON | {"src", "alt", "width", "height"},
              "td": COMMON | {"align", "colspan", "rowspan"}, "th": COMMON | {"align", "colspan", "rowspan", "scope"}}


REMOTE = re.compile(r"^\s*(?:[A-Za-z][A-Za-z0-9+.-]*:|//|\\\\)")


def _local_images_only(tag: str, attr: str, value: str) -> str | None:
    """Images load from the site only: a remote src would tell another server who reads what."""
    return None if tag == "img" and attr == "src" and REMOTE.match(value) else value


def sanitize(html: str) -> str:
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                     attribute_filter=_local_images_only, link_rel=None, strip_comments=True)


@event_priority(-200)  # after mkdocs-static-i18n's (-100), which sorts the pages of every language
def on_files(files, config):
    """Add the files of ``FILES_DIR`` that the language being built publishes, where mkdocs-static-i18n would
    put them: a language's own (the default language's at the site's root) and, with the default language,
    those of no language. Another language's are left out, as that plugin leaves them."""
    i18n = config.plugins["i18n"]
    lang, default = i18n.current_language, i18n.default_language
    folder = os.path.join(os.path.dirname(config.config_file_path), FILES_DIR)
    found: list[tuple[str, str]] = []  # (path in FILES_DIR, path in the site)
    _walk(os.path.join(folder, lang), f"{lang}/", "" if lang == default else f"{lang}/", found)
    if lang == default:
        _walk(folder, "", "", found, skip=frozenset(i18n.all_languages))
    for src, dest in found:
        files.append(File(src, folder, config.site_dir, config.use_directory_urls, dest_uri=dest))
    return files


def _walk(path: str, src: str, dest: str, found: list[tuple[str, str]], skip: frozenset[str] = frozenset()) -> None:
    """(source, destination) of every file under the folder ``path`` but its entries named in ``skip``, each
    path after its folder's prefix, by ``os.scandir``: five thousand folders per language at 1,000 briefs, a
    third of the time of ``os.walk``."""
    for entry in _entries(path):
        if entry.name in skip:
            continue
        if entry.is_dir(follow_symlinks=False):
            _walk(entry.path, f"{src}{entry.name}/", f"{dest}{entry.name}/", found)
        else:
            found.append((src + entry.name, dest + entry.name))


def _entries(path: str) -> list[os.DirEntry]:
    try:
        return sorted(os.scandir(path), key=lambda e: e.name)
    except FileNotFoundError:
        return []


@event_priority(-100)  # last: every page's HTML is set aside until its template renders
def on_page_content(html, page, config, files):  # noqa: ARG001 - MkDocs hook signature
    """Sanitised, then kept compressed until the page's template renders it (``on_page_context``): MkDocs
    renders every page before it writes the first one and keeps them all, with their Markdown, until the
    build ends (230 MB per language at 1,000 briefs; the HTML compresses five to one)."""
    page.markdown = None  # read by no one once the page is rendered
    page.passerelle_compressed = zlib.compress(sanitize(html).encode("utf-8"), 1)
    return ""


def on_page_context(context, page, config, nav):  # noqa: ARG001 - MkDocs hook signature
    page.content = zlib.decompress(page.passerelle_compressed).decode("utf-8")
    return context


CHECKBOX_AUTOCOMPLETE = re.compile(r'(<input\b[^>]*\btype="checkbox"[^>]*?)\s+autocomplete="off"')
TOC_LABEL = re.compile(r'(<label\b[^>]*?)\s+for="__toc"')
HEAD_ALTERNATE = re.compile(r'<link rel="alternate" href="([^"]*)" hreflang="([^"]*)">')


def valid_html(output: str) -> str:
    """Material's markup that the Nu Html Checker rejects: ``autocomplete`` on its checkbox toggles (allowed
    on text inputs only), and a table-of-contents label pointing at a toggle that pages outside the
    navigation do not have."""
    output = CHECKBOX_AUTOCOMPLETE.sub(r"\1", output)
    return output if 'id="__toc"' in output else TOC_LABEL.sub(r"\1", output)


def absolute_alternates(output: str, page_url: str, default_lang: str) -> str:
    """Language alternates in <head> as full addresses (search engines ignore relative ones), plus
    ``x-default`` (the default language's page). Only with a site address: never pointing at localhost."""
    found = dict((lang, urljoin(page_url, href)) for href, lang in HEAD_ALTERNATE.findall(output))
    if default_lang not in found:
        return output
    output = HEAD_ALTERNATE.sub(lambda m: f'<link rel="alternate" href="{found[m.group(2)]}" hreflang="{m.group(2)}">', output)
    last = list(HEAD_ALTERNATE.finditer(output))[-1].end()
    return output[:last] + f'\n    <link rel="alternate" href="{found[default_lang]}" hreflang="x-default">' + output[last:]


def on_post_template(output_content, template_name, config):
    if not template_name.endswith(".html"):
        return output_content
    output = valid_html(output_content)
    return not_found_page(output, config) if template_name == "404.html" else output


def not_found_page(output: str, config) -> str:
    """mkdocs-static-i18n renders every language's 404.html at the site's root: the default language's stays
    there, another's goes to /<lang>/404.html and nothing is written at the root (languages may build at once)."""
    lang = config.theme["language"]
    if lang == config.plugins["i18n"].default_language:
        return output
    target = Path(config.site_dir) / lang / "404.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(output, encoding="utf-8")
    return ""  # MkDocs writes no file for an empty template


def on_post_page(output, page, config):
    page.content = page.passerelle_compressed = None  # written next: no longer needed
    output = valid_html(output)
    if config.site_url and page.canonical_url:
        output = absolute_alternates(output, page.canonical_url, config.plugins["i18n"].default_language)
    return output
