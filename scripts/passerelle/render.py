"""Stage 4: turn validated records into the pages of the site, as Markdown for the site generator.

Pure: records in, ``Page`` records out; the generator layer (``sitegen``) writes and builds them.
Everything a contributor wrote that reaches a template or a heading is escaped here."""
from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml

from . import citations, readability, settings
from .frontmatter import as_date
from .records import AUDIENCES, LANGS, BibEntry, Document, Project

LISTING_PAGE_SIZE = 50
HOME_LATEST = 10
MD_SPECIAL = re.compile(r"([\\`*_\[\]#|{}!])")


@dataclass
class Page:
    """One page of the site: a path under the docs folder, its Markdown, and the inputs it shows."""

    path: str
    text: str
    sources: tuple[str, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class Extras:
    """What enrichment and the front matter add to a document's pages."""

    topics: list[tuple[str, str]] = field(default_factory=list)  # (id, label in the page's language)
    regions: list[tuple[str, str]] = field(default_factory=list)
    acronyms: list[tuple[str, str]] = field(default_factory=list)  # (short, long)
    readability: dict = field(default_factory=dict)  # readability.measure() of the whole brief


@dataclass
class Asset:
    path: str
    data: bytes
    sources: tuple[str, ...] = ()


def esc(text: Any) -> str:
    """Contributor text as inert Markdown: HTML escaped, Markdown punctuation backslashed."""
    return MD_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))


def attr(text: Any) -> str:
    return html.escape(" ".join(str(text).split()), quote=True)


def front_matter(title: str, description: str = "", **extra: Any) -> str:
    """Page front matter for MkDocs. Values are HTML-escaped: MkDocs prints them without escaping."""
    meta = {"title": html.escape(str(title), quote=True)}
    if description:
        meta["description"] = attr(description)
    meta.update(extra)
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=True, width=1000) + "---\n\n"


def docs_path(lang: str, *parts: str) -> str:
    return "/".join((lang,) + parts)


def brief_groups(project: Project, kind: str = "brief") -> dict[str, dict[str, Document]]:
    groups: dict[str, dict[str, Document]] = defaultdict(dict)
    for doc in project.documents:
        if doc.kind == kind and doc.id:
            groups[doc.id].setdefault(doc.lang, doc)
    return dict(sorted(groups.items()))


def published(doc: Document) -> dt.date:
    return as_date(doc.meta.get("published")) or dt.date(1970, 1, 1)


def newest_first(docs: Iterable[Document]) -> list[Document]:
    return sorted(docs, key=lambda d: (-published(d).toordinal(), d.id))


def section(doc: Document, sid: str) -> str:
    return next((s.body for s in doc.sections if s.id == sid), "")


def strip_comments(markdown: str) -> str:
    return re.sub(r"<!--.*?-->\n?", "", markdown, flags=re.S).strip()


MEDIA_LINK = re.compile(r"(\]\(\s*<?|^[ ]{0,3}\[[^\]]+\]:[ \t]*\n?[ \t]*<?)\.\./media/", re.M)


def publishable(markdown: str) -> str:
    """A section as published: comments removed, and ../media/ links (relative to content/briefs/)
    made relative to the brief's pages, two folders deeper (briefs/<id>/ and briefs/<id>/<audience>/)."""
    return MEDIA_LINK.sub(r"\1../../media/", strip_comments(markdown))


def citation(entry: BibEntry) -> str:
    """A short author-date reference in Markdown, built only from the entry's own fields."""
    f = entry.fields
    names = [re.sub(r"[{}]", "", n).strip() for n in re.split(r"\s+and\s+", f.get("author") or f.get("editor") or "") if n.strip()]
    who = "; ".join(names) if names else ""
    year = f.get("year") or (f.get("date") or "")[:4]
    parts = [f"{esc(who)} ({esc(year)})." if who else f"({esc(year)})."]
    if f.get("title"):
        parts.append(f"*{esc(re.sub(r'[{}]', '', f['title']))}*.")
    venue = f.get("journal") or f.get("journaltitle") or f.get("booktitle") or f.get("institution") or f.get("publisher") or f.get("organization")
    if venue:
        parts.append(esc(re.sub(r"[{}]", "", venue)) + ".")
    if f.get("doi"):
        parts.append(f"<https://doi.org/{attr(f['doi'])}>")
    elif f.get("url") and re.match(r"https?://", f["url"]):
        parts.append(f"<{attr(f['url'])}>")
    return " ".join(parts)


