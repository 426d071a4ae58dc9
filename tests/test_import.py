"""`passerelle import`: a report (DOCX, ODT, HTML) becomes a draft brief that check names until written."""
from __future__ import annotations

import argparse
import re
from pathlib import Path

import pypandoc
import pytest
import yaml

from passerelle import importer, settings
from passerelle.commands import import_report as import_command
from passerelle.load import load_document
from passerelle.markup import strip_comments
from passerelle.validate import scan_markdown

from conftest import check_json

# A short report written from seed 000's own facts, with the headings a real report has.
REPORT_EN = r"""# Settlement 2.0 Project: Situational Analysis

## Introduction

This report provides a snapshot of the current state of the technological and innovative capacities of
the immigrant and refugee-serving sector in Canada. PeaceGeeks Society received funding from Immigration,
Refugees and Citizenship Canada (IRCC) to develop a strategic vision for the sector.

## Methodology

PeaceGeeks held 36 confidential interviews with settlement organizations, federal and provincial
governments, umbrella organizations and academics across the country, and carried out a literature review.

## Findings

Agencies collect a lot of client data, mainly for output reporting to IRCC, but lack the staff and skills
to analyse it. Innovation often happens "on the side of the desk". Budgets show that a \<script\> tag and
a < sign stay text, and an arrow --> never closes a comment.

```
## not a brief section
```

### Data capacity

Client details are often entered more than once, for different programs or funders.

## Limitations

The interviews describe needs and views; they do not test solutions.
"""

REPORT_FR = """# Analyse de la situation du secteur de l'établissement

## Introduction

Ce rapport présente un aperçu de la capacité technologique et de l'innovation des organismes qui servent
les immigrants et les réfugiés au Canada. Il est financé par Immigration, Réfugiés et Citoyenneté Canada.

## Méthodologie

Les auteurs ont mené des entrevues confidentielles avec des organismes d'établissement, des gouvernements
et des chercheurs, et ont fait une revue de la littérature.

## Résultats

Les organismes recueillent beaucoup de données sur leurs clients, surtout pour rendre des comptes au
bailleur de fonds, mais ils manquent de personnel pour les analyser.
"""


def _make(tmp_path: Path, text: str, fmt: str, name: str) -> Path:
    out = tmp_path / name
    pypandoc.convert_text(text, fmt, format="markdown", outputfile=str(out))
    return out


def _import(root: Path, path: Path, **kw) -> int:
    args = argparse.Namespace(path=str(path), key=kw.get("key"), lang=kw.get("lang"), id=kw.get("id"), root=str(root))
    return import_command.run(args)


def _new_briefs(root: Path, before: set[Path]) -> list[Path]:
    return sorted(set((root / "content").rglob("*.md")) - before)


def _front(path: Path) -> tuple[dict, str]:
    m = re.match(r"^---\n(.*?\n)---\n(.*)$", path.read_text(encoding="utf-8"), re.S)
    assert m, "no front matter"
    return yaml.safe_load(m.group(1)), m.group(2)


def _fill(path: Path, lang: str) -> None:
    """What an author does: write every section in plain words (the comments may stay)."""
    text = {"en": "Many agencies hold client data but lack the time and skills to use it.",
            "fr": "Beaucoup d'organismes ont des données, mais pas le temps de les analyser."}[lang]
    body = re.sub(r"(?m)^(## .*\{#(?P<id>[a-z-]+)\})$",
                  lambda m: f"{m.group(1)}\n\n{'- ' if m.group('id') == 'key-messages' else ''}{text}",
                  path.read_text(encoding="utf-8"))
    path.write_text(body.replace("\n- \n", "\n"), encoding="utf-8")


