"""`passerelle check`: validate content/ and literature/."""
from __future__ import annotations

from .. import report
from .common import add_root, project_root

NAME = "check"
HELP = "validate content/ and literature/"


def configure(parser) -> None:
    parser.add_argument("--format", choices=sorted(report.FORMATS), default="text")
    parser.add_argument("--lang", choices=["en", "fr"],
                        help="language of messages about files that have none (BibTeX, media); *.fr.md files are "
                             "always reported in French, *.en.md in English. Default: LC_ALL/LC_MESSAGES/LANG, "
                             "else English")
    add_root(parser)


def run(args) -> int:
    from ..build import check

    checked = check(project_root(args.root))
    print(report.FORMATS[args.format](report.counts(checked.project), checked.diagnostics, getattr(args, "lang", None)))
    return 1 if report.errors(checked.diagnostics) else 0
