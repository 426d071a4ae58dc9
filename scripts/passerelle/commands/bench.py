"""`passerelle bench`: the benchmarks of the repository's benchmarks/ (they read the seed documents beside it).

With no ``--only``, every benchmark at ``--n`` generated bilingual briefs (benchmarks/scale_bench.py: build,
enrich, search, weight), as one JSON object and a Markdown table. ``--only`` picks groups; ``tagging`` and
``enrichment`` and ``ebooks`` alone run their own benchmarks as before, and so does ``search`` with --browser or --material."""
from __future__ import annotations

import importlib.util

from .common import add_root, misuse, project_root

NAME = "bench"
HELP = ("benchmarks at --n generated briefs: build (cold, warm, one edit, against plain mkdocs), enrichment, search, "
        "first-view weight, size and memory; --only tagging: tagging precision and recall; --only ebooks: e-book time and size")
SCALE = ("build", "enrich", "search", "weight")  # groups of benchmarks/scale_bench.py
ALONE = {"enrichment": "enrich_bench.py", "tagging": "tagging_bench.py", "search": "search_bench.py",
         "ebooks": "ebook_bench.py"}


def configure(parser) -> None:
    parser.add_argument("--n", type=int, default=100, help="bilingual briefs to generate (2N documents)")
    parser.add_argument("--json", nargs="?", const="-", default=None, metavar="PATH")
    parser.add_argument("--only", nargs="+", choices=sorted(set(SCALE) | set(ALONE)), default=None, metavar="KEY",
                        help="which benchmarks (default: all of " + ", ".join(SCALE) + "); tagging: the labelled "
                             "set in tests/tagging/; enrichment: the enrichment benchmark alone; ebooks: pandoc's time and the books' size")
    parser.add_argument("--browser", action="store_true", help="--only search: also measure in Debian's Chromium")
    parser.add_argument("--material", action="store_true",
                        help="--only search: also build Material's default search on the same pages")
    parser.add_argument("--errors", action="store_true", help="tagging: list each text's missed and wrong labels")
    parser.add_argument("--keep", metavar="DIR", help="build, enrich, search, weight: work in DIR and keep each finished "
                        "step's figures there; started again with the same DIR and --n, a run cut short goes on from "
                        "its first unfinished step (10,000 briefs take hours)")
    add_root(parser)


def _load(root, name: str):
    script = root / "benchmarks" / name
    if not script.exists():
        return None
    spec = importlib.util.spec_from_file_location(script.stem, script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(args) -> int:
    root = project_root(args.root)
    only = args.only or list(SCALE)
    alone = only[0] if len(only) == 1 and only[0] in ALONE else None
    if alone == "search" and not (args.browser or args.material):
        alone = None  # search as a group of the scale benchmark
    module = _load(root, ALONE[alone] if alone else "scale_bench.py")
    if module is None:
        return misuse("no benchmarks here", "run 'passerelle bench' from the Passerelle repository")
    json_args = ["--json", args.json] if args.json else []
    if alone == "tagging":
        return module.main(json_args + (["--errors"] if args.errors else []))
    if alone == "search":
        return module.main(["--n", str(args.n)] + json_args + (["--browser"] if args.browser else [])
                           + (["--material"] if args.material else []))
    if alone in ("enrichment", "ebooks"):
        return module.main(["--n", str(args.n)] + json_args)
    bad = sorted(set(only) - set(SCALE))
    if bad:
        return misuse(f"--only {' '.join(bad)} runs alone", "run it on its own, e.g. 'passerelle bench --only tagging'")
    keep = ["--keep", args.keep] if args.keep else []
    return module.main(["--n", str(args.n), "--only", *only] + json_args + keep)
