"""`passerelle links`: every internal link and anchor of the built site, checked offline."""
from __future__ import annotations

from .common import add_root, misuse, project_root

NAME = "links"
HELP = "check every internal link and anchor of the built site, offline"


def configure(parser) -> None:
    add_root(parser)


def run(args) -> int:
    from ..build import SITE_DIR
    from ..linkcheck import check_site

    site = project_root(args.root) / SITE_DIR
    if not (site / "index.html").exists():
        return misuse("no built site", "run 'passerelle build' first")
    result = check_site(site)
    for p in result.problems:
        print(f"{SITE_DIR}/{p.page}: broken link {p.url} ({p.reason})")
    print(f"{len(result.problems)} broken of {result.internal} internal links ({result.anchors} with anchors) "
          f"on {result.pages} pages; {result.external} external links not fetched")
    return 1 if result.problems else 0
