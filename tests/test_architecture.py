"""The shape of the package holds as it grows: import layers (import-linter), MkDocs only in the site
generator layer, one writer of the Markdown dialect, no printing library module, no function that
needs a scroll, one address maker. And the bugs the reshaping fixed stay fixed."""
from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest

from conftest import BIN, REPO

PACKAGE = REPO / "scripts" / "passerelle"
MAX_FUNCTION_LINES = 60
# Python-Markdown's output-only syntax: md_in_html blocks, admonitions, abbreviation definitions
DIALECT = re.compile(r"""\smarkdown(=["']1["'])?>|^!!! |^\*\[|class="admonition""", re.M)


def modules() -> dict[str, Path]:
    return {f.relative_to(PACKAGE).with_suffix("").as_posix(): f for f in sorted(PACKAGE.rglob("*.py"))}


def trees() -> dict[str, ast.Module]:
    return {name: ast.parse(path.read_text(encoding="utf-8")) for name, path in modules().items()}


def test_import_contracts_hold():
    """Layers and the MkDocs boundary, as declared in pyproject.toml ([tool.importlinter])."""
    result = subprocess.run([str(BIN / "lint-imports"), "--no-cache"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "2 kept, 0 broken" in result.stdout


def test_only_the_generator_layer_imports_the_generator():
    """MkDocs, Material and mkdocs-static-i18n (plugins MkDocs loads itself) stay inside sitegen/."""
    generator = ("mkdocs", "material", "mkdocs_static_i18n")
    importing = sorted({name for name, tree in trees().items() for node in ast.walk(tree)
                        if isinstance(node, (ast.Import, ast.ImportFrom))
                        for mod in ([a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""])
                        if mod.split(".")[0] in generator})
    assert importing and all(name.startswith("sitegen/") for name in importing), importing


def test_no_function_needs_a_scroll():
    long = [f"{name}.{node.name} ({node.end_lineno - node.lineno + 1} lines)"
            for name, tree in trees().items() for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long


def test_library_modules_never_print():
    """Only commands talk to the terminal; library modules return records or raise."""
    printing = sorted({name for name, tree in trees().items() if not (name == "cli" or name.startswith("commands/"))
                       for node in ast.walk(tree)
                       if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print"})
    assert not printing


def test_library_modules_never_import_commands():
    offenders = []
    for name, tree in trees().items():
        if name == "cli" or name.startswith("commands/"):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in ("cli", "commands"):
                offenders.append(name)
    assert not offenders


def _strings(tree: ast.Module) -> list[str]:
    out = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    out += [v.value for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values
            if isinstance(v, ast.Constant) and isinstance(v.value, str)]
    return out


def test_markdown_dialect_is_written_by_markup_only():
    writers = sorted(name for name, tree in trees().items()
                     if not name.startswith("sitegen/") and any(DIALECT.search(s) and "\\" not in s and "(?" not in s
                                                                for s in _strings(tree)))
    assert writers == ["markup"]


def test_only_the_generator_layer_knows_docs_build():
    knowing = sorted(name for name, tree in trees().items() if any("docs_build" in s for s in _strings(tree)))
    assert knowing and all(name.startswith("sitegen/") for name in knowing), knowing


def test_addresses():
    from passerelle import urls
    from passerelle.kinds import BRIEF, PILOT

    view = urls.audience_view(BRIEF, "fr", "x", "funders")
    assert view == "fr/briefs/x/funders.md" and urls.published(view) == "fr/briefs/x/funders/"
    assert urls.published(urls.home("en")) == "" and urls.published(urls.home("fr")) == "fr/"
    assert urls.published(urls.single("en", "about")) == "about/"
    assert urls.published(urls.download(view, "x", ".bib")) == "fr/briefs/x/funders/x.bib"
    assert urls.link(view, urls.topic("fr", "employment")) == "../../topics/employment.md"
    assert urls.link(view, urls.download(view, "x", ".ris")) == "funders/x.ris"
    assert urls.href(urls.document(PILOT, "fr", "p"), urls.document(PILOT, "en", "p")) == "../../../pilots/p/"
    assert urls.href(urls.document(BRIEF, "en", "b"), urls.document(BRIEF, "fr", "b")) == "../../fr/briefs/b/"
    # links are made by splitting addresses, not by os.path: the same answers as posixpath.relpath
    import itertools
    import posixpath
    sources = [urls.home("en"), urls.home("fr"), view, urls.document(PILOT, "en", "p"), urls.topic("fr", "employment"),
               urls.single("en", "about"), urls.download(view, "x", ".bib"), urls.listing("fr", ("briefs",))]
    for page, target in itertools.product(sources, sources):
        assert urls.link(page, target) == posixpath.relpath(target, posixpath.dirname(page)), (page, target)


PILOT_EN = """---
id: shared-data-pilot
type: pilot
title: "A shared data pilot among local agencies"
summary: "Agencies in one area tried recording their clients in one shared system."
sources: [peacegeeks2019settlement]
status: active
updated: 2026-12-03
---

## What was tried {#what-was-tried}

Written in English only for this test.

## For whom {#for-whom}

Local agencies.

## What happened {#what-happened}

Nothing reported yet.

## Lessons for others {#lessons}

None yet.
"""


def test_one_language_pilot_links_to_its_pilot_page(project):
    """Fixed by the reshaping: the notice for a pilot missing in French pointed at /briefs/<id>/ (a
    page that does not exist); it now points at the English pilot page."""
    from passerelle.build import build

    (project / "content" / "pilots").mkdir()
    (project / "content" / "pilots" / "shared-data-pilot.en.md").write_text(PILOT_EN, encoding="utf-8")
    result = build(project)
    pages = result.report.inputs["content/pilots/shared-data-pilot.en.md"].pages
    assert {"fr/pilots/shared-data-pilot/", "pilots/shared-data-pilot/", "pilots/shared-data-pilot/card.json",
            "pilots/", "fr/pilots/", "pilots/status/active/"} <= set(pages)
    assert not [p for p in pages if "shared-data-pilot" not in p and not p.startswith(("pilots/", "fr/pilots/"))
                and not re.fullmatch(r"data/[a-z0-9-]+\.(json|csv)|(fr/)?feed\.xml|(fr/)?gap-map/.*", p)]
    # open data and the evidence gap map list every pilot
    notice = (project / "site" / "fr" / "pilots" / "shared-data-pilot" / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]*)" hreflang="en" lang="en"', notice)
    assert links == ["../../../pilots/shared-data-pilot/"]
    assert (project / "site" / "fr" / "pilots" / "shared-data-pilot" / links[0] / "index.html").resolve().is_file()


def test_nav_titles_come_from_strings_in_both_languages():
    """The nav's English titles are strings.yml's; mkdocs.yml translates them by title, so its French
    titles must be strings.yml's French ones."""
    import yaml

    from passerelle import settings
    from passerelle.sitegen.mkdocs_site import NAV

    class Tolerant(yaml.SafeLoader):
        pass

    Tolerant.add_multi_constructor("!", lambda loader, suffix, node: None)
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Tolerant)
    i18n = next(p["i18n"] for p in config["plugins"] if isinstance(p, dict) and "i18n" in p)
    french = next(lang for lang in i18n["languages"] if lang["locale"] == "fr")["nav_translations"]
    assert french == {settings.text("en", key): settings.text("fr", key) for key, _ in NAV}


def test_a_kind_declares_its_required_sections(project):
    """A content kind without the brief's model is checked against the sections its declaration names."""
    import dataclasses

    from passerelle import kinds, validate
    from passerelle.load import load_project

    (project / "content" / "pilots").mkdir()
    (project / "content" / "pilots" / "shared-data-pilot.en.md").write_text(PILOT_EN, encoding="utf-8")
    strict = dataclasses.replace(kinds.PILOT, required_sections=("what-did-not-work",))
    original = kinds.BY_NAME["pilot"]
    kinds.BY_NAME["pilot"] = strict
    try:
        found = validate.validate(load_project(project))
    finally:
        kinds.BY_NAME["pilot"] = original
    missing = [d for d in found if d.path.endswith("shared-data-pilot.en.md") and d.code == "section-missing"]
    assert len(missing) == 1 and "what-did-not-work" in missing[0].message and missing[0].line == 11
    assert not [d for d in validate.validate(load_project(project)) if d.code == "section-missing"]
