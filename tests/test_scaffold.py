"""`passerelle new` scaffolds, and the editable data files stay complete in both languages."""
from __future__ import annotations

from pathlib import Path

import yaml

from conftest import REPO, check_json, run_cli


def test_new_brief_scaffold_is_named_until_filled(project: Path):
    rc, out, _ = run_cli("new", "brief", "--id", "fresh-brief", "--lang", "fr", "--root", str(project))
    assert rc == 0 and "content/briefs/fresh-brief.fr.md" in out
    path = project / "content/briefs/fresh-brief.fr.md"
    text = path.read_text(encoding="utf-8")
    assert 'id: "fresh-brief"' in text and "## Ce qu'il faut retenir {#key-messages}" in text
    rc, data = check_json(project)
    assert rc == 1
    named = {d["code"] for d in data["diagnostics"] if d["path"] == "content/briefs/fresh-brief.fr.md"}
    assert {"frontmatter-empty-field", "section-empty"} <= named
    # a second scaffold with the same id is refused, not overwritten
    rc, _, err = run_cli("new", "brief", "--id", "fresh-brief", "--lang", "fr", "--root", str(project))
    assert rc == 2 and "already exists" in err
    rc, _, err = run_cli("new", "brief", "--id", "Bad Id", "--lang", "en", "--root", str(project))
    assert rc == 2 and "not a valid id" in err


def test_ui_strings_exist_in_both_languages():
    strings = yaml.safe_load((REPO / "scripts/passerelle/data/strings.yml").read_text(encoding="utf-8"))
    for key, value in strings.items():
        assert set(value) == {"en", "fr"}, key
        assert value["en"].strip() and value["fr"].strip(), key


def test_audience_settings_cover_every_audience_and_section_in_both_languages():
    conf = yaml.safe_load((REPO / "scripts/passerelle/data/audiences.yml").read_text(encoding="utf-8"))
    assert set(conf["audiences"]) == {"frontline", "managers", "funders", "researchers"}
    for spec in list(conf["audiences"].values()):
        assert {"words", "en_grade", "fr_kandel_moles", "lix"} <= set(spec)
        for k in ("heading", "landing", "about"):
            assert set(spec[k]) == {"en", "fr"}
    for spec in conf["core_sections"].values():
        assert spec["en"] and spec["fr"]
