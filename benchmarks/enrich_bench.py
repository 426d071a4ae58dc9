"""Enrichment benchmark: is enrichment close to spaCy's own speed, and does the cache re-enrich only edits?

Builds N bilingual briefs of about 600 words (English paragraphs sampled from seed 000, French from
benchmarks/enrich_fr.txt), then in one run measures:
  1. baseline: raw ``nlp.pipe`` throughput (words/s) of the same pipelines on the same texts;
  2. cold: ``enrich_texts`` with an empty cache (goal: >= 0.8 x baseline);
  3. warm: one brief edited, ``enrich_texts`` again on the same cache (goal: exactly 1 re-enriched).

Baseline and cold runs alternate chunk by chunk so that changes in machine speed hit both alike.
Run from the repository root: ``python benchmarks/enrich_bench.py --n 1000 [--json [PATH]]``.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from passerelle import enrich  # noqa: E402

SEED = ROOT.parent / "shared" / "seeds" / "000_37bf8fe306eb0732.txt"
FRENCH = Path(__file__).with_name("enrich_fr.txt")
WORDS_PER_BRIEF = 600
HEADINGS = {"en": ["What you need to know", "What is this research about?", "What did they find?", "For managers"],
            "fr": ["Ce qu'il faut retenir", "De quoi parle cette recherche?", "Qu'ont-ils trouvé?",
                   "Pour les gestionnaires"]}


def _english_paragraphs() -> list[str]:
    """Prose paragraphs of the seed report (not titles or table-of-contents lines)."""
    paras = [" ".join(p.split()) for p in SEED.read_text(encoding="utf-8").split("\n\n")]
    return [p for p in paras if len(p.split()) >= 25 and p.endswith(".")]


def _french_paragraphs(rng: random.Random, sentences: list[str]) -> list[str]:
    return [" ".join(rng.sample(sentences, rng.randint(3, 6))) for _ in range(40)]


def make_corpus(n: int, seed: int = 1) -> list[tuple[str, str]]:
    """N English and N French Markdown briefs of about WORDS_PER_BRIEF words, reproducible from ``seed``."""
    rng = random.Random(seed)
    en = _english_paragraphs()
    fr_sentences = [s for s in FRENCH.read_text(encoding="utf-8").splitlines() if s and not s.startswith("#")]
    items = []
    for i in range(n):
        for lang in ("en", "fr"):
            pool = en if lang == "en" else _french_paragraphs(rng, fr_sentences)
            parts, words, h = [f"# Brief {i} ({lang})"], 0, 0
            while words < WORDS_PER_BRIEF:
                if words >= h * WORDS_PER_BRIEF // len(HEADINGS[lang]) and h < len(HEADINGS[lang]):
                    parts.append(f"## {HEADINGS[lang][h]} {{#s{h}}}")
                    h += 1
                para = rng.choice(pool)
                parts.append(f"- {para}" if rng.random() < 0.2 else para)
                words += len(para.split())
            items.append(("\n\n".join(parts) + "\n", lang))
    return items


def _baseline(items: list[tuple[str, str]], models: dict[str, str], procs: int) -> float:
    """Seconds for plain nlp.pipe over every text, per language, with enrichment's own pipelines."""
    total = 0.0
    for lang in ("en", "fr"):
        texts = [t for t, lg in items if lg == lang]
        nlp = enrich.load_model(models[lang])
        start = time.perf_counter()
        for _ in nlp.pipe(texts, n_process=procs, batch_size=32 if procs > 1 else 64):
            pass
        total += time.perf_counter() - start
    return total


def _enrich(items: list[tuple[str, str]], models: dict[str, str], procs: int | None, cache: str) -> float:
    start = time.perf_counter()
    enrich.enrich_texts(items, models=models, n_process=procs, cache_dir=cache)
    return time.perf_counter() - start


def run(n: int, n_process: int | None = None, chunk: int = 250) -> dict:
    """Baseline, cold and warm runs on 2N briefs; returns the figures as a dict (see module docstring).

    Baseline and cold enrichment alternate over chunks of ``chunk`` briefs (A-B, then B-A), so drift
    in machine speed during the run (other load, warm-up) weighs on both sides alike.
    """
    models = dict(enrich.DEFAULT_MODELS)
    items = make_corpus(n)
    words = sum(len(t.split()) for t, _ in items)
    per_lang = max(sum(1 for _, lg in items if lg == lang) for lang in ("en", "fr"))
    procs = n_process if n_process is not None else (
        min(2, os.cpu_count() or 1) if per_lang > enrich.PARALLEL_MIN_DOCS else 1)
    for lang in ("en", "fr"):  # load and warm up outside the timings: the first batch pays one-off costs
        for _ in enrich.load_model(models[lang]).pipe([t for t, lg in items if lg == lang][:20]):
            pass
    base_s = cold_s = 0.0
    enriched = 0
    with tempfile.TemporaryDirectory() as cache:
        for k, at in enumerate(range(0, len(items), 2 * chunk)):
            part = items[at:at + 2 * chunk]
            if k % 2 == 0:
                base_s += _baseline(part, models, procs)
                cold_s += _enrich(part, models, procs, cache)
            else:
                cold_s += _enrich(part, models, procs, cache)
                base_s += _baseline(part, models, procs)
            enriched += enrich.last_run_stats["enriched"]
        edited = list(items)
        text, lang = edited[0]
        edited[0] = (text + "\nOne more sentence about language classes in Manitoba.\n", lang)
        warm_s = _enrich(edited, models, n_process, cache)
        warm_stats = dict(enrich.last_run_stats)
    base_wps, cold_wps = words / base_s, words / cold_s
    return {
        "enrich": {"docs": len(items), "words": words, "n_process": procs,
                   "baseline_seconds": round(base_s, 2), "baseline_words_per_s": round(base_wps),
                   "cold_seconds": round(cold_s, 2), "cold_words_per_s": round(cold_wps),
                   "cold_enriched_docs": enriched, "ratio": round(cold_wps / base_wps, 3)},
        "incremental": {"reenriched_docs": warm_stats["enriched"], "cached_docs": warm_stats["cached"],
                        "warm_seconds": round(warm_s, 2), "warm_to_cold": round(warm_s / cold_s, 4)},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100, help="bilingual briefs (2N documents); default 100")
    ap.add_argument("--n-process", type=int, default=None, help="worker processes (default: 2 above 200 docs)")
    ap.add_argument("--json", nargs="?", const="-", default=None, metavar="PATH",
                    help="print the figures as JSON, or write them to PATH")
    args = ap.parse_args(argv)
    result = run(args.n, args.n_process)
    e, inc = result["enrich"], result["incremental"]
    ok = e["ratio"] >= 0.8 and inc["reenriched_docs"] == 1
    if args.json == "-":
        print(json.dumps(result, indent=2))
    else:
        if args.json:
            Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"{e['docs']} documents, {e['words']} words, {e['n_process']} process(es)")
        print(f"baseline nlp.pipe: {e['baseline_words_per_s']} words/s ({e['baseline_seconds']} s)")
        print(f"cold enrichment:   {e['cold_words_per_s']} words/s ({e['cold_seconds']} s)")
        print(f"enrichment ratio:  {e['ratio']} (goal >= 0.8)")
        print(f"warm after one edit: {inc['reenriched_docs']} re-enriched, {inc['cached_docs']} from cache, "
              f"{inc['warm_seconds']} s = {inc['warm_to_cold']} x cold (goal: exactly 1 re-enriched)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
