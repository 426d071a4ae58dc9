"""Pilot summaries: one page per pilot and language. The facts table says "not reported" for every fact
the sources do not state; the outcomes are a real table; the sections follow the kind's order
(``kinds.PILOT.sections``); the page ends with a card other sites can embed (``pilotfacts.card_html``)."""
from __future__ import annotations

import re
from typing import Iterator

from .. import pilotfacts as pf
from .. import urls
from ..context import SiteContext
from ..kinds import BRIEF, PILOT
from ..markup import abbreviations, block, code_block, esc, from_pandoc, heading, link, reference, span, table
from ..records import Document, Page
from .common import evidence_badges, page, publishable, summary, t, tag_line
from .missing import in_every_language

CARD = "card.json"


def generate(ctx: SiteContext) -> Iterator[Page]:
    return in_every_language(ctx, PILOT, lambda doc: [pilot_page(ctx, doc)])


def pilot_page(ctx: SiteContext, doc: Document) -> Page:
    lang, here = doc.lang, urls.document(PILOT, doc.lang, doc.id)
    lines = [heading(1, esc(doc.title)), "", summary(doc), "", " ".join(head_badges(ctx, doc)), ""]
    tags = tag_line(ctx, doc, here)
    if tags:
        lines += block([tags], "pa-tags") + [""]
    lines += [heading(2, esc(t(lang, "pilot_facts")), "facts"), ""] + facts_table(ctx, doc, here) + [""]
    lines += [heading(2, esc(t(lang, "outcomes")), "outcomes"), ""] + outcomes_table(ctx, doc) + [""]
    for sid in PILOT.sections:
        body = publishable(doc.section(sid), here) or esc(t(lang, "not_reported_section"))
        lines += [heading(2, esc(t(lang, f"pilot_section_{sid}")), sid), "", body, ""]
    lines += sources(ctx, doc) + related_briefs(ctx, doc, here) + embed(doc, here)
    lines += [""] + abbreviations((a.short, a.long) for a in ctx.extra(doc).acronyms)
    return page(here, doc.title, lines, (doc.path,), doc.summary, kind="pilot", doc_id=doc.id)


def head_badges(ctx: SiteContext, doc: Document) -> list[str]:
    """How sure are we (the briefs' evidence badge), where the pilot stands, and when it was updated."""
    lang = doc.lang
    out = (evidence_badges(ctx, doc) if doc.evidence_strength
           else [span(esc(t(lang, "evidence_not_reported")), "pa-badge pa-evidence")])
    out.append(span(esc(pf.status(doc.pilot, lang)), f"pa-badge pa-status pa-status-{pf.status_key(doc.pilot)}"))
    if doc.updated:
        out.append(span(f"{esc(t(lang, 'updated'))} {doc.updated.isoformat()}", "pa-badge"))
    return out


def facts_table(ctx: SiteContext, doc: Document, here: str) -> list[str]:
    p, lang = doc.pilot, doc.lang
    nr = esc(t(lang, "not_reported"))
    joined = lambda items: ", ".join(esc(x) for x in items) or nr  # noqa: E731
    rows = [
        ("fact_lead", esc(pf.or_not_reported(p.lead_organization, lang))),
        ("fact_partners", joined(p.partners)),
        ("fact_funder", esc(pf.or_not_reported(p.funder, lang))),
        ("fact_stream", esc(pf.or_not_reported(p.funding_stream, lang))),
        ("fact_agreement", esc(pf.or_not_reported(p.agreement, lang))),
        ("fact_amount", esc(pf.amount(p, lang))),
        ("fact_dates", esc(pf.dates(p, lang))),
        ("fact_status", esc(pf.status(p, lang)) if p.status else nr),
        ("fact_regions", joined(pf.place(r, lang) for r in doc.regions)),
        ("fact_populations", joined(pf.label(x, lang) for x in p.populations)),
        ("fact_services", joined(pf.label(x, lang) for x in p.services)),
        ("fact_evaluation", evaluation(ctx, doc)),
        ("fact_contact", contact(p.contact) if p.contact else nr),
    ]
    return table([esc(t(lang, "pilot_fact")), esc(t(lang, "pilot_value"))],
                 [[esc(t(lang, key)), value] for key, value in rows])


