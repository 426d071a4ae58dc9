"""Readability formulas for English and French, computed offline (Pyphen ships its dictionaries).

English: Flesch-Kincaid grade. French: Kandel & Moles (higher is easier); Flesch-Kincaid's English
coefficients are never applied to French. Both: LIX. Formulas are a first check, not a verdict, so
callers turn misses into warnings and show the sentences that pull the score down.

Markdown is reduced to plain prose first (``to_plain``): headings, list markers, links, emphasis,
comments and ``{#id}`` attributes would otherwise count as words or break sentences. Headings and
reference lists are kept in the plain text (enrichment needs their offsets) but are not measured.
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

import pyphen

from . import cache

PYPHEN_LANG = {"en": "en_US", "fr": "fr_FR"}
HARDEST = 3  # sentences reported as pulling a score down

# A heading (or a line on its own in plain text) that opens a list of references.
REFERENCE_HEADING = re.compile(
    r"^(?:appendix\s+\w+\s*[:.\-–]\s*|annexe\s+\w+\s*[:.\-–]\s*)?(?:[\w\-]+\s+){0,3}(?:references|reference\s+list|"
    r"bibliography|works\s+cited|sources|références|bibliographie|ouvrages\s+cités|liste\s+de\s+références)\s*$",
    re.I)
# A paragraph or list item that reads like one bibliography entry: "Smith, J. (2019). ..." or "Org (2019). ...".
CITATION = re.compile(
    r"^\W{0,3}(?:\[\d+\]\s*)?(?:[A-ZÀ-Þ][\w'’\-]+(?:\s[A-ZÀ-Þ][\w'’\-]+)*,\s+(?:[A-ZÀ-Þ]\.|[A-ZÀ-Þ][\w'’\-]+)"
    r".{0,300}?\(?(?:19|20)\d{2}[a-z]?\)?[.,]|[A-ZÀ-Þ][^.]{0,150}?\((?:19|20)\d{2}[a-z]?\)\.)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_ATTRS = re.compile(r"\s*\{[:#.][^}]*\}\s*$|\s*\{#[^}]*\}")
_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+(.*)$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_INLINE = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images -> alt text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # [text](url) -> text
    (re.compile(r"\[([^\]^@][^\]]*)\]\[[^\]]*\]"), r"\1"),  # [text][ref] -> text
    (re.compile(r"\[\^[^\]]*\]|\[-?@[^\]]*\]"), ""),  # footnote refs, [@key] citations
    (re.compile(r"<(?:https?|mailto):[^>]*>"), ""),  # autolinks
    (re.compile(r"</?[A-Za-z][^>]*>"), ""),  # raw HTML tags
    (re.compile(r"\{[:#.][^}]*\}"), ""),  # attr_list
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # strong
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?!\*)"), r"\1"),  # *em*
    (re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)"), r"\1"),  # _em_
    (re.compile(r"`([^`]*)`"), r"\1"),  # code
    (re.compile(r"[ \t]+"), " "),
]
# A line that ends a unit on its own: a tab-separated line (table of contents) or a short line without
# closing punctuation (a title in plain text). Hard-wrapped prose lines are longer than this.
_LINE_UNIT = re.compile(r"\t|^[^\t]{0,49}[^\s.!?:;,]\s*$")
MIN_HARD_WORDS = 4  # shorter units (titles, labels) are not reported as hard sentences
_WORD = re.compile(r"[^\W_](?:[\w'’\-]*[^\W_])?")
_VOWELS = set("aeiouyàâäéèêëîïôöùûüÿæœ")
# Words ending with a full stop that do not end a sentence.
_ABBREV = {"e.g.", "i.e.", "dr.", "mr.", "mrs.", "ms.", "st.", "vs.", "no.", "p.", "pp.", "vol.", "fig.", "al.",
           "ont.", "sask.", "man.", "alta.", "nfld.", "que.", "nvt.", "approx.", "inc.", "ltd.", "co.", "jr.", "sr.",
           "m.", "mme.", "ex.", "cf.", "chap.", "env.", "art.", "dept.", "gov.", "govt."}
_BOUNDARY = re.compile(r"[.!?…]+[\"»”’)\]]*\s+(?=[\"«“(\[]?\s?[A-ZÀ-Þ0-9])")


@dataclass(frozen=True)
class Block:
    """A unit of prose in the plain text: a paragraph, list item or heading, with where it came from."""

    start: int  # offsets in PlainText.text
    end: int
    kind: str  # "heading", "paragraph" or "item"
    section: str  # id of the level-1/2 section it belongs to ("" before the first heading)
    line: int  # line in the source where it starts
    reference: bool  # inside a reference list, or reads like a bibliography entry
    line_starts: tuple[tuple[int, int], ...] = ()  # (offset, source line) of each joined source line


@dataclass
class PlainText:
    text: str
    blocks: list[Block] = field(default_factory=list)
    headings: dict[str, str] = field(default_factory=dict)  # section id -> heading text


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int
    section: str
    line: int


@dataclass(frozen=True)
class TargetMiss:
    """One readability target a text misses, with the sentences to rewrite first."""

    metric: str  # "en_grade", "fr_kandel_moles" or "lix" (the keys of data/audiences.yml)
    value: float
    target: float
    sentences: tuple[Sentence, ...]


def _inline(text: str) -> str:
    for pattern, repl in _INLINE:
        text = pattern.sub(repl, text)
    return html.unescape(text).strip()


def _slug(text: str) -> str:
    return re.sub(r"[^\w]+", "-", text.lower()).strip("-")


def _body_lines(markdown: str) -> tuple[list[str], int]:
    """The lines of a text with comments blanked (line numbers kept), and where the prose starts:
    after the front matter, which is metadata."""
    markdown = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), markdown.replace("\r\n", "\n"))
    lines = markdown.split("\n")
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() in ("---", "..."):
                return lines, i + 1
    return lines, 0


class _PlainBuilder:
    """Gathers source lines into prose blocks, tracking the section and whether it is a reference list."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.pos = 0
        self.blocks: list[Block] = []
        self.headings: dict[str, str] = {}
        self.section, self.in_refs, self.ref_level = "", False, 0
        self.pending: list[tuple[str, int]] = []  # (line text, source line) of the block being gathered
        self.kind = "paragraph"

    def add(self, text: str, src: int, kind: str | None = None) -> None:
        if kind:
            self.kind = kind
        self.pending.append((text, src))

    def flush(self, next_kind: str | None = None) -> None:
        parts, starts = self._cleaned()
        if parts:
            self._append(" ".join(parts), starts)
        if next_kind:
            self.kind = next_kind

    def _cleaned(self) -> tuple[list[str], list[tuple[int, int]]]:
        parts, starts, offset = [], [], 0
        for text, src in self.pending:
            cleaned = _inline(text)
            if cleaned:
                starts.append((self.pos + offset, src))
                parts.append(cleaned)
                offset += len(cleaned) + 1
        self.pending = []
        return parts, starts

    def _append(self, joined: str, starts: list[tuple[int, int]]) -> None:
        if self.kind == "paragraph" and len(starts) == 1 and REFERENCE_HEADING.match(joined.rstrip(":")):
            self.in_refs = True  # a plain-text "References" line: the rest of this section is a reference list
        reference = self.in_refs or bool(CITATION.match(joined))
        if self.out:
            self.out.append("\n\n")
            self.pos += 2
            starts = [(o + 2, s) for o, s in starts]
        self.blocks.append(Block(self.pos, self.pos + len(joined), self.kind, self.section, starts[0][1], reference,
                                 tuple(starts)))
        self.out.append(joined)
        self.pos += len(joined)

    def heading(self, match: re.Match, src: int) -> None:
        self.flush()
        level = len(match.group(1))
        title = _inline(_ATTRS.sub("", match.group(2)).rstrip("#").strip())
        if level <= 2:
            explicit = re.search(r"\{#([^}\s]+)", match.group(2))
            self.section = explicit.group(1) if explicit else _slug(title)
            self.headings.setdefault(self.section, title)
        if self.in_refs and level <= self.ref_level:
            self.in_refs = False
        if REFERENCE_HEADING.match(title):
            self.in_refs, self.ref_level = True, level
        self.add(title, src, "heading")
        self.flush("paragraph")

    def table_row(self, line: str, src: int) -> None:
        self.flush()
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if all(re.fullmatch(r":?-{2,}:?", c) or not c for c in cells):
            return
        for cell in cells:
            self.add(cell, src, "item")
            self.flush()
        self.kind = "paragraph"

    def text_line(self, line: str, src: int) -> None:
        text = re.sub(r"^\s*(?:>\s?)+", "", line)  # blockquote markers
        text = re.sub(r"^\s*!!!\s*\w+\s*", "", text)  # admonition markers, keep the title
        if self.pending and _LINE_UNIT.search(self.pending[-1][0]) and text.lstrip()[:1].isupper():
            self.flush()  # plain-text titles and table-of-contents lines are units, not one long sentence
        self.add(text, src)

    def line(self, line: str, src: int) -> None:
        heading = _HEADING.match(line)
        item = _ITEM.match(line)
        if heading:
            self.heading(heading, src)
        elif not line.strip():
            self.flush("paragraph")
        elif item:
            self.flush("item")
            self.add(item.group(1), src)
        elif line.lstrip().startswith("|"):
            self.table_row(line, src)
        else:
            self.text_line(line, src)


