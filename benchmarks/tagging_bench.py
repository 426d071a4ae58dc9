"""Tagging benchmark: precision, recall and F1 of the tagger on the labelled set tests/tagging/eval.yml.

Each item has `must` labels (the tagger has to find them) and `allowed` labels (not wrong if found).
Precision = predicted labels that are must or allowed / predicted labels; recall = must labels found /
must labels. Reported overall, per facet, per language and per facet-language cell, for the train split
(the one tuning may look at) and the fixed test split (tuning never looks at it; see the README there).
Run: ``passerelle bench --only tagging [--split train|test|both] [--errors] [--json [PATH]]``.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import yaml  # noqa: E402

from passerelle import enrich  # noqa: E402

EVAL = ROOT / "tests" / "tagging" / "eval.yml"
FACETS = ("service", "principle", "theme", "population", "region")
LANGS = ("en", "fr")
GOALS = {"precision": 0.85, "recall": 0.80, "cell_recall": 0.70}
_HEADING = re.compile(r"^##\s+.*\{#([\w-]+)\}\s*$", re.M)


def load_items(path: Path = EVAL) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["items"]


def section_text(source: str, root: Path = ROOT) -> str:
    """The Markdown of a bundled brief's section, from ``path#section-id``."""
    rel, sid = source.split("#", 1)
    body = (root / rel).read_text(encoding="utf-8")
    marks = list(_HEADING.finditer(body))
    for i, m in enumerate(marks):
        if m.group(1) == sid:
            end = marks[i + 1].start() if i + 1 < len(marks) else len(body)
            return body[m.end():end].strip()
    raise KeyError(f"no section {sid!r} in {rel}")


def item_text(item: dict) -> str:
    return item["text"] if "text" in item else section_text(item["source"])


def labels(item: dict, which: str) -> set[tuple[str, str]]:
    return {(facet, cid) for facet, ids in (item.get(which) or {}).items() for cid in ids}


def predict(items: list[dict], vocabulary_path: Path | str | None = None) -> list[set[tuple[str, str]]]:
    """The tagger's labels for each item, through the public batch entry point (no cache)."""
    results = enrich.enrich_texts([(item_text(i), i["lang"]) for i in items], vocabulary_path=vocabulary_path)
    return [{(t.facet, t.id) for t in r.tags} for r in results]


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 3) if b else None


def _cell(counts: dict) -> dict:
    p, r = _ratio(counts["good"], counts["pred"]), _ratio(counts["found"], counts["must"])
    f1 = round(2 * p * r / (p + r), 3) if p is not None and r is not None and p + r else None
    return {"precision": p, "recall": r, "f1": f1, **counts}


def score(items: list[dict], predicted: list[set]) -> dict:
    """Counts and ratios overall, by facet, by language and by facet/language."""
    counts: dict[str, dict] = defaultdict(lambda: {"pred": 0, "good": 0, "must": 0, "found": 0})
    for item, pred in zip(items, predicted):
        must, ok = labels(item, "must"), labels(item, "must") | labels(item, "allowed")
        for facet in FACETS:
            p = {x for x in pred if x[0] == facet}
            m = {x for x in must if x[0] == facet}
            for key in ("all", facet, item["lang"], f"{facet}/{item['lang']}"):
                c = counts[key]
                c["pred"] += len(p)
                c["good"] += len(p & ok)
                c["must"] += len(m)
                c["found"] += len(p & m)
    return {key: _cell(c) for key, c in sorted(counts.items())}


def errors(items: list[dict], predicted: list[set]) -> list[str]:
    out = []
    for item, pred in zip(items, predicted):
        must, ok = labels(item, "must"), labels(item, "must") | labels(item, "allowed")
        missed, wrong = sorted(must - pred), sorted(pred - ok)
        if missed or wrong:
            out.append(f"{item['id']}: missed {[f'{f}:{c}' for f, c in missed]} wrong {[f'{f}:{c}' for f, c in wrong]}")
    return out


def goals_met(table: dict) -> list[str]:
    """What misses the goals on a split's table ([] when every goal holds)."""
    misses = []
    overall = table["all"]
    if (overall["precision"] or 0) < GOALS["precision"]:
        misses.append(f"precision {overall['precision']} < {GOALS['precision']}")
    if (overall["recall"] or 0) < GOALS["recall"]:
        misses.append(f"recall {overall['recall']} < {GOALS['recall']}")
    for key, c in table.items():
        if "/" in key and c["must"] and c["recall"] < GOALS["cell_recall"]:
            misses.append(f"{key} recall {c['recall']} < {GOALS['cell_recall']}")
    return misses


def run(splits: tuple[str, ...] = ("train", "test"), vocabulary_path=None) -> dict:
    items = load_items()
    out = {}
    for split in splits:
        chosen = [i for i in items if i["split"] == split]
        predicted = predict(chosen, vocabulary_path)
        out[split] = {"items": len(chosen), "table": score(chosen, predicted), "errors": errors(chosen, predicted)}
        out[split]["misses"] = goals_met(out[split]["table"])
    return out


def format_table(split: str, result: dict) -> list[str]:
    rows = [f"{split} split ({result['items']} texts)", "",
            "| facet | lang | precision | recall | F1 | predicted | must |", "|---|---|---|---|---|---|---|"]
    table = result["table"]
    keys = [(f, lang) for f in FACETS for lang in LANGS] + [(f, "both") for f in FACETS] + \
        [("all", lang) for lang in LANGS] + [("all", "both")]
    for facet, lang in keys:
        key = facet if lang == "both" else (lang if facet == "all" else f"{facet}/{lang}")
        key = "all" if (facet, lang) == ("all", "both") else key
        c = table.get(key)
        if c:
            rows.append(f"| {facet} | {lang} | {c['precision']} | {c['recall']} | {c['f1']} | {c['pred']} | {c['must']} |")
    rows.append("")
    rows.append("goals: " + ("met" if not result["misses"] else "; ".join(result["misses"])))
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=("train", "test", "both"), default="both")
    ap.add_argument("--errors", action="store_true", help="list each text's missed and wrong labels")
    ap.add_argument("--json", nargs="?", const="-", default=None, metavar="PATH")
    args = ap.parse_args(argv)
    splits = ("train", "test") if args.split == "both" else (args.split,)
    result = run(splits)
    if args.json == "-":
        print(json.dumps(result, indent=2))
    else:
        if args.json:
            Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        for split in splits:
            print("\n".join(format_table(split, result[split])))
            if args.errors:
                print("\n".join(result[split]["errors"]))
            print()
    return 0 if "test" not in result or not result["test"]["misses"] else 1


if __name__ == "__main__":
    sys.exit(main())
