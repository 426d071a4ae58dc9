"""Assign the fixed train/test split of eval.yml, once, before any tuning.

Rule: within each (language, kind) group, items are ranked by the SHA-256 of their id and the first
30 % (rounded half up) go to the test split. The rule reads only ids, languages and kinds, never
labels or tagger output, so it cannot be tuned. `python tests/tagging/split.py` writes a `split:` line
after each item's `kind:` line; tests/test_tagging_eval.py checks the file still follows the rule.
"""
from __future__ import annotations

import hashlib
import re
import sys
from collections import defaultdict
from pathlib import Path

import yaml

EVAL = Path(__file__).with_name("eval.yml")
TEST_SHARE = 0.3


def expected_splits(items: list[dict]) -> dict[str, str]:
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for item in items:
        groups[(item["lang"], item["kind"])].append(item["id"])
    out = {}
    for ids in groups.values():
        ranked = sorted(ids, key=lambda i: hashlib.sha256(i.encode("utf-8")).hexdigest())
        n_test = int(len(ranked) * TEST_SHARE + 0.5)
        out.update({i: ("test" if k < n_test else "train") for k, i in enumerate(ranked)})
    return out


def main() -> int:
    text = EVAL.read_text(encoding="utf-8")
    items = yaml.safe_load(text)["items"]
    splits = expected_splits(items)
    text = re.sub(r"^  split: \w+\n", "", text, flags=re.M)
    out, current = [], None
    for line in text.splitlines(keepends=True):
        m = re.match(r"^- id: (\S+)", line)
        if m:
            current = m.group(1)
        out.append(line)
        if line.startswith("  kind: ") and current:
            out.append(f"  split: {splits[current]}\n")
    EVAL.write_text("".join(out), encoding="utf-8")
    print(sum(v == "test" for v in splits.values()), "test of", len(splits))
    return 0


if __name__ == "__main__":
    sys.exit(main())