class Renderer:
    """Renders one project; holds only lookups built once from the records."""

    def __init__(self, project: Project, extras: dict[str, Extras] | None = None,
                 references: dict[str, dict[str, str]] | None = None, handouts: dict[tuple[str, str], bytes] | None = None):
        self.project = project
        self.references = references or {}  # lang -> key -> formatted reference (Markdown)
        self.handouts = handouts or {}  # (doc path, audience) -> DOCX bytes
        self.strings = citations.string_definitions(Path(project.root))
        self.briefs = brief_groups(project, "brief")
        self.pilots = brief_groups(project, "pilot")
        self.aud = settings.audiences()
        self.extras = extras or {}  # doc path -> Extras

    def extra(self, doc: Document) -> Extras:
        return self.extras.get(doc.path) or Extras()

    # ---------- helpers

    def t(self, lang: str, key: str) -> str:
        return settings.strings(lang)[key]

    def in_lang(self, lang: str) -> list[Document]:
        return [g[lang] for g in self.briefs.values() if lang in g]

    def badges(self, doc: Document) -> str:
        ev = doc.meta.get("evidence") or {}
        strength = ev.get("strength", "")
        scale = self.aud["evidence_strength"].get(strength, {})
        types = ", ".join(self.aud["evidence_types"].get(t, {}).get(doc.lang, t) for t in ev.get("type") or [])
        lang = doc.lang
        label = scale.get(lang, "").split(":")[0]
        level = scale.get("level", 0)
        out = [f'<span class="pa-badge pa-evidence pa-evidence-{attr(strength)}" title="{attr(scale.get(lang, ""))}">'
               f'{esc(self.t(lang, "evidence"))}: {esc(label)} ({level}/3)</span>']
        if types:
            out.append(f'<span class="pa-badge">{esc(types)}</span>')
        out.append(f'<span class="pa-badge">{esc(self.t(lang, "published"))} {published(doc).isoformat()}</span>')
        return " ".join(out)

    def tag_line(self, doc: Document, depth: int) -> str:
        x = self.extra(doc)
        parts = []
        for items, title in ((x.topics, "topics"), (x.regions, "regions")):
            if items:
                links = ", ".join(f"[{esc(label)}]({'../' * depth}topics/{tid}.md)" for tid, label in items)
                parts.append(f"**{esc(self.t(doc.lang, title))}:** {links}")
        return "  \n".join(parts)

    def readability_badge(self, doc: Document, report: dict, target: dict | None = None) -> str:
        """The main formula of the page's language (never Flesch-Kincaid on French), with its target."""
        metrics = (report or {}).get("metrics") or {}
        if doc.lang == "en" and metrics.get("fk_grade") is not None:
            value, key, ok = metrics["fk_grade"], "readability_grade", None
            if target:
                ok = value <= target["en_grade"]
                key = "readability_grade_target"
        elif doc.lang == "fr" and metrics.get("kandel_moles") is not None:
            value, key, ok = metrics["kandel_moles"], "readability_ease", None
            if target:
                ok = value >= target["fr_kandel_moles"]
                key = "readability_ease_target"
        else:
            return ""
        goal = (target or {}).get("en_grade" if doc.lang == "en" else "fr_kandel_moles", "")
        text = self.t(doc.lang, key).format(value=f"{value:.0f}", target=goal)
        mark = "" if ok is None else (" ✓" if ok else " △")
        return (f'<span class="pa-badge pa-readability" title="{attr(self.t(doc.lang, "readability_note"))}">'
                f'{esc(text)}{mark}</span>')

    def abbreviations(self, doc: Document) -> list[str]:
        """Hover definitions (Markdown abbr) for the acronyms enrichment found in this brief."""
        return [f"*[{esc(short)}]: {' '.join(long.split())}" for short, long in self.extra(doc).acronyms
                if re.fullmatch(r"[\w&.-]{2,12}", short) and not re.search(r"[\[\]<>]", long)]

    def related(self, doc: Document, limit: int = 3) -> list[Document]:
        """Briefs sharing the most topics and regions with this one (same language)."""
        mine = {t for t, _ in self.extra(doc).topics + self.extra(doc).regions}
        scored = []
        for other in self.in_lang(doc.lang):
            if other.id == doc.id:
                continue
            theirs = {t for t, _ in self.extra(other).topics + self.extra(other).regions}
            union = mine | theirs
            if union and mine & theirs:
                scored.append((-len(mine & theirs) / len(union), other.id, other))
        return [o for _, _, o in sorted(scored, key=lambda t: (t[0], t[1]))[:limit]]

    def cited(self, doc: Document) -> list[BibEntry]:
        entries = [self.project.literature.get(str(k)) for k in doc.meta.get("sources") or []]
        return [e for e in entries if e]

    def sources_block(self, doc: Document, audience: str | None = None) -> str:
        """'Cite this': the formatted reference (pandoc citeproc) and the source in three formats."""
        lang, refs = doc.lang, self.references.get(doc.lang, {})
        lines = [f"## {esc(self.t(lang, 'cite_this'))} {{#source}}", ""]
        lines += [f"- {refs.get(e.key) or citation(e)}" for e in self.cited(doc)]
        # downloads sit beside each page (links are relative to the .md file, which for an audience
        # view lies one folder above its address), so every page links them the same way
        here = f"{audience}/" if audience else ""
        downloads = [f"[BibTeX]({here}{doc.id}.bib)", f"[RIS]({here}{doc.id}.ris)", f"[CSL-JSON]({here}{doc.id}.json)"]
        lines += ["", f"{esc(self.t(lang, 'download_citation'))}: " + " · ".join(downloads)]
        if audience and (doc.path, audience) in self.handouts:
            lines += ["", f"[{esc(self.t(lang, 'download_handout'))}]({here}{doc.id}-{audience}.docx)"]
        return "\n".join(lines)

    def citation_assets(self, doc: Document, *folder: str) -> list[Asset]:
        entries = self.cited(doc)
        base = ("briefs", doc.id, *folder)
        csl = json.dumps([citations.to_csl_json(e) for e in entries], ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        return [Asset(docs_path(doc.lang, *base, f"{doc.id}.bib"), citations.to_bibtex(entries, self.strings).encode("utf-8"), (doc.path,)),
                Asset(docs_path(doc.lang, *base, f"{doc.id}.ris"), "".join(citations.to_ris(e) for e in entries).encode("utf-8"), (doc.path,)),
                Asset(docs_path(doc.lang, *base, f"{doc.id}.json"), csl.encode("utf-8"), (doc.path,))]

    # ---------- brief pages

    def brief_pages(self, bid: str, langs: dict[str, Document]) -> tuple[list[Page], list[Asset]]:
        pages, assets = [], []
        for lang in LANGS:
            doc = langs.get(lang)
            if doc is None:
                other = next(iter(langs.values()))
                pages.append(self.notice_page(bid, lang, other))
                continue
            assets += self.citation_assets(doc)
            pages.append(self.full_page(doc))
            for a in self.listed_audiences(doc):
                pages.append(self.audience_page(doc, a))
                assets += self.citation_assets(doc, a)
                if (doc.path, a) in self.handouts:
                    assets.append(Asset(docs_path(lang, "briefs", doc.id, a, f"{doc.id}-{a}.docx"), self.handouts[(doc.path, a)], (doc.path,)))
        return pages, assets

    def listed_audiences(self, doc: Document) -> list[str]:
        parts = {s.id for s in doc.sections}
        return [a for a in AUDIENCES if a in (doc.meta.get("audiences") or []) and a in parts]

    def head(self, doc: Document, title: str, depth: int, audience: str | None = None) -> list[str]:
        if audience:
            badge = self.readability_badge(doc, readability.measure(section(doc, audience), doc.lang),
                                           self.aud["audiences"][audience])
        else:
            badge = self.readability_badge(doc, self.extra(doc).readability)
        out = [f"# {esc(title)}", "", f'<p class="pa-summary">{esc(doc.meta.get("summary", ""))}</p>', "",
               self.badges(doc) + (" " + badge if badge else ""), ""]
        tags = self.tag_line(doc, depth)
        if tags:
            out += ['<div class="pa-tags" markdown>', "", tags, "", "</div>", ""]
        return out

    def role_links(self, doc: Document, current: str | None, prefix: str) -> list[str]:
        out = []
        for a in self.listed_audiences(doc):
            label = esc(self.aud["audiences"][a]["heading"][doc.lang])
            about = esc(self.aud["audiences"][a]["about"][doc.lang])
            if a == current:
                out.append(f"- **{label}** — {about}")
            else:
                out.append(f"- [{label}]({prefix}{a}.md) — {about}")
        return out

    def full_page(self, doc: Document) -> Page:
        lang = doc.lang
        lines = self.head(doc, doc.meta["title"], 2)
        lines += [f"## {esc(self.t(lang, 'read_for_role'))} {{#roles}}", ""] + self.role_links(doc, None, "") + [""]
        for sid, spec in self.aud["core_sections"].items():
            body = publishable(section(doc, sid))
            if body:
                lines += [f"## {esc(spec[lang])} {{#{sid}}}", "", body, ""]
        lines.append(self.sources_block(doc))
        related = self.related(doc)
        if related:
            lines += ["", f"## {esc(self.t(lang, 'related'))} {{#related}}", ""]
            lines += [f"- [{esc(r.meta.get('title', r.id))}](../{r.id}/index.md)" for r in related]
        lines += [""] + self.abbreviations(doc)
        text = front_matter(doc.meta["title"], doc.meta.get("summary", ""), passerelle={"kind": "brief", "id": doc.id}) + "\n".join(lines) + "\n"
        return Page(docs_path(lang, "briefs", doc.id, "index.md"), text, (doc.path,))

    def audience_page(self, doc: Document, audience: str) -> Page:
        lang = doc.lang
        heading = self.aud["audiences"][audience]["heading"][lang]
        lines = self.head(doc, f"{doc.meta['title']} — {heading}", 3, audience)
        key = publishable(section(doc, "key-messages"))
        if key:
            lines += [f"## {esc(self.aud['core_sections']['key-messages'][lang])} {{#key-messages}}", "", key, ""]
        lines += [f'<div id="{audience}" class="pa-audience-part" markdown>', "",
                  f"## {esc(heading)} {{#part-{audience}}}", "", publishable(section(doc, audience)), "", "</div>", ""]
        lines += [f"## {esc(self.t(lang, 'other_views'))} {{#roles}}", "",
                  f"- [{esc(self.t(lang, 'full_brief'))}](index.md)"] + self.role_links(doc, audience, "") + [""]
        lines.append(self.sources_block(doc, audience))
        lines += [""] + self.abbreviations(doc)
        text = front_matter(f"{doc.meta['title']} — {heading}", doc.meta.get("summary", ""),
                            passerelle={"kind": "brief-audience", "id": doc.id, "audience": audience}) + "\n".join(lines) + "\n"
        return Page(docs_path(lang, "briefs", doc.id, f"{audience}.md"), text, (doc.path,))

    def notice_page(self, bid: str, lang: str, other: Document) -> Page:
        """A brief missing in this language: say so and link to the original, never swap silently."""
        prefix = "../../" if lang == "en" else "../../../"
        target = f"{prefix}{'fr/' if other.lang == 'fr' else ''}briefs/{bid}/"
        lines = [f"# {esc(other.meta.get('title', bid))}", "",
                 f'<div class="admonition warning" markdown>', f'<p class="admonition-title">{esc(self.t(lang, "not_translated_title"))}</p>', "",
                 esc(self.t(lang, "not_translated_text")), "", "</div>", "",
                 f'<a href="{target}" hreflang="{other.lang}" lang="{other.lang}">{esc(self.t(lang, "read_original"))}: {html.escape(str(other.meta.get("title", bid)))}</a>', ""]
        text = front_matter(other.meta.get("title", bid), "", passerelle={"kind": "brief-missing", "id": bid}) + "\n".join(lines)
        return Page(docs_path(lang, "briefs", bid, "index.md"), text, (other.path,))

    # ---------- listings

    def list_item(self, doc: Document, prefix: str, with_key_messages: bool = False) -> list[str]:
        out = [f"- [{esc(doc.meta.get('title', doc.id))}]({prefix}briefs/{doc.id}/index.md) — "
               f"{esc(doc.meta.get('summary', ''))} <small>({published(doc).isoformat()})</small>"]
        if with_key_messages:
            for line in strip_comments(section(doc, "key-messages")).split("\n"):
                if line.strip():
                    out.append("    " + line)
        return out

    def paginated(self, lang: str, folder: tuple[str, ...], title: str, intro: str, docs: list[Document],
                  depth: int, item=None, by_year: bool = False) -> list[Page]:
        """Listing pages of at most LISTING_PAGE_SIZE items: pages stay small as the corpus grows."""
        item = item or (lambda d, p: self.list_item(d, p))
        chunks = [docs[i:i + LISTING_PAGE_SIZE] for i in range(0, len(docs), LISTING_PAGE_SIZE)] or [[]]
        pages = []
        for n, chunk in enumerate(chunks, 1):
            name = "index.md" if n == 1 else f"page-{n}.md"
            prefix = "../" * depth
            lines = [f"# {esc(title)}" + (f" — {self.t(lang, 'page')} {n}" if n > 1 else ""), "", esc(intro), ""]
            year = None
            for doc in chunk:
                if by_year and published(doc).year != year:
                    year = published(doc).year
                    lines += ["", f"## {year} {{#y{year}}}", ""]
                lines += item(doc, prefix)
            if not chunk:
                lines.append(esc(self.t(lang, "no_briefs_yet")))
            nav = []
            if n > 1:
                nav.append(f"[← {esc(self.t(lang, 'previous_page'))}]({'index.md' if n == 2 else f'page-{n - 1}.md'})")
            if n < len(chunks):
                nav.append(f"[{esc(self.t(lang, 'next_page'))} →](page-{n + 1}.md)")
            if nav:
                lines += ["", " · ".join(nav)]
            text = front_matter(title, intro) + "\n".join(lines) + "\n"
            pages.append(Page(docs_path(lang, *folder, name), text, tuple(d.path for d in chunk)))
        return pages

    def home(self, lang: str) -> Page:
        t = lambda k: esc(self.t(lang, k))  # noqa: E731
        lines = [f"# {t('home_title')}", "", t("home_intro"), "", f"## {t('choose_role')}", ""]
        for a, spec in self.aud["audiences"].items():
            lines.append(f"- [{esc(spec['landing'][lang])}](audiences/{a}/index.md) — {esc(spec['about'][lang])}")
        lines += ["", f"## {t('latest_briefs')}", ""]
        for doc in newest_first(self.in_lang(lang))[:HOME_LATEST]:
            lines += self.list_item(doc, "")
        lines += ["", f"[{t('all_briefs')} →](briefs/index.md) · [{t('by_topic')} →](topics/index.md)"]
        text = front_matter(self.t(lang, "home_title"), self.t(lang, "site_tagline")) + "\n".join(lines) + "\n"
        return Page(docs_path(lang, "index.md"), text)

    def audience_pages(self, lang: str) -> list[Page]:
        pages = []
        index = [f"# {esc(self.t(lang, 'by_audience'))}", "", esc(self.t(lang, "audiences_intro")), ""]
        for a, spec in self.aud["audiences"].items():
            index.append(f"- [{esc(spec['landing'][lang])}]({a}/index.md) — {esc(spec['about'][lang])}")
            docs = [d for d in newest_first(self.in_lang(lang)) if a in self.listed_audiences(d)]
            item = lambda d, p, a=a: [f"- [{esc(d.meta.get('title', d.id))}]({p}briefs/{d.id}/{a}.md) "
                                       f"<small>({published(d).isoformat()})</small>"] + [
                "    " + l for l in strip_comments(section(d, "key-messages")).split("\n") if l.strip()]
            pages += self.paginated(lang, ("audiences", a), spec["landing"][lang],
                                    self.t(lang, "audience_landing_intro"), docs, 2, item)
        pages.append(Page(docs_path(lang, "audiences", "index.md"),
                          front_matter(self.t(lang, "by_audience")) + "\n".join(index) + "\n"))
        return pages

    def year_pages(self, lang: str) -> list[Page]:
        return self.paginated(lang, ("briefs",), self.t(lang, "all_briefs"), self.t(lang, "briefs_intro"),
                              newest_first(self.in_lang(lang)), 1, by_year=True)

    def topic_pages(self, lang: str) -> list[Page]:
        by_topic: dict[str, list[Document]] = defaultdict(list)
        labels: dict[str, str] = {}
        for doc in self.in_lang(lang):
            x = self.extra(doc)
            for tid, label in x.topics + x.regions:
                by_topic[tid].append(doc)
                labels[tid] = label
        pages = []
        index = [f"# {esc(self.t(lang, 'by_topic'))}", "", esc(self.t(lang, "topics_intro")), ""]
        for tid in sorted(by_topic, key=lambda k: labels[k].lower()):
            index.append(f"- [{esc(labels[tid])}]({tid}.md) ({len(by_topic[tid])})")
            lines = [f"# {esc(labels[tid])}", ""]
            for doc in newest_first(by_topic[tid]):
                lines += self.list_item(doc, "../")
            pages.append(Page(docs_path(lang, "topics", f"{tid}.md"), front_matter(labels[tid]) + "\n".join(lines) + "\n"))
        if not by_topic:
            index.append(esc(self.t(lang, "no_briefs_yet")))
        pages.append(Page(docs_path(lang, "topics", "index.md"), front_matter(self.t(lang, "by_topic")) + "\n".join(index) + "\n"))
        return pages

    def literature_page(self, lang: str) -> Page:
        cited: dict[str, list[Document]] = defaultdict(list)
        for doc in self.in_lang(lang):
            for key in doc.meta.get("sources") or []:
                entry = self.project.literature.get(str(key))
                if entry:
                    cited[entry.key].append(doc)
        lines = [f"# {esc(self.t(lang, 'literature'))}", "", esc(self.t(lang, "literature_intro")), ""]
        entries = sorted(self.project.literature.entries.values(), key=lambda e: (e.path, e.line))
        for e in entries:
            if e.key not in cited:
                continue
            lines.append(f"- {citation(e)}")
            refs = ", ".join(f"[{esc(d.meta.get('title', d.id))}](briefs/{d.id}/index.md)" for d in cited[e.key])
            lines.append(f"    {esc(self.t(lang, 'cited_by'))}: {refs}")
        files = tuple(sorted({e.path for e in entries}))
        return Page(docs_path(lang, "literature.md"), front_matter(self.t(lang, "literature")) + "\n".join(lines) + "\n", files)

    def glossary_page(self, lang: str) -> Page:
        """Every acronym the briefs use, with its expansion and the briefs that use it."""
        uses: dict[tuple[str, str], list[Document]] = defaultdict(list)
        for doc in self.in_lang(lang):
            for short, long in self.extra(doc).acronyms:
                uses[(short, long)].append(doc)
        lines = [f"# {esc(self.t(lang, 'glossary'))}", "", esc(self.t(lang, "glossary_intro")), ""]
        if uses:
            lines += [f"| {esc(self.t(lang, 'acronym'))} | {esc(self.t(lang, 'meaning'))} | {esc(self.t(lang, 'used_in'))} |",
                      "|---|---|---|"]
            for (short, long), docs in sorted(uses.items(), key=lambda kv: (kv[0][0].lower(), kv[0][1])):
                refs = ", ".join(f"[{esc(d.meta.get('title', d.id))}](briefs/{d.id}/index.md)" for d in newest_first(docs)[:5])
                lines.append(f"| **{esc(short)}** | {esc(long)} | {refs} |")
        else:
            lines.append(esc(self.t(lang, "no_briefs_yet")))
        return Page(docs_path(lang, "glossary.md"), front_matter(self.t(lang, "glossary")) + "\n".join(lines) + "\n")

    def about_page(self, lang: str) -> Page:
        lines = [f"# {esc(self.t(lang, 'about'))}", "", esc(self.t(lang, "about_text")), "",
                 f"## {esc(self.t(lang, 'evidence_scale'))} {{#evidence}}", "", esc(self.t(lang, "evidence_scale_intro")), ""]
        for key, spec in self.aud["evidence_strength"].items():
            lines.append(f"- **{spec['level']}/3** — {esc(spec[lang])}")
        return Page(docs_path(lang, "about.md"), front_matter(self.t(lang, "about")) + "\n".join(lines) + "\n")

    def pilot_pages(self) -> list[Page]:
        pages = []
        for pid, langs in self.pilots.items():
            for lang in LANGS:
                doc = langs.get(lang)
                if doc is None:
                    pages.append(self.notice_page(pid, lang, next(iter(langs.values()))))
                    pages[-1].path = docs_path(lang, "pilots", pid, "index.md")
                    continue
                text = front_matter(doc.meta.get("title", pid), doc.meta.get("summary", ""), passerelle={"kind": "pilot", "id": pid})
                text += f"# {esc(doc.meta.get('title', pid))}\n\n{esc(doc.meta.get('summary', ''))}\n\n{strip_comments(doc.body)}\n"
                pages.append(Page(docs_path(lang, "pilots", pid, "index.md"), text, (doc.path,)))
        return pages

    def render(self) -> tuple[list[Page], list[Asset]]:
        pages: list[Page] = []
        assets: list[Asset] = []
        for bid, langs in self.briefs.items():
            p, a = self.brief_pages(bid, langs)
            pages += p
            assets += a
        pages += self.pilot_pages()
        for lang in LANGS:
            pages.append(self.home(lang))
            pages += self.year_pages(lang)
            pages += self.audience_pages(lang)
            pages += self.topic_pages(lang)
            pages.append(self.literature_page(lang))
            pages.append(self.glossary_page(lang))
            pages.append(self.about_page(lang))
        return pages, assets


def render_site(project: Project, extras: dict[str, Extras] | None = None, references=None,
                handouts=None) -> tuple[list[Page], list[Asset]]:
    return Renderer(project, extras, references, handouts).render()
