"""Every message in both languages (data/messages.yml), said in the language of the file it is about,
and CONTRIBUTING's list of messages generated from the same file.

PASSERELLE_UPDATE_DOCS=1 rewrites the generated lists in CONTRIBUTING.md and CONTRIBUTING.fr.md."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO, SHARED, minimal_brief, run_cli, shared_file
from passerelle import report, settings
from passerelle.records import LANGS

DATA = REPO / "scripts" / "passerelle" / "data" / "messages.yml"
DOCS = {"en": REPO / "CONTRIBUTING.md", "fr": REPO / "CONTRIBUTING.fr.md"}
PASSERELLE = Path(sys.executable).parent / "passerelle"
FRENCH = re.compile(r"\b(le|la|les|du|des|une|est|ajoutez|supprimez|inconnu|vérifiez|enregistrez)\b", re.I)


@pytest.fixture(autouse=True)
def english_locale(monkeypatch):
    """The tests say which language they want; the developer's own locale must not decide."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)


# --- the catalogue ------------------------------------------------------------------------------------------

def test_every_code_has_a_message_and_a_hint_in_both_languages():
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    for key, entry in raw["codes"].items():
        for part in ("message", "hint"):
            for lang in LANGS:
                assert isinstance(entry.get(part, {}).get(lang), str) and entry[part][lang].strip(), (key, part, lang)
            names = {lang: settings.placeholders(entry[part][lang]) for lang in LANGS}
            assert names["en"] == names["fr"], (key, part, names)
    for section in ("hints", "terms", "texts"):
        for key, text in raw[section].items():
            assert all(isinstance(text.get(lang), str) and text[lang].strip() for lang in LANGS), (section, key)


def test_every_message_the_code_makes_is_in_the_catalogue():
    """problem(..., "key") and FrontMatterError("key", ...) name entries that exist."""
    codes = settings.messages().codes
    used = set()
    for path in (REPO / "scripts" / "passerelle").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'problem\([^()]*?,\s*[^,()]+,\s*"([a-z0-9/_-]+)"', text))
        used |= set(re.findall(r'(?:FrontMatterError|_Refused)\("([a-z0-9/_-]+)"', text))
        used |= set(re.findall(r'\("(bib-[a-z-]+/[a-z-]+)", "(?:error|warning)"', text))
    assert used and used - set(codes) == set()


def test_a_catalogue_without_french_is_refused(monkeypatch):
    broken = {"codes": {"empty-file": {"message": {"en": "the file is empty"}, "hint": {"en": "x", "fr": "y"}}},
              "hints": {}, "terms": {}, "texts": {}}
    monkeypatch.setattr(settings, "load_yaml", lambda name: broken)
    settings.messages.cache_clear()
    try:
        with pytest.raises(settings.SettingsError, match="empty-file.message"):
            settings.messages()
    finally:
        monkeypatch.undo()
        settings.messages.cache_clear()


def test_locale_is_read_without_the_locale_module():
    assert report.lang_from_environment({"LANG": "fr_CA.UTF-8"}) == "fr"
    assert report.lang_from_environment({"LC_MESSAGES": "fr_FR@euro", "LANG": "en_CA.UTF-8"}) == "fr"
    assert report.lang_from_environment({"LC_ALL": "C.UTF-8", "LANG": "en_US"}) == "en"
    assert report.lang_from_environment({"LANG": "C"}) is None
    assert report.ui_lang(None, {"LANG": "de_DE"}) == "en" and report.ui_lang("fr", {"LANG": "en_CA"}) == "fr"


def test_numbers_and_lists_follow_the_language():
    d = report.problem("content/briefs/a.fr.md", 1, "file-too-large", size=300000, limit=200000)
    assert d.message == "the file is 300,000 bytes (limit 200,000)"
    assert report.render(d, "fr")[0] == "le fichier fait 300\u00a0000 octets (limite : 200\u00a0000)"
    d = report.problem("literature/a.bib", 3, "bib-missing-field", severity="warning", key="k", missing=["title", "year or date"])
    assert d.message == "k: no title, no year or date"
    assert report.render(d, "fr")[0] == "k : aucun champ titre, aucun champ année ou date"


