"""Pilot summaries: the checks on bad pilots (tmp projects), the bundled pilots' pages in both languages,
the funder view's filter pages and counts, card.json, the published-address manifest, and aliases that
Chromium follows from a renamed pilot's old address to the new one, over HTTP and from file://."""
from __future__ import annotations

import json
import re
import zipfile
from collections import Counter
from pathlib import Path

import pytest
import yaml

from browser import chromium, serve
from conftest import REPO, check_json, command, run_cli

PILOTS = REPO / "content" / "pilots"
NOT_REPORTED = {"en": "not reported", "fr": "non précisé"}


def pilot(lang: str = "en", pid: str = "shared-intake", **fields) -> str:
    """A valid pilot (facts from seed 000's Toronto East Quadrant example); tests change one thing at a time."""
    meta = {"id": pid, "type": "pilot", "title": "Pooling client data across agencies" if lang == "en"
            else "Mettre en commun les données des clients",
            "summary": "A partnership pooled the client data of local agencies for a neutral analysis." if lang == "en"
            else "Un partenariat a mis en commun les données des clients d'organismes locaux.",
            "lead_organization": "Toronto East Quadrant Local Immigration Partnership", "status": "active",
            "regions": ["CA-ON"], "sources": ["peacegeeks2019settlement"], "updated": "2026-12-03"}
    meta.update(fields)
    meta = {k: v for k, v in meta.items() if v is not None}
    heads = {"en": ["What was tried", "For whom", "What happened", "What did not work", "Lessons for others"],
             "fr": ["Ce qui a été essayé", "Pour qui", "Ce qui s'est passé", "Ce qui n'a pas fonctionné", "Leçons"]}[lang]
    ids = ["what-was-tried", "for-whom", "what-happened", "what-did-not-work", "lessons"]
    skip = meta.pop("_skip", ())
    body = "\n\n".join(f"## {h} {{#{i}}}\n\nAgencies shared their client data." for h, i in zip(heads, ids) if i not in skip)
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n" + body + "\n"


def write(root: Path, text: str, name: str = "shared-intake.en.md") -> Path:
    folder = root / "content" / "pilots"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def line_of(path: Path, start: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if line.startswith(start))


def diagnostics(root: Path, code: str) -> list[dict]:
    _, data = check_json(root)
    return [d for d in data["diagnostics"] if d["code"] == code]


# ---------------------------------------------------------------- checks


def test_a_valid_pilot_in_both_languages_passes(project: Path):
    write(project, pilot("en"))
    write(project, pilot("fr"), "shared-intake.fr.md")
    rc, data = check_json(project)
    assert rc == 0 and data["counts"]["pilots"] == 2, data["diagnostics"]


@pytest.mark.parametrize("status", ["completed", "ended-early"])
def test_a_finished_pilot_without_what_did_not_work_is_refused_naming_file_and_line(project: Path, status: str):
    path = write(project, pilot("en", status=status, _skip=("what-did-not-work",)))
    rc, out, _ = run_cli("check", "--root", str(project))
    assert rc == 1
    line = line_of(path, "status:")
    assert f"content/pilots/shared-intake.en.md:{line}:1: error: 'status: {status}' needs a section 'what-did-not-work'" in out
    # the same pilot still active, or with the section, passes
    write(project, pilot("en", status="active", _skip=("what-did-not-work",)))
    assert not diagnostics(project, "section-required")
    write(project, pilot("en", status=status))
    assert not diagnostics(project, "section-required")


def test_the_french_file_is_told_in_french(project: Path):
    write(project, pilot("fr", status="completed", _skip=("what-did-not-work",)), "shared-intake.fr.md")
    (found,) = diagnostics(project, "section-required")
    assert found["lang"] == "fr" and "demande une section « what-did-not-work »" in found["message"] and found["hint"]


