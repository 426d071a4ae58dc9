"""Property-based: random and mutated briefs and BibTeX never make `check` raise, and never vanish:
every input file becomes a document (or entries), or at least one diagnostic names it."""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import REPO, minimal_brief

# The same 150 examples on every run (CI stays reproducible); PROP_N=2000 hunts with fresh random ones.
SETTINGS = settings(max_examples=int(os.environ.get("PROP_N", 150)), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow], derandomize=not os.environ.get("PROP_N"))
BRIEF = "content/briefs/prop-brief.en.md"
BIB = "literature/prop.bib"
SEEDS = (REPO / "literature" / "seeds.bib").read_text(encoding="utf-8")
ENTRY_KEY = re.compile(r"^@(?!(?:string|comment|preamble)\b)\w+\s*\{\s*([^,\s{}()\"#%'=\\]+)\s*,", re.I | re.M)
# Characters that matter to the parsers: YAML, Markdown, BibTeX, encodings and invisible controls.
SPECIAL = "-:#{}[]@,=%\"'`\\<>!&*|\n\t\r \u00a0\u200b\u202e\u2028\ufeff\x00é—"
TEXT = st.text(alphabet=st.one_of(st.sampled_from(SPECIAL), st.characters(codec="utf-8")), max_size=400)


class Project:
    """One scratch project per test; each example rewrites its one file."""

    def __init__(self) -> None:
        self.dir = tempfile.TemporaryDirectory()
        self.root = Path(self.dir.name)
        (self.root / "content" / "briefs").mkdir(parents=True)
        (self.root / "literature").mkdir()
        shutil.copy(REPO / "mkdocs.yml", self.root / "mkdocs.yml")
        shutil.copy(REPO / "literature" / "seeds.bib", self.root / "literature" / "seeds.bib")

    def check(self, rel: str, data: bytes):
        from passerelle.build import check

        for old in (self.root / "content" / "briefs").glob("*"):
            old.unlink()
        (self.root / BIB).unlink(missing_ok=True)
        (self.root / rel).write_bytes(data)
        return check(self.root)


def mutate(text: str, ops: list[tuple[int, int, int, str]]) -> str:
    """Apply edits: (kind, position, length, text) — delete, insert, duplicate or swap lines."""
    for kind, pos, length, piece in ops:
        pos = pos % (len(text) + 1)
        if kind == 0:
            text = text[:pos] + text[pos + length:]
        elif kind == 1:
            text = text[:pos] + piece + text[pos:]
        else:
            lines = text.split("\n")
            i, j = pos % len(lines), (pos + length) % len(lines)
            if kind == 2:
                lines.insert(i, lines[j])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    return text


OPS = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 10_000), st.integers(0, 40), TEXT), min_size=1, max_size=6)


def assert_brief_accounted_for(checked, rel: str) -> None:
    docs = [d for d in checked.project.documents if d.path == rel]
    named = [d for d in checked.diagnostics if d.path == rel]
    assert docs or named, f"{rel} vanished: no document and no diagnostic"
    assert rel in checked.project.files
    for d in named:
        assert d.line >= 1 and d.message.strip() and d.hint.strip(), d
    if not [d for d in named if d.severity == "error"]:
        assert docs, "no error, yet no document"


@given(st.binary(max_size=600))
@SETTINGS
def test_random_bytes_as_a_brief(data):
    p = Project()
    assert_brief_accounted_for(p.check(BRIEF, data), BRIEF)


@given(TEXT)
@SETTINGS
def test_random_text_as_a_brief(text):
    p = Project()
    assert_brief_accounted_for(p.check(BRIEF, ("---\n" + text).encode("utf-8", "surrogatepass")), BRIEF)


@given(OPS, st.sampled_from(["en", "fr"]))
@SETTINGS
def test_mutated_brief(ops, lang):
    p = Project()
    rel = f"content/briefs/prop-brief.{lang}.md"
    text = mutate(minimal_brief(lang, bid="prop-brief"), ops)
    assert_brief_accounted_for(p.check(rel, text.encode("utf-8", "surrogatepass")), rel)


def assert_every_entry_accounted(p, text: str) -> list:
    """Each entry in the text is loaded or the file is named in a diagnostic; never a parser crash."""
    checked = p.check(BIB, text.encode("utf-8", "surrogatepass"))
    named = [d for d in checked.diagnostics if d.path == BIB]
    assert not [d for d in named if d.code == "bib-internal"], [d.message for d in named]
    loaded = {e.key.lower() for e in checked.project.literature.entries.values() if e.path == BIB}
    for key in ENTRY_KEY.findall(text):
        assert key.lower() in loaded or named, f"entry {key!r} vanished without a diagnostic"
    return named


@given(OPS)
@SETTINGS
def test_mutated_bibtex(ops):
    p = Project()
    text = mutate(SEEDS.replace("peacegeeks2019settlement", "propkey1").replace("nsct2022mobilizing", "propkey2"), ops)
    named = assert_every_entry_accounted(p, text)
    for d in named:
        assert d.line >= 1 and d.hint.strip(), d


@given(st.lists(st.tuples(st.sampled_from(["article", "report", "book", "online", "string", "misc"]),
                          st.text(alphabet="abcAB12_-:", min_size=0, max_size=8),
                          st.lists(st.tuples(st.sampled_from(["title", "author", "year", "crossref", "Title"]), TEXT),
                                   max_size=4)), min_size=1, max_size=5))
@SETTINGS
def test_generated_bibtex(blocks):
    p = Project()
    text = "\n".join(f"@{kind}{{{key},\n" + ",\n".join(f"  {name} = {{{value}}}" for name, value in fields) + "\n}\n"
                     for kind, key, fields in blocks)
    named = assert_every_entry_accounted(p, text)