# --- check speaks the file's language ------------------------------------------------------------------------

def _broken_french(project: Path) -> Path:
    fr = project / "content" / "briefs" / "test-brief.fr.md"
    fr.write_text(minimal_brief("fr", audiences="[frontline, bakers]"), encoding="utf-8")
    (project / "literature" / "broken.bib").write_text("@book{k, title = {T}, author = {A}, year = 2000, title = {U}}\n",
                                                       encoding="utf-8")
    return fr


def _check(project: Path, *args: str, env: dict | None = None) -> tuple[int, str]:
    base = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES")}
    proc = subprocess.run([str(PASSERELLE), "check", "--root", str(project), *args], capture_output=True, text=True,
                          env={**base, **(env or {})}, timeout=300)
    assert "Traceback" not in proc.stderr
    return proc.returncode, proc.stdout


def test_a_french_file_is_reported_in_french_with_its_line(project):
    _broken_french(project)
    rc, out = _check(project, "--format", "json")
    data = json.loads(out)
    fr = [d for d in data["diagnostics"] if d["path"].endswith(".fr.md") and d["code"] == "unknown-audience"]
    assert rc == 1 and fr and fr[0]["lang"] == "fr" and fr[0]["line"] == 7
    assert fr[0]["message"] == "lectorat inconnu : 'bakers'" and FRENCH.search(fr[0]["hint"])
    bib = [d for d in data["diagnostics"] if d["path"] == "literature/broken.bib"]
    assert bib and all(d["lang"] == "en" and "given more than once" in d["message"] for d in bib)


@pytest.mark.parametrize("args, env", [(("--lang", "fr"), {}), ((), {"LANG": "fr_CA.UTF-8"}),
                                       ((), {"LC_MESSAGES": "fr_CA.UTF-8", "LANG": "en_CA.UTF-8"})])
def test_other_files_follow_lang_then_the_locale(project, args, env):
    _broken_french(project)
    rc, out = _check(project, "--format", "json", *args, env=env)
    bib = [d for d in json.loads(out)["diagnostics"] if d["path"] == "literature/broken.bib"]
    assert bib and all(d["lang"] == "fr" and d["code"] == "bib-duplicate-field" for d in bib)
    assert "donné(s) plus d'une fois" in bib[0]["message"]


def test_text_and_pull_request_annotations_speak_the_files_language(project):
    _broken_french(project)
    rc, out = _check(project)
    assert "content/briefs/test-brief.fr.md:7:1: error: lectorat inconnu : 'bakers' [unknown-audience]" in out
    assert "    conseil: utilisez seulement les lectorats suivants : frontline, managers, funders, researchers" in out
    assert re.search(r"literature/broken\.bib:1:1: error: k: field\(s\) title given more than once.*\n    hint: ", out)
    rc, out = _check(project, "--format", "github")
    line = next(ln for ln in out.splitlines() if "unknown-audience" in ln)
    assert line.startswith("::error file=content/briefs/test-brief.fr.md,line=7,") and "lectorat inconnu" in line


# --- encodings ------------------------------------------------------------------------------------------------

JABREF = SHARED / "corpora" / "realworld" / "bibtex" / "JabRef+jabref"


@pytest.mark.parametrize("name", ["tiny-LE-withBOM.bib", "encoding-utf-16BE-with-header.bib"])
def test_utf16_with_a_byte_order_mark_loads_with_a_warning(project, name):
    shutil.copy(shared_file(JABREF / name), project / "literature" / name)
    rc, out = _check(project, "--format", "json")
    mine = [d for d in json.loads(out)["diagnostics"] if d["path"] == f"literature/{name}"]
    assert rc == 0 and [d["code"] for d in mine if d["severity"] == "warning"][:1] == ["byte-order-mark"]
    hint = next(d["hint"] for d in mine if d["code"] == "byte-order-mark")
    assert "UTF-16" in hint and "iconv -f UTF-16" in hint and "LATIN1" not in hint


