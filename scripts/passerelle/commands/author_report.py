"""`passerelle report`: the Markdown report for authors (pull-request job summary)."""
from __future__ import annotations

from .. import report
from .common import add_root, misuse, project_root

NAME = "report"
HELP = "Markdown report for authors: suggested tags, readability per audience, translations; --tags-diff REF"


def configure(parser) -> None:
    parser.add_argument("--lang", choices=["en", "fr"],
                        help="language of the report's headings (default: LC_MESSAGES/LANG, else English); "
                             "each document's section speaks the document's language")
    parser.add_argument("--tags-diff", metavar="REF", default=None,
                        help="show, per brief, how tags change between the vocabulary and thresholds at git REF and now")
    add_root(parser)


def run(args) -> int:
    from ..authoring import author_report
    from ..build import check

    root = project_root(args.root)
    checked = check(root)
    if args.tags_diff:
        return _tags_diff(root, checked.project, args.tags_diff)
    lang = report.ui_lang(args.lang)
    print(author_report(root, checked.project, checked.diagnostics, lang))
    stale = [d for d in checked.diagnostics if d.code == "translation-stale"]
    if stale:  # a translation older than the version it was made from (passerelle translated)
        print("\n".join([f"### {report.text('stale-heading', lang)}", ""] +
                        [f"- `{d.path}`: {report.render(d, lang)[0]}" for d in stale] + [""]))
    return 0


def _tags_diff(root, project, ref: str) -> int:
    from ..authoring import TagsDiffError, tags_diff

    try:
        print(tags_diff(root, project, ref))
    except TagsDiffError as exc:
        return misuse(f"cannot read the vocabulary at {ref!r}: {exc}",
                      "name a commit, branch or tag of this repository, e.g. --tags-diff main")
    return 0
