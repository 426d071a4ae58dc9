"""The report authors read in a pull request's job summary: what enrichment suggests, how each
audience part reads against its target, and which translations are missing."""
from __future__ import annotations

from pathlib import Path

from . import readability, settings
from .build import enrich_documents
from .records import Diagnostic, Document, Project


def _cell(text: str) -> str:
    """Contributor text inside a Markdown table cell of the job summary: inert and on one line."""
    return " ".join(str(text).split()).replace("|", "\\|").replace("<", "&lt;").replace("`", "'")


def readability_rows(doc: Document) -> list[str]:
    rows = []
    for audience, spec in settings.content_model().audiences.items():
        body = doc.section(audience)
        if not body.strip():
            continue
        report = readability.measure(body, doc.lang)
        metrics = report.get("metrics") or {}
        misses = readability.check_targets(report, doc.lang, spec.targets)
        main = f"grade {metrics.get('fk_grade')}" if doc.lang == "en" else f"Kandel-Moles {metrics.get('kandel_moles')}"
        verdict = "meets targets" if not misses else "misses " + ", ".join(m.metric for m in misses)
        rows.append(f"| {audience} | {report.get('words', 0)} / {spec.words} | {main}, LIX {metrics.get('lix')} | {verdict} |")
    return rows


def author_report(root: Path, project: Project, diagnostics: list[Diagnostic]) -> str:
    docs = sorted(project.documents, key=lambda d: d.path)
    enriched = enrich_documents(root, docs)
    errors = sum(1 for d in diagnostics if d.severity == "error")
    out = ["## Passerelle report", "", f"{len(docs)} documents, {errors} error(s), {len(diagnostics) - errors} warning(s).", ""]
    missing = [d for d in diagnostics if d.code == "missing-translation"]
    if missing:
        out += ["### Missing translations", ""] + [f"- `{_cell(d.path)}`: {_cell(d.message)}" for d in missing] + [""]
    for doc in docs:
        e = enriched[doc.path]
        given = set(doc.topics) | set(doc.regions)
        out += [f"### `{_cell(doc.path)}`", ""]
        suggested = [f"{_cell(t.label)} (`{t.id}`, {t.count}×)" for t in e.tags if t.id not in given]
        out.append("**Suggested tags:** " + (", ".join(suggested) if suggested else "none beyond those given"))
        if e.key_sentences:
            out += ["", "**Summary candidates** (sentences carrying the most concepts):", ""]
            out += [f"> {_cell(s)}" for s in e.key_sentences]
        rows = readability_rows(doc) if doc.kind == "brief" else []
        if rows:
            out += ["", "| audience | words / cap | readability | targets |", "|---|---|---|---|"] + rows
        out.append("")
    return "\n".join(out)