def test_hints_name_the_encoding_the_bytes_look_like(project):
    (project / "literature" / "cp.bib").write_bytes("@misc{k, title = {Qu\u00e9bec \u2013 \u00e9t\u00e9 2020}}\n".encode("cp1252"))
    rc, out = _check(project, "--format", "json")
    (d,) = [d for d in json.loads(out)["diagnostics"] if d["path"] == "literature/cp.bib"]
    assert rc == 1 and "iconv -f CP1252 -t UTF-8 literature/cp.bib" in d["hint"]


# --- translations that stay in step -----------------------------------------------------------------------------

def test_translated_records_and_check_warns_when_the_source_changes(project):
    fr, en = (project / "content" / "briefs" / f"test-brief.{lang}.md" for lang in ("fr", "en"))
    rc, out, err = run_cli("translated", str(fr), "--root", str(project))
    assert rc == 0 and "content/briefs/test-brief.en.md" in out
    assert re.search(r"^translated_from: en@[0-9a-f]{12}$", fr.read_text(encoding="utf-8"), re.M)
    rc, out = _check(project, "--format", "json")
    assert rc == 0 and not [d for d in json.loads(out)["diagnostics"] if d["code"].startswith("translation-")]
    en.write_text(en.read_text(encoding="utf-8").replace("Most do not know", "Many do not know"), encoding="utf-8")
    rc, out = _check(project, "--format", "json")
    (d,) = [d for d in json.loads(out)["diagnostics"] if d["code"] == "translation-stale"]
    assert rc == 0 and d["path"] == "content/briefs/test-brief.fr.md" and d["severity"] == "warning"
    assert "content/briefs/test-brief.en.md" in d["message"] and "passerelle translated content/briefs/test-brief.fr.md" in d["hint"]
    rc, out, err = run_cli("translated", str(fr), "--root", str(project))  # recorded again: in step
    rc, out = _check(project, "--format", "json")
    assert not [d for d in json.loads(out)["diagnostics"] if d["code"] == "translation-stale"]


def test_report_lists_stale_translations(project):
    fr, en = (project / "content" / "briefs" / f"test-brief.{lang}.md" for lang in ("fr", "en"))
    assert run_cli("translated", str(fr), "--root", str(project))[0] == 0
    en.write_text(en.read_text(encoding="utf-8").replace("Most do not know", "Many do not know"), encoding="utf-8")
    rc, out, err = run_cli("report", "--root", str(project))
    assert rc == 0 and "### Stale translations" in out
    assert re.search(r"^- `content/briefs/test-brief\.fr\.md`: content/briefs/test-brief\.en\.md changed", out, re.M)


def test_a_hand_written_record_is_named(project):
    fr = project / "content" / "briefs" / "test-brief.fr.md"
    fr.write_text(fr.read_text(encoding="utf-8").replace("\n---\n", "\ntranslated_from: fr@0123456789ab\n---\n", 1),
                  encoding="utf-8")
    rc, out = _check(project, "--format", "json")
    assert [d["code"] for d in json.loads(out)["diagnostics"] if d["code"].startswith("translation-")] == ["translation-record"]


def test_stale_page_tells_the_reader_with_a_link():
    from passerelle.pages import briefs
    from passerelle.records import Document
    from passerelle.validate import translation_hash

    en = Document("content/briefs/b.en.md", "brief", "en", {"id": "b", "title": "B", "updated": "2026-11-30"}, "Text.", 5)
    old = Document("content/briefs/b.en.md", "brief", "en", {"id": "b", "title": "B"}, "Old text.", 5)
    fr = Document("content/briefs/b.fr.md", "brief", "fr",
                  {"id": "b", "title": "B fr", "translated_from": f"en@{translation_hash(old)}"}, "Texte.", 5)

    class Ctx:
        def documents(self, kind):
            return {"b": {"en": en, "fr": fr}}

    lines = "\n".join(briefs.stale_notice(Ctx(), fr, "fr/briefs/b/"))
    assert "La version anglaise de ce résumé a été mise à jour le 2026-11-30" in lines
    assert 'hreflang="en"' in lines or "../../../briefs/b/" in lines
    assert briefs.stale_notice(Ctx(), en, "briefs/b/") == []


