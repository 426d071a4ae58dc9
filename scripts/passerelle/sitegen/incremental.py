"""What the site generator must redo, from what changed since the last build.

The generated docs tree is content-addressed: each file's SHA-256, and one key for everything else a page's
HTML depends on (the generated and the project's mkdocs.yml, the templates in overrides/, the hooks, the
installed generator's version, the date stamp, SITE_URL and REPO_URL). A state file beside the docs tree
records them, with the size and time of every file of the site MkDocs wrote. Then:

- nothing changed and the site is as it was left: ``skip`` (MkDocs does not run);
- only the contents of some docs files changed: ``dirty`` (MkDocs renders those pages only; every other
  page's HTML depends on nothing that changed, since briefs stay out of the navigation);
- anything else (first build, a file added or removed, settings, templates, a site touched by hand):
  ``full``, a clean build as before.

Unchanged files are never rewritten, so their times stay older than their pages' (MkDocs' dirty test).
This works for any page generator or export: it sees only the files they produce."""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

STATE = ".passerelle-state.json"
STATE_VERSION = "1"
UNTRACKED = {"build-report.json"}  # written into the site after the generator, every build


@dataclass
class Plan:
    mode: str  # "skip", "dirty" or "full"
    changed: list[str] = field(default_factory=list)  # docs files (re)written
    removed: list[str] = field(default_factory=list)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_state(build_dir: Path) -> dict:
    try:
        state = json.loads((build_dir / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if state.get("version") == STATE_VERSION else {}


def site_files(site: Path) -> dict[str, list[int]]:
    """Every file of the site with its size and modification time (ns): cheap, and changed by any write."""
    out = {}
    for folder, _, names in os.walk(site):
        for name in names:
            path = Path(folder) / name
            rel = path.relative_to(site).as_posix()
            if rel not in UNTRACKED:
                st = path.stat()
                out[rel] = [st.st_size, st.st_mtime_ns]
    return out


def plan(state: dict, tree: dict[str, str], config_key: str, site: Path) -> Plan:
    """The least work that gives the same site as a clean build (see the module docstring)."""
    old = state.get("files", {})
    changed = sorted(p for p, h in tree.items() if old.get(p) != h)
    removed = sorted(set(old) - set(tree))
    same_setup = bool(state) and state.get("config") == config_key and set(old) == set(tree)
    if not same_setup or site_files(site) != state.get("site"):
        return Plan("full", changed, removed)
    return Plan("dirty" if changed else "skip", changed, removed)


def write_state(build_dir: Path, tree: dict[str, str], config_key: str, site: Path) -> None:
    state = {"version": STATE_VERSION, "config": config_key, "files": tree, "site": site_files(site)}
    (build_dir / STATE).write_text(json.dumps(state, sort_keys=True), encoding="utf-8")


def forget(build_dir: Path) -> None:
    """Before MkDocs runs: a build that fails halfway leaves no state, so the next one is full."""
    (build_dir / STATE).unlink(missing_ok=True)
