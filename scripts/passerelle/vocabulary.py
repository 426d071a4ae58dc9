"""Load and check the editable sector vocabulary (``data/vocabulary.yml``).

Editors change that file, not code, so every mistake in it is reported as a Diagnostic with the
line to fix rather than a traceback deep inside the matcher.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import report, settings
from .records import LANGS, Diagnostic

DEFAULT_PATH = Path(__file__).parent / "data" / "vocabulary.yml"

# Facets and ids other stages (site pages, filters) rely on: removing one is an error, not a choice.
REQUIRED: dict[str, tuple[str, ...]] = {
    "service": ("needs-assessment-referrals", "information-orientation", "language-training", "employment",
                "community-connections", "support-services", "indirect-services"),
    "principle": ("client-centred", "outcomes-driven", "responsive-to-need", "effective-use-of-resources"),
    "theme": ("hybrid-service-delivery", "digital-inclusion", "data-and-evaluation", "knowledge-mobilization",
              "collaboration", "professional-development", "funding-and-capacity", "privacy-and-security",
              "client-feedback", "mental-health"),
    "population": ("refugees", "women", "youth", "seniors", "francophone-minority", "rural-small-centres"),
    "region": ("national", "CA-BC", "CA-AB", "CA-SK", "CA-MB", "CA-ON", "CA-QC", "CA-NB", "CA-NS", "CA-PE",
               "CA-NL", "CA-YT", "CA-NT", "CA-NU"),
}


@dataclass(frozen=True)
class Threshold:
    """Evidence a concept needs, scaled to the length of the text: ``short`` for a text of up to
    ``short_words`` words (one clear mention tags a sentence or a query), ``long`` from ``long_words``
    words on (a passing mention in a long brief does not tag), linear in between."""

    short: float = 1
    long: float = 3
    short_words: int = 150
    long_words: int = 1200

    def needed(self, words: int) -> float:
        if words <= self.short_words or self.long_words <= self.short_words:
            return self.short
        if words >= self.long_words:
            return self.long
        share = (words - self.short_words) / (self.long_words - self.short_words)
        return self.short + share * (self.long - self.short)


@dataclass(frozen=True)
class Concept:
    facet: str
    id: str
    labels: dict[str, str]  # lang -> label
    terms: dict[str, tuple[str, ...]]  # lang -> terms
    # Per-concept exceptions for ambiguous words: a term found inside one of these phrases does not count
    # ("workshop" in "staff workshop" is not an orientation session for newcomers).
    not_in: dict[str, tuple[str, ...]] = field(default_factory=dict)
    weak: dict[str, tuple[str, ...]] = field(default_factory=dict)  # terms worth half a mention (vague words)
    threshold: Threshold | None = None  # overrides the facet's threshold


@dataclass(frozen=True)
class Organisation:
    key: str
    short: dict[str, str]  # lang -> acronym
    long: dict[str, str]  # lang -> full name


@dataclass(frozen=True)
class Vocabulary:
    version: int
    digest: str  # sha256 of the file: a cache key that survives a forgotten version bump
    thresholds: dict[str, Threshold]  # facet -> evidence needed ("default" for the rest)
    concepts: tuple[Concept, ...]
    organisations: tuple[Organisation, ...]
    weights: dict[str, float] = field(default_factory=dict)  # "lead" (title, summary), "key_messages"
    not_organisations: dict[str, tuple[str, ...]] = field(default_factory=dict)  # lang -> NER names to drop

    def threshold(self, facet: str) -> Threshold:
        return self.thresholds.get(facet) or self.thresholds.get("default") or Threshold()

    def needed(self, concept: Concept, words: int) -> float:
        """Weighted mentions the concept needs in a text of ``words`` words."""
        return (concept.threshold or self.threshold(concept.facet)).needed(words)

    def weight(self, place: str) -> float:
        return float(self.weights.get(place, 1))


class VocabularyError(Exception):
    """Raised with a Diagnostic that names the line of the vocabulary file to fix."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def _line_of(text: str, key: str) -> int:
    """Line of the first ``key:`` in the file: good enough to point an editor at the entry."""
    m = re.search(rf"^\s*['\"]?{re.escape(key)}['\"]?\s*:", text, re.M)
    return text.count("\n", 0, m.start()) + 1 if m else 1


class _Checker:
    """Raises a VocabularyError naming the line of the file to fix."""

    def __init__(self, shown: str, text: str = ""):
        self.shown, self.text = shown, text

    def fail(self, variant: str, key: str | None = None, line: int | None = None, **args) -> None:
        """Stop with the catalogue's ``vocabulary/<variant>`` message (data/messages.yml, both languages)."""
        where = line or (_line_of(self.text, key) if key else 1)
        raise VocabularyError(report.problem(self.shown, where, f"vocabulary/{variant}", **args))


