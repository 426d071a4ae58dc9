"""`passerelle bench`: the benchmarks of the repository's benchmarks/ (they read the seed documents beside it)."""
from __future__ import annotations

import importlib.util

from .common import add_root, misuse, project_root

NAME = "bench"
HELP = "enrichment benchmark: throughput ratio against raw spaCy, and incremental rebuilds"


def configure(parser) -> None:
    parser.add_argument("--n", type=int, default=100, help="bilingual briefs to generate (2N documents)")
    parser.add_argument("--json", nargs="?", const="-", default=None, metavar="PATH")
    add_root(parser)


def run(args) -> int:
    script = project_root(args.root) / "benchmarks" / "enrich_bench.py"
    if not script.exists():
        return misuse("no benchmarks/enrich_bench.py here", "run 'passerelle bench' from the Passerelle repository")
    spec = importlib.util.spec_from_file_location("enrich_bench", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main(["--n", str(args.n)] + (["--json", args.json] if args.json else []))
