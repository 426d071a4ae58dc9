"""CONTRIBUTING, followed step by step in a copy of the project, gives a brief that checks and builds;
the diagnostics it documents are the ones `passerelle check` prints, in both languages."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import copy_project
import yaml

ROOT = Path(__file__).resolve().parents[1]
PASSERELLE = Path(sys.executable).parent / "passerelle"
DOCS = {"en": ROOT / "CONTRIBUTING.md", "fr": ROOT / "CONTRIBUTING.fr.md"}
AUDIENCES = yaml.safe_load((ROOT / "scripts/passerelle/data/audiences.yml").read_text(encoding="utf-8"))
CODES = ["frontmatter-yaml", "frontmatter-missing", "frontmatter-duplicate-key", "unknown-audience", "duplicate-id",
         "missing-source", "raw-html", "unsafe-link", "not-utf8", "bib-duplicate-key", "bib-missing-field",
         "bib-encoding", "readability", "section-missing", "audience-over-cap"]

# What a contributor writes into the scaffold: a short brief on seed 000, in plain words.
FRONT = {
    "en": {"title": "What did PeaceGeeks learn about technology in settlement work?",
           "summary": "PeaceGeeks talked to 36 people in the sector in 2019. They found that agencies want to use more technology, but need rules, training and funding to do it well."},
    "fr": {"title": "Qu'a appris PeaceGeeks sur la technologie dans l'établissement?",
           "summary": "PeaceGeeks a interrogé 36 personnes du secteur en 2019. Les organismes veulent utiliser plus de technologie, mais il leur faut des règles, de la formation et du financement."},
}
SECTIONS = {
    "en": {
        "key-messages": "- Agencies want to use more technology with clients.\n- Staff need clear rules on phones, apps and privacy.\n- Funding for devices and training is part of the work.",
        "about": "This brief is about how settlement agencies use technology. It asks what helps and what gets in the way.",
        "methods": "PeaceGeeks did 36 interviews with agencies, governments and universities. They also read reports and studies. The work was funded by IRCC and came out in March 2019.",
        "findings": "- Newcomers use phones and apps to find help.\n- Staff feel able to help online, but lack rules on what they may do.\n- Many agencies do not have the devices or training they need.",
        "certainty": "The evidence is emerging. It comes from interviews and reading, not from tests of a service.",
        "currency": "The interviews were done before 2019. Apps and habits have changed since then.",
        "frontline": "Ask your manager what you may do on your phone with clients. Tell clients how to reach you in person, by phone and online.",
        "managers": "Write down your rules for messaging clients. Say which devices staff may use and when they may answer.",
        "funders": "The report asks for money for devices, digital skills and clear policies. It gives no costs.",
        "researchers": "The study used interviews and a review of reports. It did not test any online service. Tests of outreach in private chat groups would help.",
    },
    "fr": {
        "key-messages": "- Les organismes veulent utiliser plus de technologie avec leurs clients.\n- Le personnel a besoin de règles claires sur les téléphones, les applications et la vie privée.\n- Il faut aussi financer les appareils et la formation.",
        "about": "Ce résumé porte sur l'usage de la technologie dans les organismes d'établissement. Il demande ce qui aide et ce qui nuit.",
        "methods": "PeaceGeeks a mené 36 entrevues avec des organismes, des gouvernements et des universités. L'équipe a aussi lu des rapports et des études. IRCC a financé ce travail, paru en mars 2019.",
        "findings": "- Les nouveaux arrivants cherchent de l'aide avec leur téléphone et des applications.\n- Le personnel se sent capable d'aider en ligne, mais manque de règles.\n- Beaucoup d'organismes n'ont pas les appareils ni la formation voulus.",
        "certainty": "Les données sont émergentes. Elles viennent d'entrevues et de lectures, pas d'essais d'un service.",
        "currency": "Les entrevues ont eu lieu avant 2019. Les applications et les habitudes ont changé depuis.",
        "frontline": "Demandez à votre gestionnaire ce que vous pouvez faire avec votre téléphone. Dites aux clients comment vous joindre : en personne, par téléphone et en ligne.",
        "managers": "Écrivez vos règles pour les messages aux clients. Dites quels appareils le personnel peut utiliser et à quelles heures.",
        "funders": "Le rapport demande des fonds pour les appareils, les compétences numériques et des politiques claires. Il ne donne aucun coût.",
        "researchers": "L'étude repose sur des entrevues et une revue de rapports. Elle n'a testé aucun service en ligne. Des essais dans les groupes privés seraient utiles.",
    },
}


def table_rows(text: str, first_column: str) -> list[list[str]]:
    """Rows of every Markdown table whose header starts with `first_column`."""
    rows, inside = [], False
    for line in text.splitlines():
        if line.startswith(f"| {first_column} |"):
            inside = True
        elif inside and line.startswith("|"):
            if not line.startswith("|---"):
                rows.append([c.strip() for c in line.strip("|").split("|")])
        else:
            inside = False
    return rows


def documented_codes(lang: str) -> dict[str, str]:
    """Diagnostic code -> what the table says to do, from CONTRIBUTING."""
    rows = table_rows(DOCS[lang].read_text(encoding="utf-8"), "code")
    return {re.match(r"`([a-z0-9-]+)`", r[0]).group(1): r[2] for r in rows}


# --- the documents themselves ---------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_common_diagnostic_is_explained(lang):
    codes = documented_codes(lang)
    assert set(CODES) <= set(codes)
    assert all(len(fix.split()) >= 4 for fix in codes.values())


@pytest.mark.parametrize("lang, first", [("en", "heading"), ("fr", "titre")])
def test_audience_targets_are_the_numbers_of_audiences_yml(lang, first):
    text = DOCS[lang].read_text(encoding="utf-8")
    rows = [r for r in table_rows(text, first) if len(r) == 7]
    by_id = {r[1].strip("`"): r for r in rows}
    assert list(by_id) == list(AUDIENCES["audiences"])
    for aid, spec in AUDIENCES["audiences"].items():
        numbers = [int(n) for n in re.findall(r"\d+", " ".join(by_id[aid][3:]))]
        expected = [spec["words"], spec["en_grade"], spec["fr_kandel_moles"], spec["lix"]] if lang == "en" else \
            [spec["words"], spec["fr_kandel_moles"], spec["lix"], spec["en_grade"]]
        assert numbers == expected, aid
        assert by_id[aid][0] == spec["heading"][lang]
    assert f"{int(AUDIENCES['cap_tolerance'] * 100)}" in text


@pytest.mark.parametrize("lang, first", [("en", "heading"), ("fr", "titre")])
def test_core_sections_are_the_scaffolds(lang, first):
    rows = [r for r in table_rows(DOCS[lang].read_text(encoding="utf-8"), first) if len(r) == 3]
    scaffold = (ROOT / f"scripts/passerelle/data/scaffolds/brief.{lang}.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+) \{#([a-z-]+)\}$", scaffold, re.M)
    assert [(r[0], r[1].strip("`")) for r in rows] == headings[:len(AUDIENCES["core_sections"])]


def test_documented_codes_are_codes_the_tools_emit():
    emitted = set()
    for path in (ROOT / "scripts" / "passerelle").glob("*.py"):
        emitted |= set(re.findall(r'"([a-z0-9]+(?:-[a-z0-9]+)+|readability)"', path.read_text(encoding="utf-8")))
    assert set(documented_codes("en")) - emitted == set()


def test_both_languages_describe_the_same_things():
    en, fr = (DOCS[lang].read_text(encoding="utf-8") for lang in ("en", "fr"))
    assert documented_codes("en").keys() == documented_codes("fr").keys()
    commands = lambda t: sorted(set(re.findall(r"passerelle [a-z]+", t)))
    assert commands(en) == commands(fr)
    assert "CONTRIBUTING.fr.md" in en and "CONTRIBUTING.md" in fr
    for text in (en, fr):
        assert "content/pilots/<id>." in text and "type: pilot" in text
        assert "Zotero" in text and "JabRef" in text and "literature/" in text
        assert "accepted-submission" in text


# --- following the steps --------------------------------------------------------------------------

def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(PASSERELLE), *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def fill(text: str, lang: str) -> str:
    """What the contributor does by hand: fill the front matter placeholders and every section."""
    front, body = text[4:].split("\n---\n", 1)
    for placeholder, value in (('title: ""', f'title: "{FRONT[lang]["title"]}"'),
                               ('summary: ""', f'summary: "{FRONT[lang]["summary"]}"'),
                               ("sources: []", "sources: [peacegeeks2019settlement]"),
                               ("type: [report-synthesis]", "type: [situational-analysis, interviews, literature-review]")):
        assert placeholder in front, f"the scaffold has no '{placeholder}' line to fill"
        front = front.replace(placeholder, value)
    parts = re.split(r"^(## .+ \{#([a-z-]+)\})$", body, flags=re.M)
    out = []
    for i in range(1, len(parts), 3):
        heading, sid = parts[i], parts[i + 1]
        out.append(f"{heading}\n\n{SECTIONS[lang][sid]}\n")
    return f"---\n{front}\n---\n\n" + "\n".join(out)


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    """A copy of the project where the steps of CONTRIBUTING have been followed for test-brief."""
    if not PASSERELLE.exists():
        pytest.skip("the passerelle command is not installed yet")
    root = tmp_path_factory.mktemp("contrib")
    copy_project(ROOT, root)
    for lang in ("en", "fr"):
        r = cli("new", "brief", "--id", "test-brief", "--lang", lang, cwd=root)
        assert r.returncode == 0, r.stdout + r.stderr
        path = root / "content" / "briefs" / f"test-brief.{lang}.md"
        assert f"content/briefs/test-brief.{lang}.md" in r.stdout
        path.write_text(fill(path.read_text(encoding="utf-8"), lang), encoding="utf-8")
    return root


def test_the_written_brief_checks_clean(written):
    r = cli("check", cwd=written)
    assert r.returncode == 0, r.stdout + r.stderr
    mine = [line for line in r.stdout.splitlines() if line.startswith("content/briefs/test-brief.")]
    assert not [line for line in mine if ": error: " in line], mine


def test_the_written_brief_builds_into_pages(written):
    r = cli("build", cwd=written)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    pages = [p for p in (written / "site").rglob("*.html") if "test-brief" in p.as_posix()]
    english = [p for p in pages if "/fr/" not in p.relative_to(written).as_posix()]
    french = [p for p in pages if "/fr/" in p.relative_to(written).as_posix()]
    assert english and french, pages
    assert any(FRONT["en"]["title"] in p.read_text(encoding="utf-8") for p in english)
    assert any(FRONT["fr"]["title"].replace("'", "&#39;") in p.read_text(encoding="utf-8")
               or FRONT["fr"]["title"] in p.read_text(encoding="utf-8") for p in french)


def mutate_brief(root: Path, old: str, new: str) -> None:
    path = root / "content/briefs/test-brief.en.md"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# Each documented diagnostic, caused the way a contributor would cause it.
MISTAKES = {
    "frontmatter-yaml": lambda r: mutate_brief(r, 'title: "What did', 'title: "What: did" "'),
    "frontmatter-missing": lambda r: mutate_brief(r, "summary: ", "# summary: "),
    "frontmatter-duplicate-key": lambda r: mutate_brief(r, "type: brief\n", "type: brief\ntype: brief\n"),
    "unknown-audience": lambda r: mutate_brief(r, "audiences: [frontline,", "audiences: [volunteers, frontline,"),
    "duplicate-id": lambda r: (r / "content/briefs/test-brief-copy.en.md").write_text(
        (r / "content/briefs/test-brief.en.md").read_text(encoding="utf-8"), encoding="utf-8"),
    "missing-source": lambda r: mutate_brief(r, "sources: [peacegeeks2019settlement]", "sources: [peacegeeks2019setlement]"),
    "raw-html": lambda r: mutate_brief(r, "This brief is about", '<div class="note">This brief is about</div>'),
    "unsafe-link": lambda r: mutate_brief(r, "This brief is about", "[This brief](javascript:alert(1)) is about"),
    "not-utf8": lambda r: (r / "content/briefs/test-brief.en.md").write_bytes(
        (r / "content/briefs/test-brief.en.md").read_text(encoding="utf-8").replace("about how", "about how café").encode("latin-1")),
    "bib-duplicate-key": lambda r: (r / "literature/copy.bib").write_text(
        (r / "literature/seeds.bib").read_text(encoding="utf-8"), encoding="utf-8"),
    "bib-missing-field": lambda r: (r / "literature/extra.bib").write_text(
        "@techreport{agency2021notes,\n  institution = {Example Agency},\n  year = {2021}\n}\n", encoding="utf-8"),
    "bib-encoding": lambda r: (r / "literature/extra.bib").write_bytes(
        "@misc{agency2021notes,\n  author = {{Société d'exemple}},\n  title = {Notes},\n  year = {2021}\n}\n".encode("latin-1")),
    "section-missing": lambda r: mutate_brief(r, "## What did they find? {#findings}", "## What they found"),
    "audience-over-cap": lambda r: mutate_brief(r, "Ask your manager", "Ask your manager. " + "Tell clients how. " * 300),
    "readability": lambda r: mutate_brief(r, "Ask your manager what you may do on your phone with clients.",
                                          "Notwithstanding organizational considerations, practitioners' institutionalized "
                                          "communication methodologies necessitate comprehensive administrative authorization "
                                          "preceding technologically mediated interactions with immigrant populations."),
    "audience-part-missing": lambda r: mutate_brief(r, "## For managers {#managers}\n\n" + SECTIONS["en"]["managers"] + "\n", ""),
    "section-empty": lambda r: mutate_brief(r, SECTIONS["en"]["about"], ""),
    "unsafe-attribute": lambda r: mutate_brief(r, SECTIONS["en"]["about"], SECTIONS["en"]["about"] + '\n{: onclick="alert(1)" }'),
    "snippet-include": lambda r: mutate_brief(r, SECTIONS["en"]["about"], SECTIONS["en"]["about"] + '\n\n--8<-- ".git/config"'),
    "source-incomplete": lambda r: ((r / "literature/extra.bib").write_text(
        "@techreport{agency2021notes,\n  institution = {Example Agency},\n  year = {2021}\n}\n", encoding="utf-8"),
        mutate_brief(r, "sources: [peacegeeks2019settlement]", "sources: [peacegeeks2019settlement, agency2021notes]")),
    "missing-translation": lambda r: (r / "content/briefs/test-brief.fr.md").unlink(),
    "id-mismatch": lambda r: (r / "content/briefs/test-brief.en.md").rename(r / "content/briefs/test-brief-renamed.en.md"),
    "frontmatter-unknown-field": lambda r: mutate_brief(r, "type: brief\n", "type: brief\nauthor: \"Me\"\n"),
}


@pytest.mark.parametrize("code", sorted(MISTAKES))
def test_documented_diagnostic_is_what_check_prints(written, tmp_path, code):
    root = tmp_path / "p"
    shutil.copytree(written, root, ignore=shutil.ignore_patterns("site", "docs_build", ".cache"))
    MISTAKES[code](root)
    r = cli("check", cwd=root)
    lines = r.stdout.splitlines()
    hits = [i for i, line in enumerate(lines) if line.endswith(f"[{code}]")]
    if not hits and code == "readability" and '"readability"' not in (ROOT / "scripts/passerelle/validate.py").read_text(encoding="utf-8"):
        pytest.skip("passerelle check does not score readability yet")
    assert hits, f"check did not report {code}:\n{r.stdout}{r.stderr}"
    assert re.match(r"^[^:]+:\d+:\d+: (error|warning): ", lines[hits[0]])
    assert hits[0] + 1 < len(lines) and lines[hits[0] + 1].startswith(" "), "no hint under the diagnostic"
    if ": error: " in lines[hits[0]]:
        assert r.returncode == 1
    for lang in ("en", "fr"):
        assert code in documented_codes(lang)