def _read(path: Path, check: _Checker) -> tuple[bytes, dict]:
    """The file's bytes and its YAML mapping."""
    try:
        raw = path.read_bytes()
        check.text = raw.decode("utf-8")
    except OSError as exc:
        check.fail("read", reason=str(exc.strerror or exc))
    except UnicodeDecodeError:
        check.fail("utf8")
    try:
        data = settings.read_yaml(check.text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        check.fail("yaml", line=mark.line + 1 if mark else 1, problem=str(getattr(exc, "problem", exc)))
    if not isinstance(data, dict):
        check.fail("mapping")
    return raw, data


def _threshold(value, check: _Checker, where: str) -> Threshold:
    """A whole number (the same count at every length) or ``{short, long, short_words, long_words}``."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return Threshold(value, value)
    fields = ("short", "long", "short_words", "long_words")
    if isinstance(value, dict) and set(value) <= set(fields) and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 for v in value.values()):
        return Threshold(**value)
    check.fail("threshold", key=where, where=where)
    raise AssertionError  # fail() raised


def _thresholds(data: dict, check: _Checker) -> dict[str, Threshold]:
    thresholds = data.get("threshold", {"default": 1})
    if not isinstance(thresholds, dict):
        thresholds = {"default": thresholds}
    return {str(facet): _threshold(v, check, "threshold") for facet, v in thresholds.items()}


def _weights(data: dict, check: _Checker) -> dict[str, float]:
    weights = data.get("weights") or {}
    if not isinstance(weights, dict) or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0
                                                for v in weights.values()):
        check.fail("weights", key="weights")
    return {str(k): float(v) for k, v in weights.items()}


def _per_lang(entry: dict, name: str, cid: str, check: _Checker) -> dict[str, tuple[str, ...]]:
    """An optional ``{en: [...], fr: [...]}`` list of phrases of a concept."""
    value = entry.get(name) or {}
    if not isinstance(value, dict) or any(not isinstance(value.get(lang, []), list) or not all(
            isinstance(t, str) and t.strip() for t in value.get(lang, [])) for lang in LANGS):
        owner = f"`{cid}`: " if cid != name else ""
        check.fail("phrases", key=cid, owner=owner, name=name)
    return {lang: tuple(t.strip() for t in value.get(lang, [])) for lang in LANGS}


def _concept(facet: str, cid: str, entry, check: _Checker) -> Concept:
    if not isinstance(entry, dict):
        check.fail("concept", key=cid, concept=cid)
    labels, terms = entry.get("labels"), entry.get("terms")
    if not isinstance(labels, dict) or any(not isinstance(labels.get(lang), str) or not labels[lang].strip()
                                           for lang in LANGS):
        check.fail("labels", key=cid, concept=cid)
    if not isinstance(terms, dict) or any(not isinstance(terms.get(lang), list) for lang in LANGS):
        check.fail("terms", key=cid, concept=cid)
    for lang in LANGS:
        bad = [t for t in terms[lang] if not isinstance(t, str) or not t.strip()]
        if bad:
            check.fail("term", key=cid, concept=cid, lang=lang, term=repr(bad[0]))
    threshold = _threshold(entry["threshold"], check, cid) if "threshold" in entry else None
    return Concept(facet, cid, {k: labels[k] for k in LANGS}, {k: tuple(t.strip() for t in terms[k]) for k in LANGS},
                   _per_lang(entry, "not_in", cid, check), _per_lang(entry, "weak", cid, check), threshold)


def _concepts(data: dict, check: _Checker) -> tuple[Concept, ...]:
    facets = data.get("facets")
    if not isinstance(facets, dict):
        check.fail("facets", key="facets")
    concepts: list[Concept] = []
    for facet, entries in facets.items():
        if not isinstance(entries, dict):
            check.fail("facet", key=str(facet), facet=str(facet))
        concepts += [_concept(str(facet), str(cid), entry, check) for cid, entry in entries.items()]
    have = {(c.facet, c.id) for c in concepts}
    for facet, ids in REQUIRED.items():
        for cid in ids:
            if (facet, cid) not in have:
                check.fail("required", key=facet, facet=facet, concept=cid)
    return tuple(concepts)


def _organisations(data: dict, check: _Checker) -> tuple[Organisation, ...]:
    orgs: list[Organisation] = []
    for key, entry in (data.get("organisations") or {}).items():
        key = str(key)
        ok = isinstance(entry, dict) and all(isinstance(entry.get(f), dict) and all(
            isinstance(entry[f].get(lang), str) and entry[f][lang].strip() for lang in LANGS) for f in ("short", "long"))
        if not ok:
            check.fail("organisation", key=key, organisation=key)
        orgs.append(Organisation(key, {k: entry["short"][k].strip() for k in LANGS},
                                 {k: entry["long"][k].strip() for k in LANGS}))
    return tuple(orgs)


_loaded: dict[tuple[str, str], Vocabulary] = {}  # (path, sha256 of its bytes) -> the vocabulary read from them


def load_vocabulary(path: Path | str | None = None) -> Vocabulary:
    """Parse and check the vocabulary; raise VocabularyError with a fixable Diagnostic on any problem. Read
    once per content: every stage asks for it."""
    path = Path(path) if path else DEFAULT_PATH
    try:
        key = (path.as_posix(), hashlib.sha256(path.read_bytes()).hexdigest())
    except OSError:
        return _parse(path)  # says what is wrong with the file
    if key not in _loaded:
        _loaded[key] = _parse(path)
    return _loaded[key]


def _parse(path: Path) -> Vocabulary:
    check = _Checker(path.as_posix())
    raw, data = _read(path, check)
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        check.fail("version", key="version")
    thresholds = _thresholds(data, check)
    concepts = _concepts(data, check)
    stop = _per_lang({"not_organisations": data.get("not_organisations")}, "not_organisations", "not_organisations",
                     check)
    return Vocabulary(version, hashlib.sha256(raw).hexdigest(), thresholds, concepts, _organisations(data, check),
                      _weights(data, check), stop)
