"""The report authors read in a pull request's job summary: what enrichment suggests, how each
audience part reads against its target, and which translations are missing."""
from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from . import readability, report, settings
from .cache import Cache
from .build import enrich_documents
from .records import Diagnostic, Document, Project


def _cell(text: str) -> str:
    """Contributor text inside a Markdown table cell of the job summary: inert and on one line."""
    return " ".join(str(text).split()).replace("|", "\\|").replace("<", "&lt;").replace("`", "'")


def readability_rows(doc: Document) -> list[str]:
    """One table row per audience part, in the document's language."""
    rows = []
    lang = doc.lang
    for audience, spec in settings.content_model().audiences.items():
        body = doc.section(audience)
        if not body.strip():
            continue
        measured = readability.measure(body, doc.lang)
        metrics = measured.get("metrics") or {}
        misses = readability.check_targets(measured, doc.lang, spec.targets)
        main = (report.text("report-grade", lang, value=metrics.get("fk_grade")) if lang == "en"
                else f"Kandel-Moles {metrics.get('kandel_moles')}")
        verdict = (report.text("report-meets", lang) if not misses
                   else report.text("report-misses", lang, metrics=", ".join(m.metric for m in misses)))
        rows.append(f"| {audience} | {measured.get('words', 0)} / {spec.words} | {main}, LIX {metrics.get('lix')} | {verdict} |")
    return rows


def author_report(root: Path, project: Project, diagnostics: list[Diagnostic], lang: str = "en") -> str:
    """The job summary: its headings in ``lang``, each document's section in the document's own language."""
    docs = sorted(project.documents, key=lambda d: d.path)
    enriched = enrich_documents(root, docs)
    errors = sum(1 for d in diagnostics if d.severity == "error")
    out = [f"## {report.text('report-title', lang)}", "",
           report.text("report-counts", lang, documents=len(docs), errors=errors, warnings=len(diagnostics) - errors), ""]
    missing = [d for d in diagnostics if d.code == "missing-translation"]
    if missing:
        out += [f"### {report.text('report-missing', lang)}", ""]
        out += [f"- `{_cell(d.path)}`: {_cell(report.render(d, report.lang_for(d, lang))[0])}" for d in missing] + [""]
    for doc in docs:
        out += [f"### `{_cell(doc.path)}`", ""] + _document_section(doc, enriched[doc.path]) + [""]
    return "\n".join(out)


def _document_section(doc: Document, e) -> list[str]:
    lang = doc.lang
    given = set(doc.topics) | set(doc.regions)
    suggested = [f"{_cell(t.label)} (`{t.id}`, {t.count}×)" for t in e.tags if t.id not in given]
    out = [f"**{report.text('report-suggested', lang)}** "
           + (", ".join(suggested) if suggested else report.text("report-none-beyond", lang))]
    if e.key_sentences:
        out += ["", report.text("report-candidates", lang), ""]
        out += [f"> {_cell(s)}" for s in e.key_sentences]
    rows = readability_rows(doc) if doc.kind == "brief" else []
    if rows:
        out += ["", report.text("report-table", lang), "|---|---|---|---|"] + rows
    return out


# ---------------------------------------------------------------- tags before and after a vocabulary change

class TagsDiffError(Exception):
    """The vocabulary at a git ref could not be read (unknown ref, not a git checkout, no file there)."""


def vocabulary_at(ref: str, folder: Path) -> Path:
    """``data/vocabulary.yml`` as it was at git ``ref``, written to a file in ``folder`` (read-only git)."""
    from .vocabulary import DEFAULT_PATH

    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(DEFAULT_PATH.parent), *args], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise TagsDiffError((done.stderr or done.stdout).strip() or f"git {args[0]} failed")
        return done.stdout

    if ref.startswith("-"):
        raise TagsDiffError(f"not a git ref: {ref!r}")
    top = Path(git("rev-parse", "--show-toplevel").strip())
    rel = DEFAULT_PATH.resolve().relative_to(top.resolve()).as_posix()
    out = folder / "vocabulary-at-ref.yml"
    out.write_text(git("show", f"{ref}:{rel}"), encoding="utf-8")
    return out


def _tag_set(e) -> dict[tuple[str, str], str]:
    return {(t.facet, t.id): t.label for t in e.tags}


def tags_diff(root: Path, project: Project, ref: str) -> str:
    """Markdown: per document, the tags enrichment gives with the vocabulary and thresholds at ``ref`` and
    those it gives now (same code, same title and summary weighting), so an editor sees what a change does."""
    from .enrich import enrich_texts

    docs = sorted(project.documents, key=lambda d: d.path)
    items = [(d.body, d.lang, f"{d.title}\n\n{d.summary}") for d in docs]
    cache_dir = Cache.for_project(root, "enrich").folder
    with tempfile.TemporaryDirectory() as tmp:
        before = enrich_texts(items, vocabulary_path=vocabulary_at(ref, Path(tmp)), cache_dir=cache_dir)
    after = enrich_texts(items, cache_dir=cache_dir)
    out = [f"## Tags: `{_cell(ref)}` → working tree", ""]
    changed = 0
    for doc, old, new in zip(docs, before, after):
        a, b = _tag_set(old), _tag_set(new)
        added, removed = sorted(set(b) - set(a)), sorted(set(a) - set(b))
        if not added and not removed:
            continue
        changed += 1
        out += [f"### `{_cell(doc.path)}`", ""]
        out += [f"- added: {_cell(b[k])} (`{k[0]}:{k[1]}`)" for k in added]
        out += [f"- removed: {_cell(a[k])} (`{k[0]}:{k[1]}`)" for k in removed]
        out.append("")
    out.append(f"{changed} of {len(docs)} documents change tags.")
    return "\n".join(out)
