"""Phase one of page generation: collect everything once (documents by kind and language, tags and
labels, formatted references, related documents) so that every generator, including those that need
the whole corpus, reads the same context and stays pure."""
from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from . import settings
from .kinds import BRIEF, KINDS, ContentKind
from .records import LANGS, Acronym, BibEntry, Document, DocumentExtras, Enrichment, Labelled, Literature, Project
from .settings import ContentModel
from .cache import Cache
from .vocabulary import load_vocabulary

RELATED_LIMIT = 3
RELATED_CANDIDATES = 50  # per tag: the newest documents with it are compared, never the whole corpus
EBOOK_VOLUME = 100  # briefs per e-book volume (about 0.5 MB): pandoc held 1.5 GB for a book of 1,000 briefs, and an edit
# remakes its volume (pandoc puts 100 chapters together in about 3 s, 200 in 5.5)


@dataclass(frozen=True)
class SiteContext:
    """What the page generators and exports read: built once per build, never changed."""

    project: Project
    extras: dict[str, DocumentExtras]  # document path -> tags, acronyms, readability
    references: dict[str, dict[str, str]]  # lang -> BibTeX key -> reference formatted by citeproc (pandoc Markdown)
    model: ContentModel = field(default_factory=settings.content_model)
    entry_tags: dict[str, dict[str, tuple[Labelled, ...]]] = field(default_factory=dict)  # BibTeX key -> lang -> tags
    counts: dict[str, int] = field(default_factory=dict, compare=False)  # work done, for complexity tests
    downloads: Mapping[str, int] = field(default_factory=dict)  # an export's file (docs-tree path) -> its size in bytes

    def download_size(self, path: str) -> int | None:
        """The size of a file an export made (pages link to e-books with their size); None when not made."""
        return self.downloads.get(path)

    def tags_of_entry(self, key: str, lang: str) -> tuple[Labelled, ...]:
        """Tags enrichment found in a literature entry (title, abstract, keywords), labelled in ``lang``."""
        return self.entry_tags.get(key, {}).get(lang, ())

    def citing(self, key: str, lang: str) -> list[tuple[ContentKind, Document]]:
        """The briefs and pilots in ``lang`` that cite an entry, by kind then id."""
        return self._citing.get((key, lang), [])

    @cached_property
    def _citing(self) -> dict[tuple[str, str], list[tuple[ContentKind, Document]]]:
        out: dict[tuple[str, str], list[tuple[ContentKind, Document]]] = defaultdict(list)
        for lang in LANGS:
            for kind in KINDS:
                for doc in self.in_lang(lang, kind):
                    for key in dict.fromkeys(e.key for e in self.literature.cited_by(doc)):
                        out[(key, lang)].append((kind, doc))
        return dict(out)

    @property
    def literature(self) -> Literature:
        return self.project.literature

    @cached_property
    def _groups(self) -> dict[str, dict[str, dict[str, Document]]]:
        groups: dict[str, dict[str, dict[str, Document]]] = defaultdict(lambda: defaultdict(dict))
        for doc in self.project.documents:
            if doc.id:
                groups[doc.kind][doc.id].setdefault(doc.lang, doc)
        return {kind: dict(sorted(ids.items())) for kind, ids in groups.items()}

    def documents(self, kind: ContentKind) -> dict[str, dict[str, Document]]:
        """id -> lang -> document, sorted by id."""
        return self._groups.get(kind.name, {})

    def in_lang(self, lang: str, kind: ContentKind = BRIEF) -> list[Document]:
        return [g[lang] for g in self.documents(kind).values() if lang in g]

    def extra(self, doc: Document) -> DocumentExtras:
        return self.extras.get(doc.path) or DocumentExtras()

    def audience_parts(self, doc: Document) -> list[str]:
        return self.model.audience_parts(doc)

    def ebook_volumes(self, lang: str, audience: str = "") -> list[list[Document]]:
        """The briefs of the language's e-book (or of one audience's), in volumes of at most EBOOK_VOLUME by
        publication date, the oldest volume first and each newest first inside: a new brief joins the last
        volume and an edit remakes only its own, as a journal's volumes."""
        key = (lang, audience, EBOOK_VOLUME)
        if key not in self._ebook_volumes:
            docs = sorted((d for d in self.in_lang(lang) if not audience or audience in self.audience_parts(d)),
                          key=lambda d: (d.sort_date, d.id))
            self._ebook_volumes[key] = [newest_first(docs[i:i + EBOOK_VOLUME]) for i in range(0, len(docs), EBOOK_VOLUME)]
        return self._ebook_volumes[key]

    @cached_property
    def _ebook_volumes(self) -> dict[tuple[str, str, int], list[list[Document]]]:
        return {}  # filled by ebook_volumes: every paginated audience page asks for its book's volumes

    def ebook_volumes_holding(self, lang: str, audience: str, docs: Iterable[Document]) -> list[int]:
        """The numbers (from 1) of the volumes of ``ebook_volumes(lang, audience)`` that hold any of ``docs``:
        a page of a listing links the volumes of its own briefs, found without a walk through every volume."""
        key = (lang, audience, EBOOK_VOLUME)
        if key not in self._ebook_volume_of:
            self._ebook_volume_of[key] = {d.path: n for n, volume in enumerate(self.ebook_volumes(lang, audience), 1)
                                          for d in volume}
        number = self._ebook_volume_of[key]
        return sorted({number[d.path] for d in docs if d.path in number})

    @cached_property
    def _ebook_volume_of(self) -> dict[tuple[str, str, int], dict[str, int]]:
        return {}  # filled by ebook_volumes_holding: a document's path -> its volume's number

    def has_handout(self, doc: Document, audience: str) -> bool:
        """A part with text gets a printable handout (the handouts export and the pages agree on this)."""
        return audience in self.model.audiences and audience in doc.audiences and bool(doc.section(audience).strip())

    def related(self, doc: Document, limit: int = RELATED_LIMIT) -> list[Document]:
        """Documents sharing the most topics and regions with this one (same language): the best Jaccard
        overlap among, for each of its tags, the RELATED_CANDIDATES newest other documents with that tag.
        Exact while no tag holds more than that many documents; never comparing all pairs (linear in N)."""
        mine = self._tag_ids(doc)
        seen: dict[str, Document] = {}
        for tag in mine:
            for other in self._by_tag.get((doc.lang, tag), ())[:RELATED_CANDIDATES + 1]:
                seen[other.path] = other
        seen.pop(doc.path, None)
        self.counts["related_pairs"] = self.counts.get("related_pairs", 0) + len(seen)
        scored = []
        for other in seen.values():
            theirs = self._tag_ids(other)
            shared = len(mine & theirs)
            scored.append((-shared / (len(mine) + len(theirs) - shared), other.id, other))
        return [o for _, _, o in heapq.nsmallest(limit, scored, key=lambda t: (t[0], t[1]))]

    def _tag_ids(self, doc: Document) -> frozenset[str]:
        found = self._tag_sets.get(doc.path)
        if found is None:
            found = self._tag_sets[doc.path] = frozenset(t.id for t in self.extra(doc).tags)
        return found

    @cached_property
    def _tag_sets(self) -> dict[str, frozenset[str]]:
        return {}  # filled by _tag_ids: related() compares each document with a few hundred others

    @cached_property
    def _by_tag(self) -> dict[tuple[str, str], list[Document]]:
        """(language, tag id) -> briefs with that tag, newest first."""
        out: dict[tuple[str, str], list[Document]] = defaultdict(list)
        for lang in LANGS:
            for doc in newest_first(self.in_lang(lang)):
                for tag in self._tag_ids(doc):
                    out[(lang, tag)].append(doc)
        return dict(out)