def test_docx_report_becomes_a_draft_that_check_names_then_accepts(project, tmp_path, capsys):
    docx = _make(tmp_path, REPORT_EN, "docx", "settlement-report.docx")
    before = set((project / "content").rglob("*.md"))
    assert _import(project, docx) == 0
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    (draft,) = _new_briefs(project, before)
    assert draft.name == "settlement-2-0-project-situational-analysis.en.md" and draft.name in out.out
    meta, body = _front(draft)
    assert meta["title"] == "Settlement 2.0 Project: Situational Analysis"
    assert meta["sources"] == ["peacegeeks2019settlement"]  # matched in literature/ by the report's title
    assert meta["summary"].startswith("This report provides a snapshot")
    assert meta["evidence"] == {"strength": "emerging", "type": ["report-synthesis"]}
    assert meta["audiences"] == ["frontline", "managers", "funders", "researchers"]
    assert "CANDIDATE" in draft.read_text(encoding="utf-8")  # the summary is marked as one to rewrite
    assert re.search(r"(?m)^# topics: \[.*(data-and-evaluation|funding-and-capacity)", draft.read_text(encoding="utf-8"))

    doc, problems = load_document(draft, draft.relative_to(project).as_posix(), "brief")
    assert not problems
    core = list(settings.content_model().core_sections)
    assert [s.id for s in doc.sections] == core + ["frontline", "managers", "funders", "researchers"]
    # The report's text sits in comments under the sections its headings match, never published.
    assert "36 confidential interviews" in doc.section("methods")
    assert "side of the desk" in doc.section("findings") and "entered more than once" in doc.section("findings")
    assert "they do not test solutions" in doc.section("certainty")
    assert "snapshot of the current state" in doc.section("about")
    assert all(strip_comments(doc.section(s)) in ("", "-") for s in core)
    # No raw HTML, no comment closed early, no extra section from the code block.
    assert not scan_markdown(doc.path, doc.body, doc.body_line)
    assert "<script" not in body and "&lt;script" in body and "&lt; sign stay text" in body
    assert body.count("<!--") == body.count("-->")
    assert len(body.split()) >= 100

    rc, report = check_json(project)
    assert rc == 1
    errors = [d for d in report["diagnostics"] if d["severity"] == "error"]
    assert errors and {d["path"] for d in errors} == {draft.relative_to(project).as_posix()}
    assert {d["code"] for d in errors} == {"section-empty"} and len(errors) == 10

    _fill(draft, "en")
    rc, report = check_json(project)
    assert rc == 0, [d for d in report["diagnostics"] if d["severity"] == "error"]
    doc, _ = load_document(draft, draft.relative_to(project).as_posix(), "brief")
    assert strip_comments(doc.section("methods")).startswith("Many agencies hold client data")

    # Importing the same report again never overwrites: the id gets a suffix.
    assert _import(project, docx) == 0
    assert (project / "content" / "briefs" / "settlement-2-0-project-situational-analysis-2.en.md").exists()


