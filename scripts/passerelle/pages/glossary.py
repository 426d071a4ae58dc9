"""The glossary: every acronym the briefs use, with its expansion and the briefs that use it."""
from __future__ import annotations

from collections import defaultdict

from .. import urls
from ..kinds import BRIEF
from ..markup import esc, heading, link
from ..records import LANGS, Document, Page
from .common import page, t
from ..context import SiteContext, newest_first

USES_SHOWN = 5


def generate(ctx: SiteContext) -> list[Page]:
    return [glossary_page(ctx, lang) for lang in LANGS]


def glossary_page(ctx: SiteContext, lang: str) -> Page:
    here = urls.single(lang, "glossary")
    uses: dict[tuple[str, str], list[Document]] = defaultdict(list)
    for doc in ctx.in_lang(lang):
        for acronym in ctx.extra(doc).acronyms:
            uses[(acronym.short, acronym.long)].append(doc)
    lines = [heading(1, esc(t(lang, "glossary"))), "", esc(t(lang, "glossary_intro")), ""]
    if uses:
        lines += [f"| {esc(t(lang, 'acronym'))} | {esc(t(lang, 'meaning'))} | {esc(t(lang, 'used_in'))} |", "|---|---|---|"]
        for (short, long), docs in sorted(uses.items(), key=lambda kv: (kv[0][0].lower(), kv[0][1])):
            refs = ", ".join(link(esc(d.title), urls.link(here, urls.document(BRIEF, lang, d.id)))
                             for d in newest_first(docs)[:USES_SHOWN])
            lines.append(f"| **{esc(short)}** | {esc(long)} | {refs} |")
    else:
        lines.append(esc(t(lang, "no_briefs_yet")))
    return page(here, t(lang, "glossary"), lines)