def contact(address: str) -> str:
    target = address if address.startswith("https://") else f"mailto:{address}"
    return link(esc(address), target.replace(" ", "%20").replace(")", "%29"))


def evaluation(ctx: SiteContext, doc: Document) -> str:
    text = esc(pf.evaluation(doc.pilot, doc.lang))
    ev = doc.pilot.evaluation
    entry = ctx.literature.get(ev.report) if ev and ev.report else None
    return text + (f" — {link(esc(t(doc.lang, 'evaluation_report')), '#sources')} ({esc(short_reference(entry))})"
                   if entry else "")


def short_reference(entry) -> str:
    """'PeaceGeeks Society (2019)': enough to find the full reference under Sources."""
    who = (entry.fields.get("author") or entry.fields.get("editor") or entry.key).split(" and ")[0]
    year = entry.fields.get("year") or (entry.fields.get("date") or "")[:4]
    return f"{re.sub(r'[{}]', '', who).strip()} ({year})" if year else re.sub(r"[{}]", "", who).strip()


def outcomes_table(ctx: SiteContext, doc: Document) -> list[str]:
    lang = doc.lang
    outcomes = doc.pilot.outcomes
    if not outcomes:
        return [esc(t(lang, "no_outcomes"))]
    rows = []
    for o in outcomes:
        entry = ctx.literature.get(o.source)
        source = link(esc(short_reference(entry)), "#sources") if entry else esc(o.source)
        rows.append([esc(o.measure), esc(o.method) or esc(t(lang, "not_reported")), esc(o.result), source])
    return ([esc(t(lang, "label_colon").format(text=t(lang, "outcomes_caption"))), ""]
            + table([esc(t(lang, k)) for k in ("outcome_measure", "outcome_method", "outcome_result", "outcome_source")],
                    rows))


def sources(ctx: SiteContext, doc: Document) -> list[str]:
    """Every entry the pilot cites (sources, outcomes, evaluation), formatted by citeproc like the briefs'."""
    refs = ctx.references.get(doc.lang, {})
    keys = dict.fromkeys(list(doc.sources) + [o.source for o in doc.pilot.outcomes]
                         + ([doc.pilot.evaluation.report] if doc.pilot.evaluation and doc.pilot.evaluation.report else []))
    entries = [e for k in keys if (e := ctx.literature.get(k))]
    lines = [heading(2, esc(t(doc.lang, "sources")), "sources"), ""]
    return lines + [f"- {from_pandoc(refs[e.key]) if refs.get(e.key) else reference(e.fields)}" for e in entries] + [""]


def related_briefs(ctx: SiteContext, doc: Document, here: str) -> list[str]:
    """The briefs the pilot names (each exists in every language: as itself, or as its notice page)."""
    briefs = ctx.documents(BRIEF)
    items = []
    for bid in doc.pilot.related_briefs:
        group = briefs.get(bid)
        if group:
            shown = group.get(doc.lang) or next(iter(group.values()))
            items.append(f"- {link(esc(shown.title), urls.link(here, urls.document(BRIEF, doc.lang, bid)))}")
    return [heading(2, esc(t(doc.lang, "related")), "related"), ""] + items + [""] if items else []


def embed(doc: Document, here: str) -> list[str]:
    """The card's HTML to copy (Material adds a copy button to code blocks) and its JSON beside the page."""
    url = urls.absolute(urls.published(here))
    lines = [heading(2, esc(t(doc.lang, "embed_title")), "embed"), "", esc(t(doc.lang, "embed_intro")), ""]
    lines += code_block(pf.card_html(doc, url)) + [""]  # not inside a <div>: md_in_html would end it at the card's </div>
    return lines + [link(CARD, urls.link(here, urls.beside(here, CARD))), ""]
