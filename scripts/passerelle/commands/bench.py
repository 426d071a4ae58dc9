"""`passerelle bench`: the benchmarks of the repository's benchmarks/ (they read the seed documents beside it)."""
from __future__ import annotations

import importlib.util

from .common import add_root, misuse, project_root

NAME = "bench"
HELP = ("benchmarks: enrichment throughput and incremental rebuilds; tagging precision and recall (--only tagging); "
        "search index size and latency (--only search); e-book time and size (--only ebooks); "
        "a brief page's weight in Chromium (--only weight)")
BENCHES = {"enrichment": "enrich_bench.py", "tagging": "tagging_bench.py", "search": "search_bench.py",
           "ebooks": "ebook_bench.py", "weight": "weight_bench.py"}


def configure(parser) -> None:
    parser.add_argument("--n", type=int, default=100, help="bilingual briefs to generate (2N documents)")
    parser.add_argument("--json", nargs="?", const="-", default=None, metavar="PATH")
    parser.add_argument("--only", choices=sorted(BENCHES), default="enrichment",
                        help="which benchmark: enrichment (default), tagging (the labelled set in tests/tagging/) or "
                             "search (index bytes and latency at --n briefs, in Chromium with --browser)")
    parser.add_argument("--browser", action="store_true", help="search: also measure in Debian's Chromium")
    parser.add_argument("--material", action="store_true", help="search: also build Material's default search on the same pages")
    parser.add_argument("--errors", action="store_true", help="tagging: list each text's missed and wrong labels")
    add_root(parser)


def run(args) -> int:
    script = project_root(args.root) / "benchmarks" / BENCHES[args.only]
    if not script.exists():
        return misuse(f"no benchmarks/{script.name} here", "run 'passerelle bench' from the Passerelle repository")
    spec = importlib.util.spec_from_file_location(script.stem, script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    json_args = ["--json", args.json] if args.json else []
    if args.only == "tagging":
        return module.main(json_args + (["--errors"] if args.errors else []))
    if args.only == "weight":  # the built site (build it first): bytes of a first view, a second page, FCP on slow 3G
        return module.main(["--site", str(project_root(args.root) / "site")] + json_args)
    if args.only == "search":
        return module.main(["--n", str(args.n)] + json_args + (["--browser"] if args.browser else [])
                           + (["--material"] if args.material else []))
    return module.main(["--n", str(args.n)] + json_args)