def to_plain(markdown: str) -> PlainText:
    """Reduce Markdown (or plain text) to prose blocks separated by blank lines, keeping source lines."""
    lines, first = _body_lines(markdown)
    builder = _PlainBuilder()
    in_fence = False
    for i in range(first, len(lines)):
        if _FENCE.match(lines[i]):
            builder.flush()
            in_fence = not in_fence
        elif not in_fence:
            builder.line(lines[i], i + 1)
    builder.flush()
    return PlainText("".join(builder.out), builder.blocks, builder.headings)


def split_sentences(plain: PlainText, *, include_headings: bool = False,
                    include_references: bool = False) -> list[Sentence]:
    """Sentences of the prose blocks; a list item or heading without a full stop is one sentence."""
    found: list[Sentence] = []
    for block in plain.blocks:
        if (block.kind == "heading" and not include_headings) or (block.reference and not include_references):
            continue
        text = plain.text[block.start:block.end]
        cuts, last = [], 0
        for m in _BOUNDARY.finditer(text):
            before = text[last:m.start() + len(m.group(0).rstrip())].split()
            token = before[-1].lower().rstrip("\"»”’)]") if before else ""
            if token in _ABBREV or re.fullmatch(r"(?:[a-zà-þ]\.-?){1,4}", token):
                continue  # "e.g.", "B.C.", "J." do not end a sentence
            cuts.append(m.end())
            last = m.end()
        bounds = [0, *cuts, len(text)]
        for a, b in zip(bounds, bounds[1:]):
            s = text[a:b].strip()
            if not s:
                continue
            start = block.start + a + (len(text[a:b]) - len(text[a:b].lstrip()))
            line = max((src for off, src in block.line_starts if off <= start), default=block.line)
            found.append(Sentence(s, start, start + len(s), block.section, line))
    return found


