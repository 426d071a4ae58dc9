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
from typing import Callable

STATE = ".passerelle-state.json"
STATE_VERSION = "3"  # 3: files other than pages outside the docs folder (mkdocs_site.source)
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
    out: dict[str, list[int]] = {}
    _scan(str(site), "", out)
    return out


def _scan(folder: str, prefix: str, out: dict[str, list[int]]) -> None:
    """``site_files`` of one folder, by ``os.scandir`` (forty thousand files: a fifth of the time of Path objects)."""
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return
    for entry in entries:
        rel = prefix + entry.name
        if entry.is_dir(follow_symlinks=False):
            _scan(entry.path, rel + "/", out)
        elif rel not in UNTRACKED:
            st = entry.stat()
            out[rel] = [st.st_size, st.st_mtime_ns]


def plan(state: dict, tree: dict[str, str], config_key: str, site: Path) -> Plan:
    """The least work that gives the same site as a clean build (see the module docstring)."""
    old = state.get("files", {})
    changed = sorted(p for p, h in tree.items() if old.get(p) != h)
    removed = sorted(set(old) - set(tree))
    same_setup = bool(state) and state.get("config") == config_key and set(old) == set(tree)
    if not same_setup or site_files(site) != state.get("site"):
        return Plan("full", changed, removed)
    return Plan("dirty" if changed else "skip", changed, removed)


class FileMemo:
    """What a pass over the whole site computed from each file (its revision, its classes), reused while the
    file has the size and modification time it had: after one edit, a dirty build rewrites a handful of
    forty thousand files. Kept in the state file under a name (``write_state``); values are strings."""

    def __init__(self, saved: dict | None = None):
        values = (saved or {}).get("values", [])
        self._old = {rel: (size, ns, values[i]) for rel, (size, ns, i) in (saved or {}).get("files", {}).items()}
        self._new: dict[str, tuple[int, int, str]] = {}

    def value(self, path: Path, rel: str, make: Callable[[Path], str], stat: list[int] | None = None) -> str:
        """``make(path)``, or what it gave for the same file before; ``stat``: its [size, time] if known."""
        if stat is None:
            st = path.stat()
            stat = [st.st_size, st.st_mtime_ns]
        size, ns = stat
        old = self._old.get(rel)
        found = old[2] if old and old[:2] == (size, ns) else make(path)
        self._new[rel] = (size, ns, found)
        return found

    def saved(self) -> dict:
        """The memo as JSON, each distinct value once (many pages share their classes)."""
        index: dict[str, int] = {}
        files = {rel: [size, ns, index.setdefault(v, len(index))] for rel, (size, ns, v) in sorted(self._new.items())}
        return {"values": list(index), "files": files}


def memo(state: dict, name: str) -> FileMemo:
    return FileMemo(state.get("memos", {}).get(name))


def write_state(build_dir: Path, tree: dict[str, str], config_key: str, site: Path,
                memos: dict[str, FileMemo] | None = None) -> None:
    state = {"version": STATE_VERSION, "config": config_key, "files": tree, "site": site_files(site),
             "memos": {name: m.saved() for name, m in (memos or {}).items()}}
    (build_dir / STATE).write_text(json.dumps(state, sort_keys=True), encoding="utf-8")


def forget(build_dir: Path) -> None:
    """Before MkDocs runs: a build that fails halfway leaves no state, so the next one is full."""
    (build_dir / STATE).unlink(missing_ok=True)