@pytest.mark.parametrize("fields,code,value", [
    ({"populations": ["newcomers-in-general"]}, "unknown-vocabulary-id", "newcomers-in-general"),
    ({"services": ["refugees"]}, "unknown-vocabulary-id", "refugees"),  # a population is not a service
    ({"related_briefs": ["no-such-brief"]}, "unknown-document", "no-such-brief"),
    ({"outcomes": [{"measure": "Agencies taking part", "result": "six", "source": "nosuchkey2020"}]},
     "missing-source", "nosuchkey2020"),
    ({"evaluation": {"type": "external", "report": "nosuchreport2021"}}, "missing-source", "nosuchreport2021"),
    ({"sources": ["nosuchsource"]}, "missing-source", "nosuchsource"),
    ({"start": "2021-04-01", "end": "2020-03-31"}, "dates-order", "2020-03-31"),
    ({"status": "paused"}, "frontmatter-invalid", "paused"),
    ({"regions": ["Ontario"]}, "frontmatter-invalid", "Ontario"),
    ({"contact": "jane.doe"}, "frontmatter-invalid", "jane.doe"),
    ({"aliases": ["test-brief"]}, None, None),  # a brief's id is free for a pilot alias: kinds do not share addresses
])
def test_front_matter_that_names_nothing_real_is_refused_on_its_line(project: Path, fields, code, value):
    path = write(project, pilot("en", **fields))
    rc, data = check_json(project)
    mine = [d for d in data["diagnostics"] if d["path"] == "content/pilots/shared-intake.en.md" and d["severity"] == "error"]
    if code is None:
        assert rc == 0 and not mine
        return
    assert rc == 1 and [d["code"] for d in mine] == [code], mine
    key = next(iter(fields)) if code != "dates-order" else "end"
    assert mine[0]["line"] == line_of(path, f"{key}:") and value in mine[0]["message"] + mine[0]["hint"]


def test_sections_of_a_pilot_unknown_empty_or_missing(project: Path):
    text = pilot("en", _skip=("lessons",)).replace("## For whom {#for-whom}\n\nAgencies shared their client data.",
                                                   "## For whom {#for-whom}\n\n## Budget {#budget}\n\nSome money.")
    path = write(project, text)
    _, data = check_json(project)
    got = {(d["code"], d["line"]) for d in data["diagnostics"] if d["path"].endswith("shared-intake.en.md")}
    assert ("section-missing", line_of(path, "## What was tried")) in got  # lessons
    assert ("section-empty", line_of(path, "## For whom")) in got
    assert ("section-unknown", line_of(path, "## Budget")) in got


def test_facts_must_agree_across_languages(project: Path):
    write(project, pilot("en", status="active", amount={"value": 120000, "currency": "CAD"}))
    fr = write(project, pilot("fr", status="completed", amount={"value": 12000, "currency": "CAD"}), "shared-intake.fr.md")
    found = {d["message"].split("«")[1].split("»")[0].strip(): d["line"]
             for d in diagnostics(project, "translation-mismatch") if d["path"].endswith("shared-intake.fr.md")}
    assert found == {"status": line_of(fr, "status:"), "amount": line_of(fr, "amount:")}


def test_aliases_cannot_take_a_live_id_or_be_claimed_twice(project: Path):
    write(project, pilot("en", pid="first-pilot", aliases=["second-pilot", "old-name"]), "first-pilot.en.md")
    write(project, pilot("en", pid="second-pilot", aliases=["old-name"]), "second-pilot.en.md")
    assert [d["path"] for d in diagnostics(project, "alias-taken")] == ["content/pilots/first-pilot.en.md"]
    assert [d["path"] for d in diagnostics(project, "alias-claimed")] == ["content/pilots/second-pilot.en.md"]