def test_a_built_stale_translation_shows_the_notice_in_the_readers_language(project):
    fr, en = (project / "content" / "briefs" / f"test-brief.{lang}.md" for lang in ("fr", "en"))
    assert run_cli("translated", str(fr), "--root", str(project))[0] == 0
    en.write_text(en.read_text(encoding="utf-8").replace("published: 2026-11-23", "published: 2026-11-23\nupdated: 2026-11-30")
                  .replace("Most do not know", "Many do not know"), encoding="utf-8")
    r = subprocess.run([str(PASSERELLE), "build", "--root", str(project)], capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    full = (project / "site" / "fr" / "briefs" / "test-brief" / "index.html").read_text(encoding="utf-8")
    view = (project / "site" / "fr" / "briefs" / "test-brief" / "frontline" / "index.html").read_text(encoding="utf-8")
    for page in (full, view):
        assert "La version anglaise de ce résumé a été mise à jour le 2026-11-30" in page
        assert 'hreflang="en"' in page
    english = (project / "site" / "briefs" / "test-brief" / "index.html").read_text(encoding="utf-8")
    assert "was updated on" not in english


# --- CONTRIBUTING in step with the catalogue -----------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "fr"])
def test_contributing_lists_every_message_from_the_catalogue(lang):
    path = DOCS[lang]
    text = path.read_text(encoding="utf-8")
    block = report.catalogue_markdown(lang)
    pattern = re.compile(re.escape(report.CATALOGUE_START) + r".*?" + re.escape(report.CATALOGUE_END), re.S)
    if os.environ.get("PASSERELLE_UPDATE_DOCS") and pattern.search(text):
        path.write_text(pattern.sub(lambda _: block, text), encoding="utf-8")
        text = path.read_text(encoding="utf-8")
    assert block in text, f"{path.name} is out of step with messages.yml: run PASSERELLE_UPDATE_DOCS=1 pytest {__file__}"
    for key in settings.messages().codes:
        assert f"| `{key}` |" in text


def test_vocabulary_enrich_and_model_problems_are_in_the_catalogue(tmp_path):
    """Editors of the vocabulary and users of `passerelle enrich` read their problems in their language too."""
    from passerelle import report
    from passerelle.enrich import EnrichError, load_model
    from passerelle.vocabulary import VocabularyError, load_vocabulary

    broken = tmp_path / "vocabulary.yml"
    broken.write_text("version: 2\nfacets:\n  theme:\n    data: {labels: {en: Data}, terms: {en: [data], fr: []}}\n",
                      encoding="utf-8")
    with pytest.raises(VocabularyError) as caught:
        load_vocabulary(broken)
    d = caught.value.diagnostic
    assert (d.code, d.line) == ("vocabulary", 4)
    assert report.render(d, "fr")[0] == "le concept `data` a besoin d'un libellé dans chaque langue"
    with pytest.raises(EnrichError) as caught:
        load_model("no_such_model_xyz")
    message, hint = report.render(caught.value.diagnostic, "fr")
    assert message.startswith("impossible de charger le modèle spaCy « no_such_model_xyz »") and "pip install" in hint


def test_the_pull_request_report_speaks_each_documents_language(project):
    """`passerelle report`: headings in the chosen language, each brief's section in the brief's own."""
    from conftest import run_cli

    code, out, _ = run_cli("report", "--lang", "fr", "--root", str(project))
    assert code == 0 and out.startswith("## Rapport de Passerelle\n")
    english, french = out.split("### `content/briefs/test-brief.fr.md`")
    assert "**Suggested tags:**" in english and "**Étiquettes suggérées :**" in french
    code, out, _ = run_cli("report", "--lang", "en", "--root", str(project))
    assert out.startswith("## Passerelle report\n") and "**Étiquettes suggérées :**" in out
