"""What search engines and link previews read about every page: a description of its own (an audience
view describes its part, not its brief; a listing its own content, not the site) and schema.org JSON-LD
for briefs (``Report``, with ``citation``, ``inLanguage`` and ``audience``) and pilots (``Project``, with
``funder``, dates and ``location``). Applied once to the pages of every generator, so page kinds added
later get the same."""
from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from typing import Any

from .. import settings, urls
from ..markup import NOT_PROSE
from ..kinds import BY_NAME, PILOT
from ..records import BibEntry, Document, Page
from .common import t
from ..context import SiteContext

DESCRIPTION_LENGTH = 200  # characters; search engines show about 155-160
PAGE_NUMBER = re.compile(r"/page-(\d+)\.md$")
MARKUP = [(re.compile(r"<[^>]+>"), ""), (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),
          (re.compile(r"\{[#.:][^}]*\}"), ""), (re.compile(r"[*_`]+"), ""), (re.compile(r"^\s*(?:[-+]|\d+\.)\s+", re.M), ""),
          (re.compile(r"\\(.)"), r"\1")]
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"


def with_own_description(ctx: SiteContext, p: Page) -> Page:
    """The page described by itself; ``finished`` makes the description unique once every page is known."""
    return dataclasses.replace(p, info=dataclasses.replace(p.info, description=own_description(ctx, p)))


def finished(ctx: SiteContext, p: Page, descriptions: Counter) -> Page:
    """The page with a description that no other page of its language has (``descriptions`` counts every
    page's own, by language), and JSON-LD where it shows a document."""
    if descriptions[(p.lang, p.info.description)] > 1:
        p = _distinct(p)
    return dataclasses.replace(p, info=dataclasses.replace(p.info, linked_data=linked_data(ctx, p)))


def own_description(ctx: SiteContext, p: Page) -> str:
    info, lang = p.info, p.lang
    if info.kind == "brief-audience":
        doc = _document(ctx, p)
        part = ctx.model.audiences[info.audience].heading[lang]
        return t(lang, "audience_view_description").format(part=part, text=excerpt(doc.section(info.audience)) if doc else "")
    if info.kind.endswith("-missing"):
        return t(lang, "missing_description")
    return info.description or excerpt(_first_paragraph(p.body)) or info.title


def _distinct(p: Page) -> Page:
    """Pages that share their description (pages 2, 3… of a listing; listings with one intro) get
    their title, then their page number, before it."""
    text = p.info.description
    if p.info.title and not text.startswith(p.info.title):
        text = t(p.lang, "titled_description").format(title=p.info.title, text=text)
    number = PAGE_NUMBER.search(p.path)
    if number:
        text = t(p.lang, "page_of").format(title=text, n=number.group(1))
    return dataclasses.replace(p, info=dataclasses.replace(p.info, description=text))


def excerpt(markdown: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """Markdown as one line of plain text, cut at a word before ``limit``."""
    text = markdown
    for pattern, replacement in MARKUP:
        text = pattern.sub(replacement, text)
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _first_paragraph(body: str) -> str:
    for chunk in re.split(r"\n\s*\n", body):
        line = chunk.strip()
        if line and not line.startswith(NOT_PROSE):
            return line
    return ""


def _document(ctx: SiteContext, p: Page) -> Document | None:
    kind = BY_NAME.get(p.info.kind.split("-", 1)[0])
    return ctx.documents(kind).get(p.info.doc_id, {}).get(p.lang) if kind else None


# ---------------------------------------------------------------- schema.org JSON-LD


def linked_data(ctx: SiteContext, p: Page) -> str:
    """JSON-LD for a page that shows a document ('' otherwise), safe inside a <script> element."""
    doc = _document(ctx, p)
    if doc is None or p.info.kind.endswith("-missing"):
        return ""
    data = project(ctx, doc, p) if doc.kind == PILOT.name else report(ctx, doc, p)
    text = json.dumps({k: v for k, v in data.items() if v not in (None, "", [])}, ensure_ascii=False, sort_keys=True)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _common(ctx: SiteContext, doc: Document, p: Page) -> dict[str, Any]:
    extra = ctx.extra(doc)
    return {"@context": "https://schema.org", "name": p.info.title, "description": p.info.description or doc.summary,
            "inLanguage": doc.lang, "url": urls.full_address(p.path, settings.site_url()) or None,
            "keywords": [tag.label for tag in extra.topics], "license": LICENCE_URL, "isAccessibleForFree": True,
            "datePublished": doc.published.isoformat() if doc.published else None,
            "dateModified": doc.updated.isoformat() if doc.updated else None,
            "citation": [citation(e) for e in ctx.literature.cited_by(doc)]}


def report(ctx: SiteContext, doc: Document, p: Page) -> dict[str, Any]:
    """A brief, or one audience's view of it (then its audience only, and part of the brief)."""
    audiences = [p.info.audience] if p.info.audience else ctx.audience_parts(doc)
    out = {**_common(ctx, doc, p), "@type": "Report", "headline": p.info.title,
           "audience": [{"@type": "Audience", "audienceType": ctx.model.audiences[a].landing[doc.lang]} for a in audiences],
           "spatialCoverage": [_place(tag.label) for tag in ctx.extra(doc).regions]}
    if p.info.audience:
        brief = urls.document(BY_NAME[doc.kind], doc.lang, doc.id)
        out["isPartOf"] = {"@type": "Report", "name": doc.title,
                           **({"url": u} if (u := urls.full_address(brief, settings.site_url())) else {})}
    return out


def project(ctx: SiteContext, doc: Document, p: Page) -> dict[str, Any]:
    pilot = doc.pilot
    labels = {tag.id: tag.label for tag in ctx.extra(doc).regions}
    out = {**_common(ctx, doc, p), "@type": "Project",
           "funder": {"@type": "Organization", "name": pilot.funder} if pilot.funder else None,
           "member": [{"@type": "Organization", "name": n} for n in (pilot.lead_organization, *pilot.partners) if n],
           "startDate": pilot.start.isoformat() if pilot.start else None,
           "endDate": pilot.end.isoformat() if pilot.end else None,
           "location": [_place(labels.get(r, "Canada" if r == "national" else r)) for r in doc.regions]}
    if pilot.funding_stream or pilot.amount or pilot.agreement:
        grant = {"@type": "Grant", "name": pilot.funding_stream or None, "identifier": pilot.agreement or None,
                 "funder": out["funder"],
                 "amount": ({"@type": "MonetaryAmount", "value": pilot.amount.value, "currency": pilot.amount.currency}
                            if pilot.amount else None)}
        out["funding"] = {k: v for k, v in grant.items() if v}
    return out


def citation(entry: BibEntry) -> dict[str, Any]:
    """A cited source as schema.org ``CreativeWork``: only what its BibTeX entry states."""
    f = entry.fields
    out: dict[str, Any] = {"@type": "CreativeWork", "name": f.get("title", entry.key)}
    authors = [a.strip() for a in (f.get("author") or f.get("editor") or "").split(" and ") if a.strip()]
    if authors:
        out["author"] = [{"@type": "Person" if "," in a else "Organization", "name": a.strip("{}")} for a in authors]
    if f.get("year") or f.get("date"):
        out["datePublished"] = f.get("date") or f.get("year")
    if f.get("doi"):
        out["identifier"] = f"https://doi.org/{f['doi']}"
    if f.get("url"):
        out["url"] = f["url"]
    return out


def _place(name: str) -> dict[str, str]:
    return {"@type": "Place", "name": name}
