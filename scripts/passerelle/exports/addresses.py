"""Permanent addresses: a redirect page at every address of a document's earlier ids (``aliases``), and
the committed manifest of published addresses, published as ``/published-addresses.txt``.

A redirect is a small HTML page, not a server rule, so it works on GitHub Pages and from a folder: a
``<link rel=canonical>`` and a meta refresh to the new address (the offline bundle names its
``index.html``), and a link for readers whose browser does not follow the refresh."""
from __future__ import annotations

import html

from .. import addresses, cache, settings, urls
from ..context import SiteContext
from ..records import DEFAULT_LANG, Asset

REDIRECT = """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>{title}</title>
<meta name="robots" content="noindex">
<link rel="canonical" href="{href}">
<meta http-equiv="refresh" content="0; url={href}">
</head>
<body>
<main>
<h1>{moved}</h1>
<p>{text} <a href="{href}">{doc_title}</a></p>
</main>
</body>
</html>
"""


def generate(ctx: SiteContext, store: cache.Cache) -> list[Asset]:  # noqa: ARG001 - cheap, nothing to cache
    out = []
    for r in addresses.redirects(ctx.project.documents):
        lang = r.source.split("/", 1)[0]
        href = html.escape(urls.href(r.source, r.target), quote=True)
        text = REDIRECT.format(lang=lang, title=html.escape(settings.text(lang, "moved_title")), href=href,
                               moved=html.escape(settings.text(lang, "moved_title")),
                               text=html.escape(settings.text(lang, "moved_text")), doc_title=html.escape(r.doc.title))
        out.append(Asset(urls.beside(r.source, "index.html"), text.encode("utf-8"), (r.doc.path,)))
    if ctx.project.manifest:
        listed = "".join(f"{address}\n" for address, _ in ctx.project.manifest)
        out.append(Asset(urls.source(DEFAULT_LANG, "published-addresses.txt"), (addresses.MANIFEST_HEADER + listed).encode(),
                         (addresses.MANIFEST_PATH,)))
    return out
