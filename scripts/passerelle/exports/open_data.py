"""What the open-data exports share: each document's addresses and tags in every language, the
licence, the JSON Schemas published beside the files, and output that depends on the content only
(no clock, sorted keys), so two builds give the same bytes."""
from __future__ import annotations

import datetime as dt
import io
import json
import posixpath
from importlib import resources
from typing import Any

from .. import settings, urls
from ..context import SiteContext
from ..kinds import ContentKind
from ..records import EPOCH, LANGS, Asset, Document

LICENCE = {"id": "CC-BY-4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
SCHEMAS = resources.files("passerelle") / "data" / "open-data"


def json_bytes(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


class StreamedJson:
    """The bytes ``json_bytes`` gives for ``head`` with a list of ``items`` under ``key``, written one item at a
    time (``add``): a list of ten thousand dicts and its text are never held at once (the catalogue's were
    about 180 MB at 10,000 briefs). An item's own text, indented, is what it is inside the whole."""

    _MARK = "\0passerelle-items\0"

    def __init__(self, head: dict[str, Any], key: str):
        self._before, mark, self._after = json_bytes({**head, key: self._MARK}).partition(
            json.dumps(self._MARK).encode("utf-8"))
        if not mark:
            raise ValueError(f"{key!r} is not a key of the document's head")
        self._out = io.BytesIO()
        self._out.write(self._before)
        self._count = 0

    def add(self, item: Any) -> None:
        text = json.dumps(item, ensure_ascii=False, indent=1, sort_keys=True).replace("\n", "\n  ")
        self._out.write(("[\n  " if not self._count else ",\n  ").encode("utf-8") + text.encode("utf-8"))
        self._count += 1

    def bytes(self) -> bytes:
        self._out.write(b"\n ]" if self._count else b"[]")
        self._out.write(self._after)
        return self._out.getvalue()


def schema_asset(name: str) -> Asset:
    """The JSON Schema ``data/open-data/<name>.schema.json``, published at ``/data/schemas/``."""
    return Asset(urls.data_schema(name), (SCHEMAS / f"{name}.schema.json").read_bytes())


def schema_address(name: str) -> str:
    """Where a data file's ``$schema`` is: the full address with ``SITE_URL``, else relative to the file."""
    schema = urls.data_schema(name)
    return urls.full_address(schema, settings.site_url()) or posixpath.relpath(schema, posixpath.dirname(urls.data_file("x")))


def changed(doc: Document) -> dt.date:
    """When a document last changed, from its content: ``updated``, else ``published``."""
    return doc.updated or doc.published or EPOCH


def content_date(ctx: SiteContext) -> str:
    """The newest date any document states: the files' own date, never the build's clock."""
    return max((changed(d) for d in ctx.project.documents), default=EPOCH).isoformat()


def address(path: str) -> dict[str, str]:
    """A page or file as open data: its path from the site's root, and its full address when the site
    knows where it is published (``SITE_URL``)."""
    out = {"path": urls.published(path)}
    url = urls.full_address(path, settings.site_url())
    if url:
        out["url"] = url
    return out


def first(langs: dict[str, Document]) -> Document:
    """The version whose language-neutral facts are used: the default language's when it exists."""
    return next(langs[lang] for lang in LANGS if lang in langs)


def language_block(ctx: SiteContext, kind: ContentKind, doc_id: str, lang: str, doc: Document | None) -> dict[str, Any]:
    """A document in one language: title, summary, tags and addresses; when it is missing in that
    language, ``available`` is false and the address is the notice page that links to the original."""
    out: dict[str, Any] = {"available": doc is not None, **address(urls.document(kind, lang, doc_id))}
    if doc is None:
        return out
    extra = ctx.extra(doc)
    out.update(title=doc.title, summary=doc.summary,
               topics=[{"id": t.id, "label": t.label} for t in extra.topics],
               regions=[{"id": t.id, "label": t.label} for t in extra.regions])
    if kind.audience_parts:
        out["views"] = {a: address(urls.audience_view(kind, lang, doc_id, a)) for a in ctx.audience_parts(doc)}
    return out


def tag_ids(ctx: SiteContext, langs: dict[str, Document], facet: str) -> list[str]:
    """Tag ids found in any language's version (enrichment may find a tag in one language only)."""
    return sorted({t.id for d in langs.values() for t in getattr(ctx.extra(d), facet)})
