"""The sources of every brief in three formats (BibTeX, RIS, CSL-JSON), once, beside the brief's page:
its audience views cite the same sources and link these files (a copy beside every view was three
quarters of a thousand-brief site's files)."""
from __future__ import annotations

import json

from .. import cache, urls
from ..kinds import BRIEF
from ..context import SiteContext
from ..records import Asset, BibEntry
from . import citations


def generate(ctx: SiteContext, store: cache.Cache) -> list[Asset]:  # noqa: ARG001 - cheap, nothing to cache
    out = []
    for langs in ctx.documents(BRIEF).values():
        for doc in langs.values():
            files = _formats(ctx.literature.cited_by(doc), ctx.literature.strings)
            page = urls.document(BRIEF, doc.lang, doc.id)
            out += [Asset(urls.download(page, doc.id, suffix), data, (doc.path,)) for suffix, data in files.items()]
    return out


def _formats(entries: list[BibEntry], strings: dict[str, str]) -> dict[str, bytes]:
    csl = json.dumps([citations.to_csl_json(e) for e in entries], ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    return {".bib": citations.to_bibtex(entries, strings).encode("utf-8"),
            ".ris": "".join(citations.to_ris(e) for e in entries).encode("utf-8"), ".json": csl.encode("utf-8")}