def test_new_pilot_scaffold_is_named_until_filled(project: Path):
    rc, out, _ = run_cli("new", "pilot", "--id", "fresh-pilot", "--lang", "en", "--root", str(project))
    assert rc == 0 and "content/pilots/fresh-pilot.en.md" in out
    text = (project / "content/pilots/fresh-pilot.en.md").read_text(encoding="utf-8")
    assert 'id: "fresh-pilot"' in text and "## What did not work {#what-did-not-work}" in text
    _, data = check_json(project)
    named = {d["code"] for d in data["diagnostics"] if d["path"] == "content/pilots/fresh-pilot.en.md"}
    assert {"frontmatter-empty-field", "section-empty"} <= named


# ---------------------------------------------------------------- the published-address manifest


def test_check_names_a_published_address_that_would_disappear(project: Path):
    rc, out, _ = run_cli("build", "--update-manifest", "--root", str(project))
    assert rc == 0 and "content/published-addresses.txt" in out
    manifest = project / "content" / "published-addresses.txt"
    listed = [x for x in manifest.read_text(encoding="utf-8").split("\n") if x and not x.startswith("#")]
    assert {"briefs/test-brief/", "fr/briefs/test-brief/", "briefs/test-brief/frontline/"} <= set(listed)
    # the brief is renamed without an alias: check fails, naming each address and its manifest line
    briefs = project / "content" / "briefs"
    for lang in ("en", "fr"):
        text = (briefs / f"test-brief.{lang}.md").read_text(encoding="utf-8").replace('id: "test-brief"', 'id: "renamed-brief"')
        (briefs / f"renamed-brief.{lang}.md").write_text(text, encoding="utf-8")
        (briefs / f"test-brief.{lang}.md").unlink()
    rc, out, _ = run_cli("check", "--root", str(project))
    assert rc == 1
    line = manifest.read_text(encoding="utf-8").split("\n").index("fr/briefs/test-brief/") + 1
    assert (f"content/published-addresses.txt:{line}:1: error: the published address /fr/briefs/test-brief/ would "
            "disappear") in out
    dropped = diagnostics(project, "address-dropped")
    assert len(dropped) == len([a for a in listed if "test-brief" in a])
    # the old id as an alias keeps every address (pages and audience views redirect): check passes
    for lang in ("en", "fr"):
        path = briefs / f"renamed-brief.{lang}.md"
        path.write_text(path.read_text(encoding="utf-8").replace("type: brief", "type: brief\naliases: [test-brief]"),
                        encoding="utf-8")
    rc, data = check_json(project)
    assert rc == 0, [d for d in data["diagnostics"] if d["severity"] == "error"]
    # updating keeps the old addresses and adds the new ones
    before = set(listed)
    run_cli("build", "--update-manifest", "--root", str(project))
    after = {x for x in manifest.read_text(encoding="utf-8").split("\n") if x and not x.startswith("#")}
    assert before < after and "briefs/renamed-brief/" in after
    report = json.loads((project / "site" / "build-report.json").read_text(encoding="utf-8"))
    assert report["inputs"]["content/published-addresses.txt"] == {"pages": ["published-addresses.txt"], "status": "built"}
    assert (project / "site" / "briefs" / "test-brief" / "frontline" / "index.html").exists()  # a redirect


def test_a_manifest_line_that_is_not_an_address_is_named(project: Path):
    (project / "content" / "published-addresses.txt").write_text("briefs/test-brief/\n../../etc/passwd\n", encoding="utf-8")
    (found,) = diagnostics(project, "manifest-line")
    assert found["path"] == "content/published-addresses.txt" and found["line"] == 2


def test_the_bundled_manifest_lists_every_brief_and_pilot_page():
    from passerelle import addresses
    from passerelle.load import load_project

    project = load_project(REPO)
    recorded = {a for a, _ in project.manifest}
    assert addresses.served(project.documents) <= recorded
    for path in PILOTS.glob("*.en.md"):
        assert {f"pilots/{path.name[:-6]}/", f"fr/pilots/{path.name[:-6]}/"} <= recorded


