"""MkDocs hooks loaded by the generated config: the only place Passerelle touches MkDocs' page cycle.

Defence in depth: `check` already refuses raw HTML and unsafe links; this sanitises every page's
content HTML with an allowlist (nh3), keeping the ids and classes that anchors and admonitions need."""
from __future__ import annotations

import nh3

TAGS = {"a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl", "dt", "em",
        "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark",
        "ol", "p", "pre", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
        "thead", "tr", "ul"}
COMMON = {"id", "class", "title", "lang", "dir"}
ATTRIBUTES = {"*": COMMON, "a": COMMON | {"href", "hreflang"}, "img": COMMON | {"src", "alt", "width", "height"},
              "td": COMMON | {"align", "colspan", "rowspan"}, "th": COMMON | {"align", "colspan", "rowspan"}}


def sanitize(html: str) -> str:
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                     link_rel=None, strip_comments=True)


def on_page_content(html, page, config, files):  # noqa: ARG001 - MkDocs hook signature
    return sanitize(html)
