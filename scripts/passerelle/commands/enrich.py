"""`passerelle enrich PATH|- --lang en|fr [--format json|text]`: tags, places, organisations, acronyms
and readability of any text. Exit 0 done, 1 input problem, 2 usage error."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from .. import report
from ..records import LANGS, Diagnostic, Enrichment

NAME = "enrich"
HELP = "tags, places, organisations, acronyms and readability of any text"


def configure(parser) -> None:
    parser.add_argument("path", help="a Markdown or text file, or - for standard input")
    parser.add_argument("--lang", choices=["en", "fr"], required=True)
    parser.add_argument("--format", choices=["json", "text"], default="json")


def run(args) -> int:
    return enrich_file(args.path, args.lang, args.format)


def format_text(e: Enrichment) -> str:
    """A short human-readable summary of one enrichment."""
    out = [f"language: {e.lang}"]
    for t in e.tags:
        ev = ", ".join(f"{x.text} ×{x.count}" for x in t.evidence)
        out.append(f"tag {t.facet}:{t.id} ({t.label}) — {ev}")
    out += [f"acronym {a.short}: {a.long}" for a in e.acronyms]
    out += [f"entity {x['label']}: {x['text']} ×{x['count']}" for x in e.entities]
    r = e.readability
    metrics = ", ".join(f"{k} {v}" for k, v in r.get("metrics", {}).items())
    out.append(f"readability: {metrics}; {r.get('words', 0)} words, {r.get('avg_sentence_length')} words/sentence")
    out += [f"hard sentence (line {h['line']}, {h['score']}): {h['text']}" for h in r.get("hardest_sentences", [])]
    out += [f"key sentence: {s}" for s in e.key_sentences]
    return "\n".join(out)


def _error(d: Diagnostic) -> None:
    """In the reader's language (LC_MESSAGES/LANG, else English), like every diagnostic."""
    message, hint = report.render(d, report.ui_lang())
    print(f"{d.path}:{d.line}: {d.severity}: {message} (hint: {hint})", file=sys.stderr)


def _read(path_or_dash: str, shown: str) -> tuple[str | None, int]:
    """The text to enrich, or None and the exit code after saying what is wrong."""
    try:
        raw = sys.stdin.buffer.read() if path_or_dash == "-" else Path(path_or_dash).read_bytes()
    except OSError as exc:
        _error(report.problem(shown, 1, "read", reason=str(exc.strerror or exc)))
        return None, 1
    try:
        return raw.decode("utf-8-sig"), 0
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        _error(report.problem(shown, line, "encoding", byte=exc.start))
        return None, 1


def enrich_file(path_or_dash: str, lang: str, fmt: str = "json") -> int:
    from ..enrich import EnrichError, enrich_texts
    from ..vocabulary import VocabularyError

    shown = "<stdin>" if path_or_dash == "-" else path_or_dash
    if lang not in LANGS:
        _error(report.problem(shown, 1, "usage", value=str(lang)))
        return 2
    if fmt not in ("json", "text"):
        _error(report.problem(shown, 1, "usage/format", value=str(fmt)))
        return 2
    text, code = _read(path_or_dash, shown)
    if text is None:
        return code
    try:
        (result,) = enrich_texts([(text, lang)])
    except (EnrichError, VocabularyError) as exc:
        _error(exc.diagnostic)
        return 1
    print(json.dumps(result.to_json(), ensure_ascii=False, indent=2) if fmt == "json" else format_text(result))
    return 0
