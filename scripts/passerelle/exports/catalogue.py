"""``/data/catalogue.json`` and ``/data/catalogue.csv``: every brief and pilot with its metadata, tags
and addresses in both languages, for anyone who wants to reuse or list them (content under CC BY 4.0)."""
from __future__ import annotations

import csv
import io
from typing import Any

from .. import cache, urls
from ..context import SiteContext
from ..kinds import KINDS, ContentKind
from ..records import LANGS, Asset, Document
from .open_data import (LICENCE, StreamedJson, content_date, first, language_block, schema_address, schema_asset,
                        tag_ids)

CSV_LISTS = ("audiences", "evidence_types", "sources", "topics", "regions")  # joined with "; " in the CSV
CSV_COLUMNS = (("kind", "id", "languages", "published", "updated", "evidence_strength") + CSV_LISTS
               + tuple(f"{field}_{lang}" for lang in LANGS for field in ("title", "summary", "path", "url")))


def generate(ctx: SiteContext, store: cache.Cache) -> list[Asset]:  # noqa: ARG001 - cheap, nothing to cache
    """Both files written one item at a time (``StreamedJson``, a CSV row each)."""
    sources = tuple(sorted(d.path for d in ctx.project.documents))
    catalogue = StreamedJson({"$schema": schema_address("catalogue"), "licence": LICENCE, "date": content_date(ctx)},
                             "items")
    table = io.StringIO()
    writer = csv.DictWriter(table, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for kind in KINDS:
        for doc_id, langs in ctx.documents(kind).items():
            listed = item(ctx, kind, doc_id, langs)
            catalogue.add(listed)
            writer.writerow(csv_row(listed))
    return [Asset(urls.data_file("catalogue.json"), catalogue.bytes(), sources),
            Asset(urls.data_file("catalogue.csv"), ("\ufeff" + table.getvalue()).encode("utf-8"), sources),  # the BOM:
            schema_asset("catalogue"), schema_asset("catalogue-csv")]  # spreadsheet programs then read UTF-8


def item(ctx: SiteContext, kind: ContentKind, doc_id: str, langs: dict[str, Document]) -> dict[str, Any]:
    doc = first(langs)
    out: dict[str, Any] = {
        "kind": kind.name, "id": doc_id, "languages": [lang for lang in LANGS if lang in langs],
        "published": doc.published.isoformat() if doc.published else None,
        "updated": doc.updated.isoformat() if doc.updated else None,
        "evidence": {"strength": doc.evidence_strength or None, "types": list(doc.evidence_types)},
        "audiences": list(ctx.audience_parts(doc)) if kind.audience_parts else [],
        "sources": list(doc.sources), "topics": tag_ids(ctx, langs, "topics"), "regions": tag_ids(ctx, langs, "regions"),
    }
    for lang in LANGS:
        out[lang] = language_block(ctx, kind, doc_id, lang, langs.get(lang))
    return out


def csv_row(it: dict[str, Any]) -> dict[str, str]:
    """An item's row: lists joined with "; "; a title left empty where a language is missing."""
    row = {"kind": it["kind"], "id": it["id"], "languages": "; ".join(it["languages"]),
           "published": it["published"] or "", "updated": it["updated"] or "",
           "evidence_strength": it["evidence"]["strength"] or "", "evidence_types": "; ".join(it["evidence"]["types"])}
    row.update({name: "; ".join(it[name]) for name in CSV_LISTS if name != "evidence_types"})
    for lang in LANGS:
        block = it[lang]
        row.update({f"{field}_{lang}": block.get(field, "") for field in ("title", "summary", "path", "url")})
    return row