# ---------------------------------------------------------------- the bundled pilots' pages


def bundled() -> dict[str, dict[str, dict]]:
    """id -> lang -> front matter of the bundled pilots."""
    out: dict[str, dict[str, dict]] = {}
    for path in sorted(PILOTS.glob("*.md")):
        pid, lang = path.name.split(".")[:2]
        out.setdefault(pid, {})[lang] = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
    return out


def html_of(site: Path, lang: str, path: str) -> str:
    return (site / ("fr" if lang == "fr" else "") / path / "index.html").read_text(encoding="utf-8")


def table_rows(html: str, after_id: str) -> list[list[str]]:
    """The rows of the first table after the element with ``after_id``, as cell texts."""
    part = html[html.index(f'id="{after_id}"'):]
    body = part[part.index("<tbody>"):part.index("</tbody>")]
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_at_least_four_bundled_pilots_in_both_languages():
    pilots = bundled()
    assert len(pilots) >= 4 and all(set(v) == {"en", "fr"} for v in pilots.values())
    assert any(m["en"].get("status") in ("completed", "ended-early") for m in pilots.values())


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_bundled_pilot_pages_show_facts_outcomes_and_sections(bundled_site: Path, lang: str):
    site = bundled_site / "site"
    for pid, langs in bundled().items():
        meta = langs[lang]
        html = html_of(site, lang, f"pilots/{pid}")
        assert f'<html lang="{lang}"' in html and "pa-evidence" in html  # how sure are we
        facts = dict((r[0], r[1]) for r in table_rows(html, "facts"))
        assert len(facts) == 13
        for key, label in (("funder", {"en": "Funder", "fr": "Bailleur de fonds"}),
                           ("agreement", {"en": "Agreement number (federal grants disclosure)",
                                          "fr": "Numéro d'entente (divulgation des subventions fédérales)"}),
                           ("amount", {"en": "Amount", "fr": "Montant"})):
            shown = facts[label[lang]]
            assert (shown == NOT_REPORTED[lang]) == (key not in meta), (pid, key, shown)
            if key == "funder" and key in meta:
                assert shown == meta["funder"]
        outcomes = meta.get("outcomes", [])
        if outcomes:
            rows = table_rows(html, "outcomes")
            assert [r[0] for r in rows] == [o["measure"] for o in outcomes] and all(r[3] for r in rows)
        for sid in ("what-was-tried", "for-whom", "what-happened", "what-did-not-work", "lessons", "scaling"):
            assert f'id="{sid}"' in html, (pid, sid)
        for bid in meta.get("related_briefs", []):
            assert f'href="../../briefs/{bid}/"' in html
        snippet = html.split('id="embed"')[1].split("<pre")[1].split("</pre>")[0]
        assert "&lt;div" in snippet and "&lt;/div&gt;" in snippet and "script" not in snippet and "<div" not in snippet


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_card_json_describes_the_pilot_with_a_self_contained_card(bundled_site: Path, lang: str):
    site = bundled_site / "site"
    for pid, langs in bundled().items():
        card = json.loads((site / ("fr" if lang == "fr" else "") / "pilots" / pid / "card.json").read_text(encoding="utf-8"))
        meta = langs[lang]
        assert card["id"] == pid and card["lang"] == lang and card["title"] == meta["title"]
        assert card["status"] == meta.get("status") and card["funder"] == meta.get("funder")
        assert card["url"].endswith(f"{'fr/' if lang == 'fr' else ''}pilots/{pid}/")
        assert card["html"].startswith("<div") and "<script" not in card["html"] and "src=" not in card["html"]
        page = html_of(site, lang, f"pilots/{pid}")
        import html as html_lib
        assert html_lib.escape(card["html"].split("\n")[1].strip(), quote=False) in page  # the snippet shown is the card


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_funder_view_counts_and_filter_pages(bundled_site: Path, lang: str):
    site = bundled_site / "site"
    pilots = bundled()
    view = html_of(site, lang, "pilots")
    listed = re.findall(r'href="([a-z0-9-]+)/"', view.split('id="where"')[0])
    assert set(pilots) <= set(listed)
    statuses = Counter(m[lang].get("status", "not-reported") for m in pilots.values())
    for status, n in statuses.items():
        assert re.search(rf'href="status/{status}/">[^<]*\({n}\)</a>', view), status
        page = html_of(site, lang, f"pilots/status/{status}")
        shown = set(re.findall(r'href="\.\./\.\./([a-z0-9-]+)/"', page))
        assert shown == {pid for pid, m in pilots.items() if m[lang].get("status", "not-reported") == status}
    years = Counter(str(m[lang]["start"])[:4] if "start" in m[lang] else str(m[lang]["as_of"])[:4] for m in pilots.values())
    for year, n in years.items():
        assert re.search(rf'href="year/{year}/">{year} \({n}\)</a>', view)
    regions = Counter(r for m in pilots.values() for r in m[lang].get("regions", ["not-reported"]))
    where = {r[0]: int(r[1]) for r in table_rows(view, "where")}
    assert len(where) == 15 and sum(where.values()) == sum(regions.values())
    assert where["Ontario"] == regions["CA-ON"]
    for region in regions:
        assert (site / ("fr" if lang == "fr" else "") / "pilots" / "region" / region.lower() / "index.html").exists()


