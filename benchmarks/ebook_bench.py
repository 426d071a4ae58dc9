"""E-book cost as the corpus grows: the bundled English briefs copied under new ids until there are N,
then the real export (exports/ebooks.py) makes, with no cache, the book of every brief and the
front-line workers' book. Reports pandoc's wall time and the size of each book.

    .venv/bin/python benchmarks/ebook_bench.py [--n 110 1001] [--json PATH]
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from passerelle import build  # noqa: E402
from passerelle.cache import Cache  # noqa: E402
from passerelle.context import SiteContext, newest_first  # noqa: E402
from passerelle.exports import ebooks  # noqa: E402


def copies(ctx: SiteContext, n: int) -> tuple[SiteContext, list]:
    """N English briefs: the bundled ones again and again under new ids, with their tags and acronyms."""
    originals = ctx.in_lang("en")
    docs, extras = [], dict(ctx.extras)
    for i in range(n):
        doc = originals[i % len(originals)]
        copy = dataclasses.replace(doc, path=doc.path.replace(".en.md", f"-{i}.en.md"), meta={**doc.meta, "id": f"{doc.id}-{i}"})
        extras[copy.path] = ctx.extra(doc)
        docs.append(copy)
    return dataclasses.replace(ctx, extras=extras), newest_first(docs)


def measure(ctx: SiteContext, n: int) -> dict:
    big, docs = copies(ctx, n)
    row = {"briefs": n}
    for name, audience in (("every_brief", ""), ("frontline", "frontline")):
        chosen = [d for d in docs if not audience or audience in big.audience_parts(d)]
        start = time.perf_counter()
        data = ebooks.book(big, "en", chosen, audience, Cache(None))
        row[f"ebooks.{name}.seconds"] = round(time.perf_counter() - start, 1)
        row[f"ebooks.{name}.bytes"] = len(data)
    return row


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, nargs="+", default=[110])
    p.add_argument("--json")
    args = p.parse_args(argv)
    ctx = build.collect(ROOT, build.publishable(build.check(ROOT)))
    rows = [measure(ctx, n) for n in args.n]
    keys = list(rows[0])
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for row in rows:
        print("| " + " | ".join(str(row[k]) for k in keys) + " |")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