@lru_cache(maxsize=200_000)
def syllables(word: str, lang: str) -> int:
    """Syllables of one word from Pyphen's hyphenation points; pieces without a vowel do not count."""
    dic = _dictionary(lang)
    total = 0
    for part in re.split(r"['’\-]", word.lower()):
        if not part:
            continue
        if not any(ch.isalpha() for ch in part):
            total += 1  # numbers: one unit, as most readability tools count them
            continue
        total += sum(1 for piece in dic.inserted(part).split("-") if _VOWELS & set(piece))
    return max(total, 1)


@lru_cache(maxsize=4)
def _dictionary(lang: str) -> pyphen.Pyphen:
    if lang not in PYPHEN_LANG:
        raise ValueError(f"no readability support for language {lang!r}; use one of {sorted(PYPHEN_LANG)}")
    return pyphen.Pyphen(lang=PYPHEN_LANG[lang], left=1, right=1)


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def fk_grade(n_words: int, n_sentences: int, n_syllables: int) -> float:
    """Flesch-Kincaid grade (English only)."""
    return 0.39 * n_words / n_sentences + 11.8 * n_syllables / n_words - 15.59


def kandel_moles(n_words: int, n_sentences: int, n_syllables: int) -> float:
    """Kandel & Moles reading ease (French adaptation of Flesch; higher is easier)."""
    return 207 - 1.015 * n_words / n_sentences - 73.6 * n_syllables / n_words


def lix(n_words: int, n_sentences: int, n_long_words: int) -> float:
    """LIX: sentence length plus the share of words longer than six letters (both languages)."""
    return n_words / n_sentences + 100 * n_long_words / n_words


def _counts(sentences: list[str], lang: str) -> tuple[int, int, int, int]:
    ws = [w for s in sentences for w in words(s)]
    n_syl = sum(syllables(w, lang) for w in ws)
    n_long = sum(1 for w in ws if sum(ch.isalpha() for ch in w) > 6)
    return len(ws), len(sentences), n_syl, n_long


def _main_metric(lang: str) -> str:
    return "fk_grade" if lang == "en" else "kandel_moles"


def _score(sentences: list[str], lang: str) -> dict:
    n_words, n_sent, n_syl, n_long = _counts(sentences, lang)
    main = _main_metric(lang)
    if not n_words:
        return {"metrics": {main: None, "lix": None}, "words": 0, "sentences": n_sent,
                "avg_sentence_length": None, "syllables_per_word": None}
    formula = fk_grade if lang == "en" else kandel_moles
    return {"metrics": {main: round(formula(n_words, n_sent, n_syl), 2), "lix": round(lix(n_words, n_sent, n_long), 2)},
            "words": n_words, "sentences": n_sent, "avg_sentence_length": round(n_words / n_sent, 2),
            "syllables_per_word": round(n_syl / n_words, 3)}