def test_pilots_are_in_the_navigation_in_both_languages(bundled_site: Path):
    site = bundled_site / "site"
    assert re.search(r'<a href="pilots/"[^>]*>\s*Pilots\s*</a>', (site / "index.html").read_text(encoding="utf-8"))
    assert re.search(r'<a href="pilots/"[^>]*>\s*Projets pilotes\s*</a>', (site / "fr" / "index.html").read_text(encoding="utf-8"))


# ---------------------------------------------------------------- a renamed pilot, in Chromium


@pytest.fixture(scope="module")
def renamed(tmp_path_factory) -> tuple[Path, Path]:
    """A project where a pilot was renamed (its old id kept in aliases) and a brief too, built with the
    offline bundle; returns the site and the unzipped bundle."""
    from conftest import minimal_brief

    root = tmp_path_factory.mktemp("renamed")
    import shutil
    for name in ("mkdocs.yml", "overrides"):
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, root / name)
    (root / "literature").mkdir()
    shutil.copy(REPO / "literature" / "seeds.bib", root / "literature" / "seeds.bib")
    for lang in ("en", "fr"):
        write(root, pilot(lang, pid="pooled-client-data", aliases=["shared-intake"]), f"pooled-client-data.{lang}.md")
        brief = minimal_brief(lang, bid="new-brief").replace("type: brief", "type: brief\naliases: [old-brief]")
        (root / "content" / "briefs").mkdir(parents=True, exist_ok=True)
        (root / "content" / "briefs" / f"new-brief.{lang}.md").write_text(brief, encoding="utf-8")
    (root / "content" / "published-addresses.txt").write_text(
        "pilots/shared-intake/\nfr/pilots/shared-intake/\nbriefs/old-brief/frontline/\n", encoding="utf-8")
    r = command("build", "--offline", cwd=root)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    folder = tmp_path_factory.mktemp("renamed-unzipped")
    with zipfile.ZipFile(root / "site" / "site-offline.zip") as zf:
        zf.extractall(folder)
    return root / "site", folder / "site-offline"


