"""The one writer of the site's Markdown dialect: Python-Markdown with attr_list (heading ids),
md_in_html (Markdown inside ``<div markdown>``), admonition and abbr, plus the HTML snippets the pages
use. Page modules call these functions and never write that syntax themselves, so a generator with
another dialect means changing this module only.

Everything a contributor wrote goes through ``esc`` (text) or ``attr`` (attribute values)."""
from __future__ import annotations

import html
import re
from typing import Any, Iterable

_COMMENT = re.compile(r"<!--.*?-->\n?", re.S)
MD_SPECIAL = re.compile(r"([\\`*_\[\]#|{}!])")
# Backslash escapes Python-Markdown honours; any other ``\X`` would show its backslash.
PY_MARKDOWN_ESCAPES = frozenset("\\`*_{}[]()>#+-.!")
ABBREVIATION = re.compile(r"[\w&.-]{2,12}")


NOT_PROSE = ("#", "<", "|", "-", "!!!", "*[")  # how headings, HTML, tables, lists, admonitions, abbreviations start


def strip_comments(markdown: str) -> str:
    """Authors' HTML comments (scaffold guidance, imported material) never reach a reader."""
    return _COMMENT.sub("", markdown).strip() if "<!--" in markdown else markdown.strip()


def esc(text: Any) -> str:
    """Contributor text as inert Markdown: HTML escaped, Markdown punctuation backslashed."""
    return MD_SPECIAL.sub(_backslashed, html.escape(str(text), quote=False))


def _backslashed(mark: re.Match[str]) -> str:
    return "\\" + mark.group()  # a function, not a template: Python 3.11 expands templates slowly


def attr(text: Any) -> str:
    """A value for an HTML attribute, on one line."""
    return html.escape(" ".join(str(text).split()), quote=True)


def heading(level: int, text: str, anchor: str = "") -> str:
    """A heading (``text`` already escaped) with a stable id when ``anchor`` is given."""
    return f"{'#' * level} {text}" + (f" {{#{anchor}}}" if anchor else "")


def link(text: str, target: str) -> str:
    """A Markdown link; ``text`` is already escaped, ``target`` comes from ``urls``."""
    return f"[{text}]({target})"


def html_link(text: str, target: str, lang: str) -> str:
    """A raw HTML link into another language (hreflang and lang set); ``text`` is already escaped."""
    return f'<a href="{target}" hreflang="{lang}" lang="{lang}">{text}</a>'


def file_link(text: str, target: str, media_type: str = "") -> str:
    """A raw HTML link to a published file outside the page's language folder (``/data/``), which Markdown
    links cannot reach from a French page; ``text`` is already escaped, ``target`` comes from ``urls.href``."""
    kind = f' type="{attr(media_type)}"' if media_type else ""
    return f'<a href="{attr(target)}"{kind}>{text}</a>'


def span(text: str, cls: str, title: str | None = None) -> str:
    """An inline label (``text`` already escaped), e.g. a badge, with a tooltip when ``title`` is given."""
    tip = f' title="{attr(title)}"' if title is not None else ""
    return f'<span class="{cls}"{tip}>{text}</span>'


def paragraph(text: str, cls: str) -> str:
    return f'<p class="{cls}">{text}</p>'


def block(lines: list[str], cls: str, anchor: str = "") -> list[str]:
    """Markdown lines inside a ``<div>`` with a class (and an id), read as Markdown (md_in_html)."""
    ident = f'id="{anchor}" ' if anchor else ""
    return [f'<div {ident}class="{cls}" markdown>', "", *lines, "", "</div>"]


def admonition(kind: str, title: str, lines: list[str]) -> list[str]:
    """A call-out box (``warning``, ``note``…) with a title; ``title`` and ``lines`` already escaped."""
    return [f'<div class="admonition {kind}" markdown>', f'<p class="admonition-title">{title}</p>', "",
            *lines, "", "</div>"]


def abbreviations(pairs: Iterable[tuple[str, str]]) -> list[str]:
    """Hover definitions of acronyms (abbr); pairs whose shape the extension cannot read are left out."""
    return [f"*[{esc(short)}]: {' '.join(long.split())}" for short, long in pairs
            if ABBREVIATION.fullmatch(short) and not re.search(r"[\[\]<>]", long)]


def from_pandoc(text: str) -> str:
    """Pandoc's Markdown escapes (``\\$``, ``\\<``, ``\\@``) rewritten for Python-Markdown.

    A literal ``<`` becomes ``&lt;`` (Python-Markdown has no ``\\<``), braces are escaped so that
    ``attr_list`` never reads a title as attributes, and pointless backslashes are dropped. A bare
    ``<`` only ever opens one of pandoc's ``<https://...>`` autolinks.
    """
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append("&lt;" if nxt == "<" else f"\\{nxt}" if nxt in PY_MARKDOWN_ESCAPES or nxt.isalnum() else nxt)
            i += 2
            continue
        out.append(f"\\{c}" if c in "{}" else c)
        i += 1
    return "".join(out)


def reference(fields: dict[str, str]) -> str:
    """A short author-date reference in Markdown, built only from a BibTeX entry's own fields (used
    where pandoc's citeproc gave nothing)."""
    f = fields
    names = [re.sub(r"[{}]", "", n).strip() for n in re.split(r"\s+and\s+", f.get("author") or f.get("editor") or "")
             if n.strip()]
    who = "; ".join(names) if names else ""
    year = f.get("year") or (f.get("date") or "")[:4]
    parts = [f"{esc(who)} ({esc(year)})." if who else f"({esc(year)})."]
    if f.get("title"):
        parts.append(f"*{esc(re.sub(r'[{}]', '', f['title']))}*.")
    venue = (f.get("journal") or f.get("journaltitle") or f.get("booktitle") or f.get("institution")
             or f.get("publisher") or f.get("organization"))
    if venue:
        parts.append(esc(re.sub(r"[{}]", "", venue)) + ".")
    if f.get("doi"):
        parts.append(f"<https://doi.org/{attr(f['doi'])}>")
    elif f.get("url") and re.match(r"https?://", f["url"]):
        parts.append(f"<{attr(f['url'])}>")
    return " ".join(parts)


def table(headers: list[str], rows: list[list[str]]) -> list[str]:
    """A table (the tables extension); headers and cells already escaped, each on one line."""
    one = lambda cell: " ".join(str(cell).split()) or " "  # noqa: E731
    return (["| " + " | ".join(map(one, headers)) + " |", "|" + "---|" * len(headers)]
            + ["| " + " | ".join(map(one, row)) + " |" for row in rows])


def code_block(text: str) -> list[str]:
    """Text shown as code, exactly as written (an indented block: nothing in it is read as Markdown)."""
    return ["    " + line for line in text.split("\n")]