def volume_label(lang: str, number: int, docs: list[Document]) -> str:
    """An e-book volume as readers see it, ``Volume 2: published 2024-03-01 to 2025-01-15`` (its briefs'
    dates); '' for a book in one volume (``number`` 0)."""
    if not number:
        return ""
    dates = sorted(d.sort_date for d in docs)
    return settings.text(lang, "ebook_volume").format(n=number, first=dates[0].isoformat(), last=dates[-1].isoformat())


def newest_first(docs) -> list[Document]:
    return sorted(docs, key=lambda d: (-d.sort_date.toordinal(), d.id))


def document_extras(docs: list[Document], enrichments: Iterable[tuple[str, Enrichment]]) -> dict[str, DocumentExtras]:
    """Tags beside each document's text (in ``docs`` order): hand-given first, then enrichment's, labelled in
    its language. ``enrichments`` are (path, enrichment) pairs in any order, each condensed as it comes: held
    all at once they took 220 MB at 3,000 briefs, and the process kept that memory after freeing them."""
    vocab = load_vocabulary()
    labels = {(c.id, lang): c.labels.get(lang, c.id) for c in vocab.concepts for lang in c.labels}
    by_path = {doc.path: doc for doc in docs}
    condensed = {path: _condensed(by_path[path], e, labels) for path, e in enrichments}
    return {doc.path: condensed.get(doc.path) or _condensed(doc, None, labels) for doc in docs}


def _condensed(doc: Document, e: Enrichment | None, labels: dict[tuple[str, str], str]) -> DocumentExtras:
    topics = {t: labels.get((t, doc.lang), t) for t in doc.topics}
    regions = {r: labels.get((r, doc.lang), r) for r in doc.regions}
    for tag in e.tags if e else []:
        (regions if tag.facet == "region" else topics).setdefault(tag.id, tag.label)
    return DocumentExtras(
        topics=_labelled(topics), regions=_labelled(regions),
        acronyms=tuple(Acronym(s, l) for s, l in sorted({(a.short, a.long) for a in (e.acronyms if e else [])})),
        readability={"metrics": e.readability.get("metrics", {})} if e else {})  # what pages show: the whole
    # report, with each section's hardest sentences, was 25 KB a document, a third of the context


def _labelled(tags: dict[str, str]) -> tuple[Labelled, ...]:
    return tuple(Labelled(i, label) for i, label in sorted(tags.items(), key=lambda kv: kv[1].lower()))


def enrich_entries(root: Path, entries: list[BibEntry]) -> Iterator[tuple[str, Enrichment]]:
    """Every literature entry enriched in its own language (title and keywords weigh as a lead), cached like
    the briefs, so topics, populations and regions come from the entry's own words: (key, enrichment) pairs
    as they come, for ``entry_extras``."""
    from .enrich import enrichments

    found = enrichments(entry_items(entries), cache_dir=Cache.for_project(root, "enrich").folder)
    return ((entries[i].key, e) for i, e in found)


def entry_items(entries: Iterable[BibEntry]) -> list[tuple[str, str, str]]:
    """What spaCy is given for each literature entry (``enrich.entry_item``), in order."""
    from .enrich import entry_item

    return [entry_item(e.fields) for e in entries]


def entry_extras(enrichments: Iterable[tuple[str, Enrichment]]) -> dict[str, dict[str, tuple[Labelled, ...]]]:
    """Each entry's tags with their labels in both languages (an English entry is listed on French pages too),
    condensed from (key, enrichment) pairs as they come."""
    vocab = load_vocabulary()
    labels = {(c.id, lang): c.labels[lang] for c in vocab.concepts for lang in c.labels}
    return {key: {lang: _labelled({t.id: labels.get((t.id, lang), t.label) for t in e.tags}) for lang in LANGS}
            for key, e in enrichments}
