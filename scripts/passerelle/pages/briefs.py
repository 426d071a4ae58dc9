"""Brief pages: the full brief, one view per audience, and a notice where a language is missing."""
from __future__ import annotations

import html
from typing import Iterator

from .. import readability, urls
from ..kinds import BRIEF
from ..markup import abbreviations, admonition, block, esc, from_pandoc, heading, html_link, link, reference
from ..records import Document, Page
from .common import badges, page, publishable, readability_badge, summary, t, tag_line
from ..context import SiteContext
from ..validate import stale_since
from .missing import in_every_language

CITATION_FORMATS = (("BibTeX", ".bib"), ("RIS", ".ris"), ("CSL-JSON", ".json"))


def generate(ctx: SiteContext) -> Iterator[Page]:
    return in_every_language(ctx, BRIEF, lambda doc: [full_page(ctx, doc)] +
                             [audience_page(ctx, doc, a) for a in ctx.audience_parts(doc)])


def head(ctx: SiteContext, doc: Document, title: str, here: str, audience: str | None = None) -> list[str]:
    """Title, summary, badges and tags: the top of every page of a brief."""
    if audience:
        badge = readability_badge(doc, readability.measure(doc.section(audience), doc.lang),
                                  ctx.model.audiences[audience].targets)
    else:
        badge = readability_badge(doc, ctx.extra(doc).readability)
    out = [heading(1, esc(title)), "", summary(doc), "", badges(ctx, doc) + (" " + badge if badge else ""), ""]
    tags = tag_line(ctx, doc, here)
    if tags:
        out += block([tags], "pa-tags") + [""]
    return out


def role_links(ctx: SiteContext, doc: Document, here: str, current: str | None) -> list[str]:
    out = []
    for a in ctx.audience_parts(doc):
        spec = ctx.model.audiences[a]
        label, about = esc(spec.heading[doc.lang]), esc(spec.about[doc.lang])
        target = urls.link(here, urls.audience_view(BRIEF, doc.lang, doc.id, a))
        out.append(f"- **{label}** — {about}" if a == current else f"- {link(label, target)} — {about}")
    return out


def cite_this(ctx: SiteContext, doc: Document, here: str, audience: str | None = None) -> list[str]:
    """The formatted reference (pandoc citeproc) and the source in three formats, beside the brief's page
    (``citation_files``); an audience view's handout beside the view."""
    refs = ctx.references.get(doc.lang, {})
    lines = [heading(2, esc(t(doc.lang, "cite_this")), "source"), ""]
    lines += [f"- {from_pandoc(refs[e.key]) if refs.get(e.key) else reference(e.fields)}"
              for e in ctx.literature.cited_by(doc)]
    own_page = urls.document(BRIEF, doc.lang, doc.id)
    downloads = [link(name, urls.link(here, urls.download(own_page, doc.id, suffix))) for name, suffix in CITATION_FORMATS]
    lines += ["", f"{esc(t(doc.lang, 'download_citation'))}: " + " · ".join(downloads)]
    if audience and ctx.has_handout(doc, audience):
        target = urls.link(here, urls.download(here, doc.id, f"-{audience}.docx"))
        lines += ["", link(esc(t(doc.lang, "download_handout")), target)]
    return lines


def stale_notice(ctx: SiteContext, doc: Document, here: str) -> list[str]:
    """When the other language's version changed after this one was translated from it (``translated_from``,
    written by ``passerelle translated``): say so, with its date and a link, in the reader's language."""
    other = next((d for lang, d in ctx.documents(BRIEF).get(doc.id, {}).items() if lang != doc.lang), None)
    if other is None or not stale_since(doc, other):
        return []
    when = other.updated or other.published
    text = t(doc.lang, "stale_translation").format(date=when.isoformat() if when else "?")
    target = urls.href(here, urls.document(BRIEF, other.lang, other.id))
    return admonition("note", esc(t(doc.lang, "stale_translation_title")), [esc(text)]) + [
        "", html_link(f"{esc(t(doc.lang, 'read_original'))}: {html.escape(other.title)}", target, other.lang), ""]


def full_page(ctx: SiteContext, doc: Document) -> Page:
    lang, here = doc.lang, urls.document(BRIEF, doc.lang, doc.id)
    lines = head(ctx, doc, doc.title, here) + stale_notice(ctx, doc, here)
    lines += [heading(2, esc(t(lang, "read_for_role")), "roles"), ""] + role_links(ctx, doc, here, None) + [""]
    for sid, core in ctx.model.core_sections.items():
        body = publishable(doc.section(sid), here)
        if body:
            lines += [heading(2, esc(core.heading[lang]), sid), "", body, ""]
    lines += cite_this(ctx, doc, here)
    related = ctx.related(doc)
    if related:
        lines += ["", heading(2, esc(t(lang, "related")), "related"), ""]
        lines += [f"- {link(esc(r.title), urls.link(here, urls.document(BRIEF, lang, r.id)))}" for r in related]
    lines += [""] + abbreviations((a.short, a.long) for a in ctx.extra(doc).acronyms)
    return page(here, doc.title, lines, (doc.path,), doc.summary, kind="brief", doc_id=doc.id)


def audience_page(ctx: SiteContext, doc: Document, audience: str) -> Page:
    lang, here = doc.lang, urls.audience_view(BRIEF, doc.lang, doc.id, audience)
    part = ctx.model.audiences[audience].heading[lang]
    title = f"{doc.title} — {part}"
    lines = head(ctx, doc, title, here, audience) + stale_notice(ctx, doc, here)
    key = publishable(doc.section("key-messages"), here)
    if key:
        lines += [heading(2, esc(ctx.model.core_sections["key-messages"].heading[lang]), "key-messages"), "", key, ""]
    lines += block([heading(2, esc(part), f"part-{audience}"), "", publishable(doc.section(audience), here)],
                   "pa-audience-part", audience) + [""]
    lines += [heading(2, esc(t(lang, "other_views")), "roles"), "",
              f"- {link(esc(t(lang, 'full_brief')), urls.link(here, urls.document(BRIEF, lang, doc.id)))}"]
    lines += role_links(ctx, doc, here, audience) + [""]
    lines += cite_this(ctx, doc, here, audience)
    lines += [""] + abbreviations((a.short, a.long) for a in ctx.extra(doc).acronyms)
    return page(here, title, lines, (doc.path,), doc.summary, kind="brief-audience", doc_id=doc.id, audience=audience)
