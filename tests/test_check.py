"""`passerelle check` on bad input: every case names the file and the line, with a hint, exit 1."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO, SHARED, check_json, command, minimal_brief, run_cli, shared_file

EN = "content/briefs/test-brief.en.md"


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.split("\n"), 1) if needle in line)


def with_body(extra: str) -> str:
    return minimal_brief("en").replace("## What is this research about? {#about}\n\n",
                                       "## What is this research about? {#about}\n\n" + extra + "\n\n")


def replace(old: str, new: str) -> str:
    text = minimal_brief("en")
    assert old in text
    return text.replace(old, new, 1)


BILLION_LAUGHS = "\n".join(["a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"] +
                           [f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]" for p, c in zip("abcdefgh", "bcdefghi")])
OVER_CAP = " ".join(["word"] * 520)

# (case id, file path, content (str or bytes), code, needle that marks the expected line, or a line number)
CASES = [
    ("yaml-syntax", EN, replace('title: "Why', 'title: Why: "'), "frontmatter-yaml", "title:"),
    ("not-a-mapping", EN, "---\n- just\n- a list\n---\n\ntext\n", "frontmatter-not-mapping", 2),
    ("duplicate-key", EN, replace("type: brief", "type: brief\ntype: pilot"), "frontmatter-duplicate-key", "type: pilot"),
    ("python-tag", EN, replace("type: brief", "type: !!python/object/apply:os.system ['echo pwned']"), "frontmatter-tag", "type:"),
    ("alias-bomb", EN, replace("type: brief", "type: brief\n" + BILLION_LAUGHS), "frontmatter-tag", "b: &b"),
    ("impossible-date", EN, replace("published: 2026-11-23", "published: 2019-02-30"), "frontmatter-date", "published:"),
    ("date-as-text", EN, replace("published: 2026-11-23", "published: last spring"), "frontmatter-date", "published:"),
    ("missing-title", EN, minimal_brief("en", title=None), "frontmatter-missing", 1),
    ("empty-summary", EN, minimal_brief("en", summary="''"), "frontmatter-empty-field", "summary:"),
    ("unknown-audience", EN, replace("audiences: [frontline, managers, funders]", "audiences: [frontline, managers, funders, politicians]"),
     "unknown-audience", "audiences:"),
    ("bad-id", EN, replace('id: "test-brief"', 'id: "Test_Brief"'), "bad-id", "id:"),
    ("id-mismatch", EN, replace('id: "test-brief"', 'id: "other-brief"'), "id-mismatch", "id:"),
    ("id-of-a-listing-page", "content/briefs/page-2.en.md", replace('id: "test-brief"', 'id: "page-2"'), "bad-id", "id:"),
    ("alias-of-a-listing-page", EN, replace("type: brief", "type: brief\naliases: [page-3]"), "bad-id", "aliases:"),
    ("unknown-field", EN, replace("type: brief", "type: brief\nauthor_email: x@example.org"), "frontmatter-unknown-field", "author_email"),
    ("bad-strength", EN, replace("strength: emerging", "strength: certain"), "frontmatter-invalid", "evidence:"),
    ("missing-source", EN, replace("[peacegeeks2019settlement]", "[nobody2020]"), "missing-source", "sources:"),
    ("no-front-matter", EN, "# A brief without front matter\n\nText.\n", "frontmatter-missing", 1),
    ("unclosed-front-matter", EN, "---\nid: test-brief\ntitle: x\n\n## Body\n", "frontmatter-unclosed", 1),
    ("empty-file", EN, "", "empty-file", 1),
    ("not-utf8", EN, minimal_brief("en").replace("Many newcomers", "Beaucoup d'arrivants — café").encode("cp1252"),
     "not-utf8", "café"),
    ("nul-character", EN, with_body("A line with a NUL \x00 byte."), "nul-character", "NUL"),
    ("bidi-control", EN, with_body("Text with a hidden \u202e override."), "bidi-control", "hidden"),
    ("raw-script", EN, with_body("<script>alert(1)</script>"), "raw-html", "<script>"),
    ("raw-iframe", EN, with_body('<iframe src="https://example.org"></iframe>'), "raw-html", "<iframe"),
    ("svg-onload", EN, with_body("<svg onload=alert(1)>"), "raw-html", "<svg"),
    ("javascript-link", EN, with_body("[click](javascript:alert(1))"), "unsafe-link", "[click]"),
    ("entity-encoded-scheme", EN, with_body("[click](&#106;avascript:alert(1))"), "unsafe-link", "[click]"),
    ("data-link", EN, with_body("[x](data:text/html;base64,PHNjcmlwdD4=)"), "unsafe-link", "[x]"),
    ("reference-link", EN, with_body("[x][r]\n\n[r]: vbscript:msgbox"), "unsafe-link", "[r]: vbscript"),
    ("onclick-attribute", EN, with_body('A paragraph.\n{onclick="alert(1)"}'), "unsafe-attribute", "onclick"),
    ("style-attribute", EN, with_body('A paragraph.\n{: style="background:url(https://x.test/a)" }'), "unsafe-attribute", "style"),
    ("snippet-include", EN, with_body('--8<-- ".git/config"'), "snippet-include", "--8<--"),
    ("external-image", EN, with_body("![tracker](https://tracker.example/p.gif)"), "external-media", "![tracker]"),
    ("missing-core-section", EN, minimal_brief("en").replace("## How sure are we? {#certainty}", "## How sure {#certainty-x}"),
     "section-missing", "## What you need to know"),
    ("part-for-unlisted-audience", EN, minimal_brief("en") + "\n## For researchers {#researchers}\n\nA design note.\n",
     "audience-not-listed", "{#researchers}"),
    ("listed-audience-without-part", EN, replace("audiences: [frontline, managers, funders]", "audiences: [frontline, managers, funders, researchers]"),
     "audience-part-missing", "audiences:"),
    ("over-cap", EN, minimal_brief("en").replace("## For front-line workers {#frontline}\n\n", "## For front-line workers {#frontline}\n\n" + OVER_CAP + " "),
     "audience-over-cap", "{#frontline}"),
    ("duplicate-section", EN, minimal_brief("en") + "\n## For funders {#funders}\n\nAgain.\n", "section-duplicate", "Again." and -2),
    ("bad-file-name", "content/briefs/My Brief.md", minimal_brief("en"), "file-name", 1),
    ("unknown-language", "content/briefs/test-brief.de.md", minimal_brief("en"), "file-name", 1),
    ("unknown-kind", "content/notes.txt", "some notes\n", "unknown-file", 1),
    ("svg-media", "content/media/logo.svg", "<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "media-type", 1),
    ("not-bibtex", "literature/refs.ris", "TY  - RPRT\nTI  - Something\nER  -\n", "unknown-file", 1),
    ("oversized", EN, minimal_brief("en") + ("padding " * 40_000), "file-too-large", 1),
]


@pytest.mark.parametrize("case,path,content,code,where", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_named_with_file_line_and_hint(project: Path, case, path, content, code, where):
    target = project / path
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        target.write_bytes(content)
        text = content.decode("cp1252")
    else:
        target.write_text(content, encoding="utf-8")
        text = content
    rc, data = check_json(project)
    assert rc == 1 and data["ok"] is False
    if isinstance(where, str):
        line = line_of(text, where)
    elif where < 0:
        line = len(text.rstrip("\n").split("\n")) + where + 1 - 1
    else:
        line = where
    hits = [d for d in data["diagnostics"] if d["code"] == code and d["severity"] == "error"]
    assert hits, f"no {code} error in {[(d['path'], d['line'], d['code']) for d in data['diagnostics']]}"
    assert any(d["path"] == path and d["line"] == line for d in hits), \
        f"{code} not at {path}:{line}: {[(d['path'], d['line']) for d in hits]}"
    assert all(d["hint"].strip() and d["message"].strip() for d in hits)


def test_duplicate_id_across_files(project: Path):
    (project / "content/briefs/copy-brief.en.md").write_text(minimal_brief("en").replace('id: "test-brief"', 'id: "test-brief"'), encoding="utf-8")
    rc, data = check_json(project)
    assert rc == 1
    codes = {(d["path"], d["code"]) for d in data["diagnostics"]}
    assert ("content/briefs/copy-brief.en.md", "id-mismatch") in codes or ("content/briefs/test-brief.en.md", "duplicate-id") in codes


def test_incomplete_cited_entry_is_an_error_at_the_sources_line(project: Path):
    (project / "literature/partial.bib").write_text("@report{partial2018,\n  author = {Someone},\n  title = {A title}\n}\n", encoding="utf-8")
    text = minimal_brief("en").replace("[peacegeeks2019settlement]", "[peacegeeks2019settlement, partial2018]")
    (project / EN).write_text(text, encoding="utf-8")
    rc, data = check_json(project)
    assert rc == 1
    hit = [d for d in data["diagnostics"] if d["code"] == "source-incomplete"]
    assert hit and hit[0]["line"] == line_of(text, "sources:") and "year" in hit[0]["message"]


def test_valid_project_passes_with_counts(project: Path):
    rc, data = check_json(project)
    assert rc == 0, data["diagnostics"]
    assert data["ok"] is True
    assert data["counts"] == {"files": 3, "briefs": 2, "pilots": 0, "entries": 2}


def test_text_format_is_path_line_col_then_hint(project: Path):
    (project / EN).write_text(with_body("[x](javascript:void(0))"), encoding="utf-8")
    rc, out, _ = run_cli("check", "--root", str(project))
    assert rc == 1
    lines = out.splitlines()
    i = next(i for i, l in enumerate(lines) if "[unsafe-link]" in l)
    assert lines[i].startswith(f"{EN}:") and ": error: " in lines[i]
    assert lines[i + 1].startswith("    hint: ")


def test_github_format_annotates_file_and_line(project: Path):
    (project / EN).write_text(with_body("<b>bold</b>"), encoding="utf-8")
    rc, out, _ = run_cli("check", "--root", str(project), "--format", "github")
    assert rc == 1
    assert any(l.startswith(f"::error file={EN},line=") and "raw-html" in l for l in out.splitlines())


def test_warnings_alone_exit_zero(project: Path):
    (project / "content/briefs/test-brief.fr.md").unlink()
    rc, data = check_json(project)
    assert rc == 0
    assert any(d["code"] == "missing-translation" and d["severity"] == "warning" for d in data["diagnostics"])


def test_misuse_exits_two(tmp_path: Path):
    rc, _, err = run_cli("check", "--root", str(tmp_path))
    assert rc == 2 and "not a Passerelle project" in err
    assert command("check", "--format", "yaml", cwd=tmp_path).returncode == 2


def test_console_script_runs_from_any_project_root(project: Path):
    r = command("check", "--format", "json", cwd=project)
    assert r.returncode == 0, r.stdout + r.stderr
    (project / EN).write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    r = command("check", cwd=project)
    assert r.returncode == 1 and "Traceback" not in r.stdout + r.stderr
    assert f"{EN}:2:" in r.stdout


def test_bundled_content_passes():
    from conftest import REPO

    rc, data = check_json(REPO)
    assert rc == 0, [d for d in data["diagnostics"] if d["severity"] == "error"]
    assert data["counts"]["briefs"] >= 20


def test_libyaml_reads_every_front_matter_as_the_strict_reader_does():
    """Front matter is read by libyaml when it holds no anchor, alias or control character (12x faster at a
    thousand briefs); the pure-Python reader gives the writer's messages. On every real file, bad ones too,
    the two agree, and a refused front matter always falls to the pure-Python reader."""
    from passerelle import frontmatter

    files = [p for folder in (REPO / "content", shared_file(SHARED / "corpora"), REPO / "tests")
             for p in sorted(folder.rglob("*.md"))]
    fast = 0
    for path in files:
        try:
            yaml_text = frontmatter.split(path.read_text(encoding="utf-8", errors="replace"))[0]
        except frontmatter.FrontMatterError:
            continue
        try:
            strict = frontmatter._strict(yaml_text)
        except frontmatter.FrontMatterError:
            assert frontmatter._fast(yaml_text) is None, path
            continue
        quick = frontmatter._fast(yaml_text)
        if quick is not None:
            fast += 1
            assert quick == strict, path
    assert fast >= 20
    assert frontmatter._fast("a: 1\na: 2") is None and frontmatter._fast("a: &x 1\nb: *x") is None