def test_redirect_pages_name_their_canonical_page(renamed):
    site, folder = renamed
    page = (site / "fr" / "pilots" / "shared-intake" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in page and '<link rel="canonical" href="../pooled-client-data/">' in page
    assert '<meta http-equiv="refresh" content="0; url=../pooled-client-data/">' in page
    offline = (folder / "fr" / "pilots" / "shared-intake" / "index.html").read_text(encoding="utf-8")
    assert 'content="0; url=../pooled-client-data/index.html"' in offline


@pytest.mark.parametrize("old,new", [("/pilots/shared-intake/", "/pilots/pooled-client-data/"),
                                     ("/fr/pilots/shared-intake/", "/fr/pilots/pooled-client-data/"),
                                     ("/briefs/old-brief/frontline/", "/briefs/new-brief/frontline/")])
def test_chromium_follows_an_old_address_over_http_and_from_file(renamed, old, new):
    site, folder = renamed
    with serve(site) as base, chromium() as browser:
        page = browser.new_page()
        page.goto(base + old)
        page.wait_for_url(base + new, timeout=10_000)
        assert page.locator("h1").first.inner_text().strip()
        assert page.evaluate("document.documentElement.lang") == ("fr" if old.startswith("/fr/") else "en")
        page.goto((folder / old.strip("/") / "index.html").as_uri())
        target = (folder / new.strip("/") / "index.html").as_uri()
        page.wait_for_url(target, timeout=10_000)
        assert "pooled-client-data" in target or "new-brief" in target
        assert page.locator("h1").first.inner_text().strip()


def test_the_card_has_a_copy_button_that_copies_it(bundled_site: Path):
    """Material's own script adds the button (content.code.copy); what it copies is the card's HTML."""
    site = bundled_site / "site"
    pid = "toronto-east-quadrant-shared-client-data"
    card = json.loads((site / "pilots" / pid / "card.json").read_text(encoding="utf-8"))
    with serve(site) as base, chromium() as browser:
        context = browser.new_context()
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
        page = context.new_page()
        page.goto(f"{base}/pilots/{pid}/")
        page.locator("#embed ~ pre").hover()
        page.locator("#embed ~ pre button[data-md-type=copy]").click()
        assert page.evaluate("navigator.clipboard.readText()").strip() == card["html"].strip()


def test_a_funder_view_longer_than_a_page_is_cut_into_pages_that_link_up(tmp_path: Path, monkeypatch):
    """The bundled pilots, one to a page: every pilot on exactly one page of the funder view, the pages
    linked one to the next, a funder's section headed "(continued)" on the page after it begins, and the
    first page's list of funders leading to the page and heading where each begins."""
    from conftest import copy_project
    from passerelle import build as pipeline
    from passerelle.pages import pilot_index
    from passerelle.records import errors

    monkeypatch.setattr(pilot_index, "LISTING_PAGE_SIZE", 1)
    root = copy_project(REPO, tmp_path / "p")
    assert not errors(pipeline.build(root).diagnostics)
    pilots = bundled()
    for lang, continued in (("en", "(continued)"), ("fr", "(suite)")):
        folder = root / "site" / ("fr" if lang == "fr" else "") / "pilots"
        pages = [folder / "index.html"] + [folder / f"page-{n}" / "index.html" for n in range(2, len(pilots) + 1)]
        html = [p.read_text(encoding="utf-8") for p in pages]
        assert not (folder / f"page-{len(pilots) + 1}").exists()
        shown = [re.findall(r'href="(?:\.\./)?([a-z0-9-]+)/"', h.split('id="where"')[0]) for h in html]
        assert sorted(i for ids in shown for i in ids if i in pilots) == sorted(pilots)
        assert all(len([i for i in ids if i in pilots]) == 1 for ids in shown)
        for n, h in enumerate(html[:-1], 1):
            assert f'href="{"" if n == 1 else "../"}page-{n + 1}/"' in h
        assert any(continued in h for h in html[1:])
        funders = re.findall(r'href="(\./|page-\d+/)#funder-(\d+)"', html[0])
        assert len(funders) == len({m[lang].get("funder", "") for m in pilots.values()})
        for target, number in funders:
            assert f'id="funder-{number}"' in (folder / target / "index.html").read_text(encoding="utf-8")
