"""`passerelle build`: check, then build the bilingual site into site/."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from .. import report
from .common import add_root, print_diagnostic, project_root

NAME = "build"
HELP = "check, then build the bilingual site into site/"


def configure(parser) -> None:
    parser.add_argument("--offline", action="store_true",
                        help="also write site/site-offline.zip: the site as a folder that opens from file://")
    parser.add_argument("--update-manifest", action="store_true",
                        help="first add every address published now to content/published-addresses.txt (none is "
                             "removed), so that check notices when one disappears")
    parser.add_argument("--timings", metavar="PATH", help="also write the seconds of every stage to PATH (JSON)")
    add_root(parser)


def run(args) -> int:
    from ..build import SITE_DIR, build, update_manifest
    from ..enrich import EnrichError
    from ..exports.search_index import SearchIndexError
    from ..sitegen import BuildError
    from ..vocabulary import VocabularyError

    root = project_root(args.root)
    if args.update_manifest:
        total, new, problems = update_manifest(root)
        for d in problems:
            print_diagnostic(d)
        if problems:
            return 1
        print(f"content/published-addresses.txt: {total} addresses ({new} new)")
    try:
        result = build(root, offline=args.offline)
    except BuildError as exc:
        print(f"passerelle: the site generator refused the pages:\n{exc}", file=sys.stderr)
        return 1
    except (EnrichError, VocabularyError) as exc:
        print_diagnostic(exc.diagnostic)
        return 1
    except SearchIndexError as exc:  # an installation step is missing: say which
        print(f"passerelle: the search indexes could not be built: {exc}", file=sys.stderr)
        return 1
    print(report.as_text(result.counts, result.diagnostics))
    print("stages (s): " + ", ".join(f"{k} {v:.2f}" for k, v in result.stages.items())
          + f" — site generator: {result.site.mode} ({result.site.files_written} files written)")
    if args.timings:
        Path(args.timings).write_text(json.dumps({"stages": result.stages, "site_mode": result.site.mode,
                                                  "files_written": result.site.files_written}, indent=1) + "\n",
                                      encoding="utf-8")
    c = result.report.counts()
    print(f"built {c['pages']} pages from {c['inputs']} inputs ({c['rejected']} rejected) — open {root / SITE_DIR / 'index.html'}"
          f" or run: passerelle serve")
    return 1 if report.errors(result.diagnostics) else 0