def hardest(sentences: list[Sentence], lang: str, n: int = HARDEST) -> list[dict]:
    """The sentences that pull the score down most (highest grade in English, lowest ease in French)."""
    scored = []
    for order, s in enumerate(sentences):
        n_words, _, n_syl, _ = _counts([s.text], lang)
        if not n_words:
            continue
        if lang == "en":
            score = fk_grade(n_words, 1, n_syl)
            key = -score
        else:
            score = kandel_moles(n_words, 1, n_syl)
            key = score
        scored.append((key, order, {"text": s.text, "line": s.line, "section": s.section, "words": n_words,
                                    "score": round(score, 2)}))
    long_enough = [t for t in scored if t[2]["words"] >= MIN_HARD_WORDS]
    scored = sorted(long_enough or scored, key=lambda t: (t[0], t[1]))
    return [d for _, _, d in scored[:n]]


MEASURE_VERSION = "1"  # bump when measure() gives other figures for the same text
_measured = cache.Cache(None, ".json")  # where measures of texts persist (see ``remember_measures``)
# The last measures made or read in this process: check and a document's pages measure the same parts.
# Bounded: every part's measure, kept to the end of the build, was 32 MB at 3,000 briefs.
_recent: dict[str, bytes] = {}
RECENT_MEASURES = 512


def remember_measures(store: cache.Cache) -> None:
    """Keep measures of texts in ``store`` (the build sets its project's cache): a text measured once, in
    ``check`` or in an earlier build, is never measured again."""
    global _measured
    _measured = store


def measure(markdown: str, lang: str, *, plain: PlainText | None = None) -> dict:
    """Readability of a text and of each of its sections: metrics, sentence length, hardest sentences.
    Measures of a Markdown text are content-addressed (``remember_measures``); each call gets its own copy."""
    if lang not in PYPHEN_LANG:
        raise ValueError(f"no readability support for language {lang!r}; use one of {sorted(PYPHEN_LANG)}")
    if plain is not None:
        return _measure(plain, lang)
    address = cache.key("readability", MEASURE_VERSION, lang, markdown)
    data = _recent.get(address) or _measured.get_or_make(
        address, lambda: json.dumps(_measure(to_plain(markdown), lang), ensure_ascii=False).encode("utf-8"))
    _recent[address] = data
    if len(_recent) > RECENT_MEASURES:
        del _recent[next(iter(_recent))]  # the oldest
    return json.loads(data)


def _measure(plain: PlainText, lang: str) -> dict:
    sents = split_sentences(plain)
    report = {"lang": lang, **_score([s.text for s in sents], lang), "hardest_sentences": hardest(sents, lang)}
    sections = []
    for sid in dict.fromkeys(s.section for s in sents):
        mine = [s for s in sents if s.section == sid]
        sections.append({"id": sid, "heading": plain.headings.get(sid, ""), **_score([s.text for s in mine], lang),
                         "hardest_sentences": hardest(mine, lang)})
    report["sections"] = sections
    return report


def check_targets(report: dict, lang: str, targets: dict) -> list[TargetMiss]:
    """Metrics of a ``measure`` report (whole text or one section) that miss an audience's targets.

    ``targets`` uses the keys of data/audiences.yml: en_grade (at most), fr_kandel_moles (at least),
    lix (at most). Each miss carries the hardest sentences so the warning says what to rewrite.
    """
    metrics = report.get("metrics", {})
    checks = [("lix", metrics.get("lix"), targets.get("lix"), "max")]
    if lang == "en":
        checks.insert(0, ("en_grade", metrics.get("fk_grade"), targets.get("en_grade"), "max"))
    elif lang == "fr":
        checks.insert(0, ("fr_kandel_moles", metrics.get("kandel_moles"), targets.get("fr_kandel_moles"), "min"))
    hard = tuple(Sentence(h["text"], 0, 0, h.get("section", ""), h.get("line", 1))
                 for h in report.get("hardest_sentences", []))
    misses = []
    for name, value, target, kind in checks:
        if value is None or target is None:
            continue
        if (kind == "max" and value > target) or (kind == "min" and value < target):
            misses.append(TargetMiss(name, value, float(target), hard))
    return misses


def check_text(markdown: str, lang: str, targets: dict) -> list[TargetMiss]:
    """Measure a text and check it against an audience's targets in one call."""
    return check_targets(measure(markdown, lang), lang, targets)
