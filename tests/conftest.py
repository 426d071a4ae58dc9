"""Shared fixtures: a throw-away copy of a Passerelle project, and the CLI run in-process or as a command."""
from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hypothesis import settings as hypothesis_settings

# Property tests explore the same examples on every run, so CI never turns red by chance;
# PASSERELLE_EXPLORE=1 lets hypothesis search fresh examples (do it when changing the validator).
hypothesis_settings.register_profile("repeatable", derandomize=True, database=None)
hypothesis_settings.register_profile("explore")
hypothesis_settings.load_profile("explore" if os.environ.get("PASSERELLE_EXPLORE") else "repeatable")

# Messages follow LC_ALL/LC_MESSAGES/LANG for files without a language: the suite asserts English text,
# so it runs in no locale of its own (tests of the French messages set theirs).
for _var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
    os.environ.pop(_var, None)

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PASSERELLE_SHARED", REPO.parent / "shared"))
SEED_000 = SHARED / "seeds" / "000_37bf8fe306eb0732.txt"


def shared_file(path: Path) -> Path:
    """Test data from the project's shared/ folder (seeds, corpora), beside the repository in CI.
    A clone without it skips these tests, naming the folder, instead of failing to collect."""
    if not path.exists():
        pytest.skip(f"{path} is absent: clone the repository beside its shared/ folder or set PASSERELLE_SHARED")
    return path
BIN = Path(sys.executable).parent


def minimal_brief(lang: str = "en", bid: str = "test-brief", **fields: str) -> str:
    """A short, valid brief written from seed 000 facts; tests change one thing at a time."""
    meta = {
        "id": bid, "type": "brief",
        "title": "Why do many newcomers not use settlement services?" if lang == "en" else "Pourquoi tant de nouveaux arrivants n'utilisent-ils pas les services?",
        "summary": "Between 60 and 70% of newcomers do not use settlement services." if lang == "en" else "Entre 60 et 70 % des nouveaux arrivants n'utilisent pas les services d'établissement.",
        "sources": "[peacegeeks2019settlement]", "audiences": "[frontline, managers, funders]",
        "published": "2026-11-23", "evidence": "{strength: emerging, type: [literature-review]}",
    }
    meta.update(fields)
    quoted = ("id", "title", "summary")
    head = "\n".join(f'{k}: "{v}"' if k in quoted and v[:1] not in ("'", '"') else f"{k}: {v}"
                     for k, v in meta.items() if v is not None)
    body = {
        "en": ["What you need to know", "What is this research about?", "What did the researchers do?", "What did they find?",
               "How sure are we?", "How up to date is this?", "For front-line workers", "For managers", "For funders"],
        "fr": ["Ce qu'il faut retenir", "De quoi parle cette recherche?", "Qu'ont fait les chercheurs?", "Qu'ont-ils trouvé?",
               "Quel est le degré de certitude?", "Ces renseignements sont-ils à jour?", "Pour les intervenants", "Pour les gestionnaires",
               "Pour les bailleurs de fonds"]}[lang]
    ids = ["key-messages", "about", "methods", "findings", "certainty", "currency", "frontline", "managers", "funders"]
    text = {"en": "Many newcomers never reach an agency. Most do not know about services, or feel they do not need them.",
            "fr": "Beaucoup de nouveaux arrivants ne viennent jamais. La plupart ne connaissent pas les services."}[lang]
    sections = "\n\n".join(f"## {h} {{#{i}}}\n\n{'- ' if i == 'key-messages' else ''}{text}" for h, i in zip(body, ids))
    return f"---\n{head}\n---\n\n{sections}\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A valid project with one bilingual brief and the real seed literature."""
    root = tmp_path / "p"
    (root / "content" / "briefs").mkdir(parents=True)
    (root / "literature").mkdir()
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "overrides", root / "overrides")
    shutil.copy(REPO / "literature" / "seeds.bib", root / "literature" / "seeds.bib")
    (root / "content" / "briefs" / "test-brief.en.md").write_text(minimal_brief("en"), encoding="utf-8")
    (root / "content" / "briefs" / "test-brief.fr.md").write_text(minimal_brief("fr"), encoding="utf-8")
    return root


def run_cli(*args: str) -> tuple[int, str, str]:
    """The CLI in-process (fast), with its real argument parsing and exit codes."""
    from passerelle.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main(list(args))
    return rc, out.getvalue(), err.getvalue()


def check_json(root: Path) -> tuple[int, dict]:
    rc, out, err = run_cli("check", "--root", str(root), "--format", "json")
    assert "Traceback" not in out + err
    return rc, json.loads(out)


def command(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The installed console script, as a user runs it."""
    return subprocess.run([str(BIN / "passerelle"), *args], cwd=cwd, capture_output=True, text=True, timeout=900)


def copy_project(src: Path, dst: Path) -> Path:
    dst.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml", "overrides", "content", "literature"):
        if (src / name).is_dir():
            shutil.copytree(src / name, dst / name)
        elif (src / name).exists():
            shutil.copy(src / name, dst / name)
    return dst


@pytest.fixture(scope="session")
def bundled_site(tmp_path_factory) -> Path:
    """The bundled content built once, by the installed command, in a copy of the project."""
    root = copy_project(REPO, tmp_path_factory.mktemp("bundled"))
    r = command("build", cwd=root)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return root
