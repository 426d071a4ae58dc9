"""How a pilot's facts read in each language, for its page, the funder view and the card other sites
embed: status, dates, amount, places, vocabulary labels and evaluation, each "not reported" when the
sources do not state it (never a guess). Pure: records and settings in, text out."""
from __future__ import annotations

import html
import json
from functools import lru_cache

from . import settings
from .records import Document, PilotFacts
from .vocabulary import load_vocabulary

STATUSES = ("planned", "active", "completed", "ended-early")
NOT_REPORTED = "not-reported"  # the filter value of a fact the sources do not state
# Provinces and territories in the order Statistics Canada lists them (west to east, then the north).
PLACES = ("CA-BC", "CA-AB", "CA-SK", "CA-MB", "CA-ON", "CA-QC", "CA-NB", "CA-NS", "CA-PE", "CA-NL", "CA-YT",
          "CA-NT", "CA-NU", "national")


def t(lang: str, key: str) -> str:
    return settings.text(lang, key)


@lru_cache(maxsize=1)
def _labels() -> dict[tuple[str, str], str]:
    vocab = load_vocabulary()
    return {(c.id, lang): label for c in vocab.concepts for lang, label in c.labels.items()}


def label(concept: str, lang: str) -> str:
    """A vocabulary id's label in ``lang`` (the id itself when the vocabulary lacks it)."""
    return _labels().get((concept, lang), concept)


def place(region: str, lang: str) -> str:
    return t(lang, "region_national") if region == "national" else label(region, lang)


def status_key(p: PilotFacts) -> str:
    return p.status if p.status in STATUSES else NOT_REPORTED


def status(p: PilotFacts, lang: str) -> str:
    """'Active (as reported in 2019-03)': a status is only ever true as of its sources."""
    text = t(lang, f"status_{status_key(p)}")
    return text + (f" ({t(lang, 'as_of').format(date=p.as_of)})" if p.as_of and p.status else "")


def dates(p: PilotFacts, lang: str) -> str:
    nr = t(lang, "not_reported")
    if not p.start and not p.end:
        return nr
    return t(lang, "dates_range").format(start=p.start.isoformat() if p.start else nr,
                                         end=p.end.isoformat() if p.end else nr)


def amount(p: PilotFacts, lang: str) -> str:
    if p.amount is None:
        return t(lang, "not_reported")
    value = f"{p.amount.value:,.2f}".removesuffix(".00")
    if lang == "fr":
        return value.replace(",", "\u202f").replace(".", ",") + f" {p.amount.currency}"
    return f"{p.amount.currency} {value}"


def year(p: PilotFacts, lang: str) -> str:
    if p.year is None:
        return t(lang, "not_reported")
    return t(lang, "year_reported").format(year=p.year) if p.year_reported else str(p.year)


def regions(doc: Document) -> tuple[str, ...]:
    """The places a pilot is filed under: its regions, else 'not reported'."""
    return doc.regions or (NOT_REPORTED,)


def evaluation(p: PilotFacts, lang: str) -> str:
    """Type and evaluator in words (the report, a BibTeX key, is linked by the page)."""
    if p.evaluation is None:
        return t(lang, "not_reported")
    text = t(lang, f"evaluation_{p.evaluation.type}") if p.evaluation.type else t(lang, "not_reported")
    return text + (" " + t(lang, "evaluation_by").format(by=p.evaluation.by) if p.evaluation.by else "")


def or_not_reported(value: str, lang: str) -> str:
    return value or t(lang, "not_reported")


# ---------------------------------------------------------------- the card other sites embed


def card(doc: Document, url: str) -> dict:
    """What a funder's site needs to show the pilot: its facts in the document's language and the
    address of its page (absolute when the site's address is known)."""
    p, lang = doc.pilot, doc.lang
    return {"id": doc.id, "lang": lang, "type": "pilot", "url": url, "title": doc.title, "summary": doc.summary,
            "status": p.status or None, "status_label": status(p, lang), "as_of": p.as_of or None,
            "lead_organization": p.lead_organization or None, "funder": p.funder or None,
            "funding_stream": p.funding_stream or None, "start": p.start.isoformat() if p.start else None,
            "end": p.end.isoformat() if p.end else None, "regions": list(doc.regions),
            "evidence": doc.evidence_strength or None, "updated": doc.updated.isoformat() if doc.updated else None,
            "html": card_html(doc, url)}


def card_html(doc: Document, url: str) -> str:
    """A self-contained HTML card: inline styles, no script, no image, nothing loaded from elsewhere."""
    p, lang = doc.pilot, doc.lang
    e = lambda s: html.escape(s, quote=True)  # noqa: E731
    facts = " · ".join(x for x in (status(p, lang), p.lead_organization, p.funder) if x)
    return (f'<div class="passerelle-card" lang="{lang}" style="border:1px solid #8a8a8a;border-radius:4px;'
            f'padding:12px 16px;max-width:32em;font:16px/1.4 system-ui,sans-serif">\n'
            f'  <p style="margin:0 0 6px;font-weight:bold"><a href="{e(url)}">{e(doc.title)}</a></p>\n'
            f'  <p style="margin:0 0 6px">{e(doc.summary)}</p>\n'
            f'  <p style="margin:0;font-size:14px">{e(facts)}</p>\n'
            f'  <p style="margin:6px 0 0;font-size:13px">{e(t(lang, "card_from"))}</p>\n'
            f'</div>')


def card_json(doc: Document, url: str) -> bytes:
    return (json.dumps(card(doc, url), ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")
