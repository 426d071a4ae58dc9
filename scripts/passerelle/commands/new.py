"""`passerelle new KIND --id ID --lang LANG`: a scaffold with every section, each explained."""
from __future__ import annotations

import datetime as dt
import re

from .. import settings
from ..kinds import BY_NAME
from .common import add_root, misuse, project_root

NAME = "new"
HELP = "scaffold a brief or a pilot with every section"


def configure(parser) -> None:
    parser.add_argument("kind", choices=[k.name for k in BY_NAME.values() if k.scaffold])
    parser.add_argument("--id", required=True)
    parser.add_argument("--lang", choices=["en", "fr"], required=True)
    add_root(parser)


def run(args) -> int:
    root = project_root(args.root)
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", args.id):
        return misuse(f"'{args.id}' is not a valid id", "use lowercase letters, digits and hyphens, e.g. newcomer-outreach")
    target = root / "content" / BY_NAME[args.kind].folder / f"{args.id}.{args.lang}.md"
    if target.exists():
        return misuse(f"{target.relative_to(root)} already exists", "choose another id or edit the existing file")
    text = settings.scaffold(args.kind, args.lang)
    text = text.replace("{id}", args.id).replace("{title}", "").replace("{summary}", "").replace("{sources}", "")
    text = text.replace("{published}", dt.date.today().isoformat())
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target.relative_to(root)} — fill in each section, then run: passerelle check")
    return 0
