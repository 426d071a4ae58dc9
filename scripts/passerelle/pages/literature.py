"""The literature page: every cited entry of literature/, with the briefs that cite it."""
from __future__ import annotations

from collections import defaultdict

from .. import urls
from ..kinds import BRIEF
from ..markup import esc, heading, link, reference
from ..records import LANGS, Document, Page
from .common import page, t
from ..context import SiteContext


def generate(ctx: SiteContext) -> list[Page]:
    return [literature_page(ctx, lang) for lang in LANGS]


def literature_page(ctx: SiteContext, lang: str) -> Page:
    here = urls.single(lang, "literature")
    cited: dict[str, list[Document]] = defaultdict(list)
    for doc in ctx.in_lang(lang):
        for entry in ctx.literature.cited_by(doc):
            cited[entry.key].append(doc)
    lines = [heading(1, esc(t(lang, "literature"))), "", esc(t(lang, "literature_intro")), ""]
    entries = sorted(ctx.literature.entries.values(), key=lambda e: (e.path, e.line))
    for e in entries:
        if e.key not in cited:
            continue
        lines.append(f"- {reference(e.fields)}")
        refs = ", ".join(link(esc(d.title), urls.link(here, urls.document(BRIEF, lang, d.id))) for d in cited[e.key])
        lines.append(f"    {esc(t(lang, 'cited_by'))}: {refs}")
    return page(here, t(lang, "literature"), lines, tuple(sorted({e.path for e in entries})))
