"""How diagnostics reach people: text for terminals, JSON for tools, workflow commands for GitHub."""
from __future__ import annotations

import json

from .kinds import KINDS
from .records import Diagnostic, Project, errors


def counts(project: Project) -> dict[str, int]:
    """Files read, documents of each kind (by folder name: briefs, pilots) and literature entries."""
    out = {"files": len(project.files)}
    out.update({kind.folder: sum(1 for d in project.documents if d.kind == kind.name) for kind in KINDS})
    out["entries"] = len(project.literature.entries)
    return out


__all__ = ["FORMATS", "as_github", "as_json", "as_text", "counts", "errors", "summary"]


def summary(project: Project, diags: list[Diagnostic]) -> str:
    n_err = len(errors(diags))
    c = counts(project)
    return (f"{n_err} error(s), {len(diags) - n_err} warning(s) — {c['files']} files: {c['briefs']} briefs, "
            f"{c['pilots']} pilots, {c['entries']} literature entries")


def as_text(project: Project, diags: list[Diagnostic]) -> str:
    lines = []
    for d in diags:
        lines.append(f"{d.path}:{d.line}:{d.col}: {d.severity}: {d.message} [{d.code}]")
        lines.append(f"    hint: {d.hint}")
    lines.append(summary(project, diags))
    return "\n".join(lines)


def as_json(project: Project, diags: list[Diagnostic]) -> str:
    return json.dumps({"ok": not errors(diags), "counts": counts(project),
                       "diagnostics": [d.to_json() for d in diags]}, ensure_ascii=False, indent=2)


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def as_github(project: Project, diags: list[Diagnostic]) -> str:
    """GitHub workflow commands: each diagnostic becomes an annotation on its file and line."""
    lines = [f"::{'error' if d.severity == 'error' else 'warning'} file={_gh_escape(d.path, True)},line={d.line},"
             f"col={d.col},title={_gh_escape(d.code, True)}::{_gh_escape(d.message + ' — ' + d.hint)}" for d in diags]
    lines.append(summary(project, diags))
    return "\n".join(lines)


FORMATS = {"text": as_text, "json": as_json, "github": as_github}
