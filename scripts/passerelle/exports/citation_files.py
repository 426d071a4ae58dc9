"""The sources of every brief page in three formats (BibTeX, RIS, CSL-JSON), beside each page so
every page links them the same way."""
from __future__ import annotations

import json

from .. import cache, urls
from ..kinds import BRIEF
from ..context import SiteContext
from ..records import Asset, BibEntry, Document
from . import citations


def generate(ctx: SiteContext, store: cache.Cache) -> list[Asset]:  # noqa: ARG001 - cheap, nothing to cache
    out = []
    for langs in ctx.documents(BRIEF).values():
        for doc in langs.values():
            entries = ctx.literature.cited_by(doc)
            pages = [urls.document(BRIEF, doc.lang, doc.id)]
            pages += [urls.audience_view(BRIEF, doc.lang, doc.id, a) for a in ctx.audience_parts(doc)]
            for page in pages:
                out += _files(doc, page, entries, ctx.literature.strings)
    return out


def _files(doc: Document, page: str, entries: list[BibEntry], strings: dict[str, str]) -> list[Asset]:
    csl = json.dumps([citations.to_csl_json(e) for e in entries], ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    return [Asset(urls.download(page, doc.id, ".bib"), citations.to_bibtex(entries, strings).encode("utf-8"), (doc.path,)),
            Asset(urls.download(page, doc.id, ".ris"), "".join(citations.to_ris(e) for e in entries).encode("utf-8"), (doc.path,)),
            Asset(urls.download(page, doc.id, ".json"), csl.encode("utf-8"), (doc.path,))]
