"""Stage 5: the whole pipeline, load → validate → enrich → render → site generator, plus the
build report that accounts for every input file."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from . import load, render, settings, sitegen, validate
from .enrich import Enrichment
from .frontmatter import as_date
from .records import LANGS, Diagnostic, Document, Project
from .report import errors
from .vocabulary import load_vocabulary

CACHE_DIR = Path(".cache") / "passerelle"
HANDOUT_VERSION = "1"  # bump when handouts change for the same text, to refresh the cache


@dataclass
class Checked:
    project: Project
    diagnostics: list[Diagnostic]


@dataclass
class BuildResult:
    checked: Checked
    report: dict
    mkdocs_warnings: list[str]


def check(root: Path) -> Checked:
    project = load.load_project(root)
    return Checked(project, validate.validate(project))


def page_url(path: str) -> str:
    """'fr/briefs/x/index.md' -> 'fr/briefs/x/'; the default language lives at the root."""
    lang, rest = path.split("/", 1)
    rest = rest[:-len("index.md")] if rest.endswith("index.md") else rest[:-3] + "/"
    return ("" if lang == "en" else f"{lang}/") + rest


def enrich_documents(root: Path, docs: list[Document]) -> dict[str, Enrichment]:
    """One spaCy pass over every document (cached by content, model and vocabulary version)."""
    from .enrich import enrich_texts

    results = enrich_texts([(d.body, d.lang) for d in docs], cache_dir=root / CACHE_DIR / "enrich")
    return {d.path: e for d, e in zip(docs, results)}


def extras(docs: list[Document], enrichments: dict[str, Enrichment]) -> dict[str, render.Extras]:
    """What the pages show beside the text: tags (hand-given first, then enrichment), acronyms, readability."""
    vocab = load_vocabulary()
    labels = {(c.id, lang): c.labels.get(lang, c.id) for c in vocab.concepts for lang in c.labels}
    out = {}
    for doc in docs:
        e = enrichments.get(doc.path)
        topics = {t: labels.get((t, doc.lang), t) for t in doc.meta.get("topics") or [] if isinstance(t, str)}
        regions = {r: labels.get((r, doc.lang), r) for r in doc.meta.get("regions") or [] if isinstance(r, str)}
        for tag in e.tags if e else []:
            (regions if tag.facet == "region" else topics).setdefault(tag.id, tag.label)
        out[doc.path] = render.Extras(topics=sorted(topics.items(), key=lambda kv: kv[1].lower()),
                                      regions=sorted(regions.items(), key=lambda kv: kv[1].lower()),
                                      acronyms=sorted({(a.short, a.long) for a in (e.acronyms if e else [])}),
                                      readability=e.readability if e else {})
    return out


def formatted_references(project: Project) -> dict[str, dict[str, str]]:
    """One pandoc citeproc call per language for every cited entry (French terms in French)."""
    from .citations import format_citations

    cited = {e.key: e for d in project.documents for k in d.meta.get("sources") or []
             if (e := project.literature.get(str(k)))}
    entries = [cited[k] for k in sorted(cited)]
    return {lang: format_citations(entries, lang) if entries else {} for lang in LANGS}


def handout_files(root: Path, project: Project, references: dict[str, dict[str, str]]) -> dict[tuple[str, str], bytes]:
    """A DOCX handout per brief and audience, made by pandoc and cached by content (pandoc is slow)."""
    import hashlib

    from .handouts import audience_handout_docx, handout_markdown

    cache = root / CACHE_DIR / "handouts"
    conf = settings.audiences()["audiences"]
    out = {}
    for doc in project.documents:
        if doc.kind != "brief":
            continue
        refs = [references.get(doc.lang, {}).get(str(k)) for k in doc.meta.get("sources") or []]
        for audience in conf:
            if audience not in (doc.meta.get("audiences") or []) or not render.section(doc, audience).strip():
                continue
            markdown = handout_markdown(doc, audience, [r for r in refs if r])
            title = f"{doc.meta.get('title', doc.id)} — {conf[audience]['heading'][doc.lang]}"
            key = hashlib.sha256("\0".join([HANDOUT_VERSION, markdown, title, doc.lang, str(render.published(doc))]).encode()).hexdigest()
            path = cache / f"{key}.docx"
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(audience_handout_docx(markdown, title, doc.lang, render.published(doc)))
            out[(doc.path, audience)] = path.read_bytes()
    return out


def source_date(project: Project) -> dt.date:
    dates = [as_date(d.meta.get(k)) for d in project.documents for k in ("published", "updated")]
    return max((d for d in dates if d), default=dt.date(2019, 1, 1))


def build_report(checked: Checked, pages: list[render.Page], assets: list[render.Asset]) -> dict:
    produced: dict[str, list[str]] = {f: [] for f in checked.project.files}
    for page in pages:
        for src in page.sources:
            produced.setdefault(src, []).append(page_url(page.path))
    for f in load.media_files(checked.project):  # copied beside the pages of each language
        produced.setdefault(f, []).extend(f"{prefix}{f.split('/', 1)[1]}" for prefix in ("", "fr/"))
    for asset in assets:
        for src in asset.sources:
            produced.setdefault(src, []).append(("" if asset.path.startswith("en/") else "fr/") + asset.path.split("/", 1)[1])
    by_file: dict[str, list[Diagnostic]] = {}
    for d in checked.diagnostics:
        by_file.setdefault(d.path, []).append(d)
    inputs = {}
    for f in sorted(set(produced) | set(by_file)):
        errs = errors(by_file.get(f, []))
        entry = {"status": "rejected" if errs and not produced.get(f) else "built",
                 "pages": sorted(set(produced.get(f, [])))}
        if by_file.get(f):
            entry["diagnostics"] = [d.to_json() for d in by_file[f]]
        if f.startswith("literature/"):
            entry["entries"] = sorted(e.key for e in checked.project.literature.entries.values() if e.path == f)
        inputs[f] = entry
    return {"inputs": inputs,
            "counts": {"inputs": len(inputs), "pages": len(pages), "rejected": sum(1 for v in inputs.values() if v["status"] == "rejected"),
                       "errors": len(errors(checked.diagnostics)), "warnings": len(checked.diagnostics) - len(errors(checked.diagnostics))}}


def build(root: Path) -> BuildResult:
    checked = check(root)
    bad = {d.path for d in errors(checked.diagnostics)}
    kept = [d for d in checked.project.documents if d.path not in bad]
    project = Project(root=checked.project.root, documents=kept, literature=checked.project.literature,
                      files=checked.project.files, diagnostics=checked.project.diagnostics)
    references = formatted_references(project)
    pages, assets = render.render_site(project, extras(kept, enrich_documents(root, kept)), references,
                                       handout_files(root, project, references))
    build_dir = root / "docs_build"
    media = {f.split("/", 1)[1]: root / f for f in load.media_files(project)}
    sitegen.write_docs(build_dir, pages, assets, media)
    config = sitegen.write_config(root, build_dir)
    warnings = sitegen.build_site(config, source_date(project))
    report = build_report(checked, pages, assets)
    (root / "site" / "build-report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                                     encoding="utf-8")
    return BuildResult(checked, report, warnings)
