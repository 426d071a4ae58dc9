"""Nothing is lost silently, on a generated corpus: every input file is in the build report with its
pages or the diagnostics that kept it out, and the brief pages in site/ match the sources exactly."""
from __future__ import annotations

import json
import random
from pathlib import Path

from conftest import command, minimal_brief

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201ffa1d4a8e00000000049454e44ae426082")


def generate(root: Path, n: int, seed: int = 7) -> dict[str, set[str]]:
    """n brief ids in one or both languages, some broken on purpose; returns what each should become."""
    rng = random.Random(seed)
    briefs = root / "content" / "briefs"
    (briefs / "test-brief.en.md").unlink()
    (briefs / "test-brief.fr.md").unlink()
    expect: dict[str, set[str]] = {"good": set(), "bad": set()}
    for i in range(n):
        bid = f"generated-{i:03d}"
        langs = rng.choice([("en", "fr"), ("en", "fr"), ("en",), ("fr",)])
        for lang in langs:
            text = minimal_brief(lang, bid=bid)
            if rng.random() < 0.15:  # a broken file: kept out, and named
                text = text.replace("published: 2026-11-23", "published: 2026-02-30")
                expect["bad"].add(f"content/briefs/{bid}.{lang}.md")
            else:
                expect["good"].add(f"content/briefs/{bid}.{lang}.md")
            (briefs / f"{bid}.{lang}.md").write_text(text, encoding="utf-8")
    (root / "content" / "media").mkdir()
    (root / "content" / "media" / "figure.png").write_bytes(PNG)
    (root / "content" / "notes.txt").write_text("not a brief\n", encoding="utf-8")
    expect["bad"].add("content/notes.txt")
    (root / "literature" / "more.bib").write_text("@report{other2019,\n  author = {Someone},\n  title = {A report},\n  year = {2019}\n}\n",
                                                  encoding="utf-8")
    return expect


def test_every_input_is_built_or_named_and_pages_match_sources(project: Path):
    expect = generate(project, 40)
    r = command("build", cwd=project)
    assert r.returncode == 1  # the broken files fail the build's exit code, the rest is published
    report = json.loads((project / "site" / "build-report.json").read_text(encoding="utf-8"))
    inputs = {p.relative_to(project).as_posix() for d in ("content", "literature") for p in (project / d).rglob("*") if p.is_file()}
    assert set(report["inputs"]) == inputs
    for path in expect["bad"]:
        entry = report["inputs"][path]
        assert entry["status"] == "rejected" and entry["pages"] == [] and entry["diagnostics"], path
    site = project / "site"
    for path in expect["good"]:
        entry = report["inputs"][path]
        bid, lang = Path(path).name.split(".")[:2]
        own = f"{'fr/' if lang == 'fr' else ''}briefs/{bid}/"
        assert entry["status"] == "built" and own in entry["pages"], path
        assert (site / own / "index.html").exists()
    # the brief pages in site/ are exactly the accepted sources, plus a notice where one language is missing
    built = {p.parent.relative_to(site).as_posix() for p in site.rglob("briefs/generated-*/index.html")}
    from_sources = {f"{'fr/' if Path(p).name.split('.')[1] == 'fr' else ''}briefs/{Path(p).name.split('.')[0]}" for p in expect["good"]}
    notices = {f"{'fr/' if lang == 'en' else ''}briefs/{b}" for b, lang in
               ((Path(p).name.split(".")[0], Path(p).name.split(".")[1]) for p in expect["good"])}
    full = {b for b in built if not b.endswith(("frontline", "managers", "funders", "researchers"))}
    assert from_sources <= full <= from_sources | notices
    for b in full - from_sources:
        assert "Pas encore offert" in (site / b / "index.html").read_text(encoding="utf-8") or \
               "Not yet available" in (site / b / "index.html").read_text(encoding="utf-8")
