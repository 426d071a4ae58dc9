"""``/data/pilots.json`` (every fact of every pilot summary, texts in both languages) and
``/data/pilots-360giving.json``, the same pilots as grants in the shape of the 360Giving Data Standard
so that grant-data tools can read them.

360Giving requires ``amountAwarded``, ``currency``, ``awardDate`` and an identifier for each
organisation. A pilot summary states only what its sources state: a field it does not state is left
out (never a zero or a guessed date) and named in the grant's ``notReported`` list, so a validator
reports it and a reader knows it is unknown rather than missing by accident. Our ids are not
360Giving-registered (``passerelle-pilot-<id>``: a publisher registered with 360Giving would use its
``360G-`` prefix)."""
from __future__ import annotations

from typing import Any

from .. import cache, urls
from ..context import SiteContext
from ..kinds import PILOT
from ..records import LANGS, Asset, Document
from .open_data import LICENCE, address, content_date, first, json_bytes, language_block, schema_address, schema_asset

GRANT_ID_PREFIX = "passerelle-pilot-"
COUNTRY = "CA"


def generate(ctx: SiteContext, store: cache.Cache) -> list[Asset]:  # noqa: ARG001 - cheap, nothing to cache
    pilots = ctx.documents(PILOT)
    sources = tuple(sorted(d.path for langs in pilots.values() for d in langs.values()))
    facts = {"$schema": schema_address("pilots"), "licence": LICENCE, "date": content_date(ctx),
             "pilots": [pilot(ctx, pid, langs) for pid, langs in pilots.items()]}
    grants = {"$schema": schema_address("pilots-360giving"), "licence": LICENCE, "date": content_date(ctx),
              "grants": [grant(ctx, pid, langs) for pid, langs in pilots.items()]}
    return [Asset(urls.data_file("pilots.json"), json_bytes(facts), sources),
            Asset(urls.data_file("pilots-360giving.json"), json_bytes(grants), sources),
            schema_asset("pilots"), schema_asset("pilots-360giving")]


def pilot(ctx: SiteContext, pid: str, langs: dict[str, Document]) -> dict[str, Any]:
    """The facts the same in every language once, and the texts of each language in its own block."""
    doc = first(langs)
    p = doc.pilot
    out: dict[str, Any] = {
        "id": pid, "languages": [lang for lang in LANGS if lang in langs], "aliases": list(doc.aliases),
        "lead_organization": p.lead_organization or None, "partners": list(p.partners), "funder": p.funder or None,
        "funding_stream": p.funding_stream or None, "agreement": p.agreement or None,
        "amount": {"value": p.amount.value, "currency": p.amount.currency} if p.amount else None,
        "start": _iso(p.start), "end": _iso(p.end), "status": p.status or None, "as_of": p.as_of or None,
        "regions": list(doc.regions),
        "populations": list(p.populations), "services": list(p.services), "contact": p.contact or None,
        "related_briefs": list(p.related_briefs), "sources": list(doc.sources),
        "evidence": {"strength": doc.evidence_strength or None, "types": list(doc.evidence_types)},
        "published": _iso(doc.published), "updated": _iso(doc.updated),
    }
    for lang in LANGS:
        block = language_block(ctx, PILOT, pid, lang, langs.get(lang))
        if lang in langs:
            block.update(_texts(langs[lang]))
        out[lang] = block
    return out


def _texts(doc: Document) -> dict[str, Any]:
    p = doc.pilot
    return {"outcomes": [{"measure": o.measure, "method": o.method or None, "result": o.result, "source": o.source}
                         for o in p.outcomes],
            "evaluation": ({"type": p.evaluation.type, "by": p.evaluation.by or None, "report": p.evaluation.report or None}
                           if p.evaluation else None)}


def grant(ctx: SiteContext, pid: str, langs: dict[str, Document]) -> dict[str, Any]:
    """A pilot as a 360Giving grant: only what the summary states, and the list of what it does not."""
    doc = first(langs)
    p = doc.pilot
    out: dict[str, Any] = {"id": GRANT_ID_PREFIX + pid, "title": doc.title, "description": doc.summary,
                           "dateModified": _iso(doc.updated)}
    missing = ["awardDate"]
    for field, name in (("recipientOrganization", p.lead_organization), ("fundingOrganization", p.funder)):
        if name:
            out[field] = [{"name": name}]
            missing.append(f"{field}/0/id")
        else:
            missing.append(field)
    if p.amount:
        out.update(amountAwarded=p.amount.value, currency=p.amount.currency)
    else:
        missing[:0] = ["amountAwarded", "currency"]
    if p.start or p.end:
        out["plannedDates"] = [{k: _iso(v) for k, v in (("startDate", p.start), ("endDate", p.end)) if v}]
    if p.funding_stream:
        out["grantProgramme"] = [{"title": p.funding_stream}]
    if doc.regions:
        labels = {t.id: t.label for t in ctx.extra(doc).regions}
        out["beneficiaryLocation"] = [_location(r, labels.get(r, r)) for r in doc.regions]
    if p.agreement:
        out["agreementReference"] = p.agreement  # the federal grants disclosure's ref_number
    out["relatedDocument"] = [{"id": f"{pid}-{lang}", "title": d.title, "language": lang,
                               **address(urls.document(PILOT, lang, pid))} for lang, d in sorted(langs.items())]
    out["notReported"] = missing
    return out


def _location(region: str, label: str) -> dict[str, str]:
    if region == "national":
        return {"name": "Canada", "countryCode": COUNTRY}
    return {"name": label, "countryCode": COUNTRY, "geoCode": region, "geoCodeType": "ISO 3166-2"}


def _iso(value) -> str | None:
    return value.isoformat() if value else None