def test_odt_in_french_and_html_inputs(project, tmp_path, capsys):
    odt = _make(tmp_path, REPORT_FR, "odt", "rapport.odt")
    before = set((project / "content").rglob("*.md"))
    assert _import(project, odt, key="nsct2022mobilizing") == 0
    (draft,) = odt_draft, = _new_briefs(project, before)
    assert draft.name.endswith(".fr.md")  # detected from the text
    meta, body = _front(draft)
    assert meta["sources"] == ["nsct2022mobilizing"]
    assert meta["title"] == "Mobilizing Knowledge in the Immigrant and Refugee-serving Sector"  # the entry's title
    assert "## Ce qu'il faut retenir {#key-messages}" in body and "Donnée avec --key" in draft.read_text(encoding="utf-8")
    doc, _ = load_document(draft, draft.relative_to(project).as_posix(), "brief")
    assert "entrevues confidentielles" in doc.section("methods")
    assert "manquent de personnel" in doc.section("findings")

    html = tmp_path / "page.html"
    html.write_text("<html><head><title>Newcomers and technology</title></head><body><h1>Overview</h1>"
                    "<p>Newcomers use their phones to find information before and after they arrive in Canada, "
                    "and many agencies now offer services online as well as in person.</p>"
                    "<script>alert(1)</script><p onclick='x()'>Workers ask for training <b>time</b>.</p>"
                    '<p><a href="javascript:alert(2)">a link</a> and <a href="https://km4s.ca/">KM4S</a></p>'
                    '<img src="https://tracker.example/x.png" alt="tracker"></body></html>', encoding="utf-8")
    before = set((project / "content").rglob("*.md"))
    assert _import(project, html, lang="en", id="newcomers-and-technology") == 0
    (draft,) = _new_briefs(project, before)
    assert draft.name == "newcomers-and-technology.en.md"
    meta, body = _front(draft)
    # no entry matched: the report's own entry, with only what the page states (its title), is written and cited
    assert meta["title"] == "Newcomers and technology" and meta["sources"] == ["newcomers"]
    bib = (project / "literature" / "imported.bib").read_text(encoding="utf-8")
    assert "@misc{newcomers," in bib and "title = {Newcomers and technology}" in bib and "author" not in bib
    assert bib.startswith("% Made by `passerelle import`")
    assert "alert(1)" not in body and "onclick" not in body and "javascript:" not in body
    assert "https://tracker.example" not in body and "[KM4S](https://km4s.ca/)" in body
    assert "training **time**" in body
    assert "is in literature/imported.bib: review it" in draft.read_text(encoding="utf-8")
    rc, report = check_json(project)
    named = {d["path"] for d in report["diagnostics"] if d["severity"] == "error"}
    assert rc == 1 and named == {odt_draft.relative_to(project).as_posix(), draft.relative_to(project).as_posix()}
    assert any(d["code"] == "source-incomplete" and d["path"].endswith(draft.name) for d in report["diagnostics"])
    assert _import(project, html, id="newcomers-and-technology") == 2  # an id already taken is refused
    assert "already exists" in capsys.readouterr().err


@pytest.mark.parametrize("name, content, rc, words", [
    ("missing.docx", None, 2, "no such file"),
    ("report.pdf", b"%PDF-1.4", 2, "cannot be imported"),
    ("broken.docx", b"this is not a zip file", 1, "could not read the file as DOCX"),
])
def test_bad_inputs_give_a_message_not_a_traceback(project, tmp_path, capsys, name, content, rc, words):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    before = set((project / "content").rglob("*.md"))
    assert _import(project, path) == rc
    err = capsys.readouterr().err
    assert words in err and "hint:" in err and "Traceback" not in err
    assert not _new_briefs(project, before)


def test_unknown_key_and_not_a_project(project, tmp_path, capsys):
    docx = _make(tmp_path, REPORT_EN, "docx", "r.docx")
    assert _import(project, docx, key="nosuchkey2020") == 2
    assert "no such entry in literature/" in capsys.readouterr().err
    assert _import(tmp_path, docx) == 2
    assert "not a Passerelle project" in capsys.readouterr().err


def test_inert_text_cannot_break_out_of_its_comment():
    text = importer.inert("# Title\n\n## Methods {#methods}\n\n```\ncode\n```\n\na --> b <!-- c <b>bold</b> "
                          "<https://x.org> [x](javascript:y) ![pic](http://t/x.png)")
    assert "-->" not in text and "<!--" not in text and "<b>" not in text and "&lt;b>" in text
    assert "<https://x.org>" in text and "javascript:" not in text and "[image: pic]" in text
    assert "### Title" in text and "#### Methods" in text and "\n    ```" in text


def test_language_detection_and_budget():
    assert importer.detect_lang(REPORT_EN) == "en" and importer.detect_lang(REPORT_FR) == "fr"
    materials = {"about": ["one two three\n\n" + "word " * 50], "methods": ["four five " * 40]}
    kept, dropped = importer._budget(materials, 100)
    assert kept == {"about": ["one two three"]} and dropped == 50 + 80
