"""`passerelle report`: the Markdown report for authors (pull-request job summary)."""
from __future__ import annotations

from .common import add_root, project_root

NAME = "report"
HELP = "Markdown report for authors: suggested tags, readability per audience, translations"


def configure(parser) -> None:
    add_root(parser)


def run(args) -> int:
    from ..authoring import author_report
    from ..build import check

    root = project_root(args.root)
    checked = check(root)
    print(author_report(root, checked.project, checked.diagnostics))
    return 0
