"""The literature loader: every real-world .bib loads completely or is named by an error, and each
silent failure of bibtexparser 2.x (shared/NOTES.md) becomes a loaded entry or a diagnostic."""
from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import bibtexparser
import pytest

from passerelle.literature import cited_entry_problems, load_literature
from passerelle.records import BibEntry, Literature

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "bibtex"
CORPUS_FILES = sorted(CORPORA.rglob("*.bib")) if CORPORA.is_dir() else []
# The same counting rules as shared/acceptance/lib/corpora.py.
ENTRY = re.compile(r'^[ \t]*@(?!string\b|comment\b|preamble\b)[A-Za-z]+[ \t]*[{(]', re.I | re.M)
PCT_ENTRY = re.compile(r'^[ \t]*%[ \t%]*@(?!string\b|comment\b|preamble\b)[A-Za-z]+[ \t]*[{(]', re.I | re.M)


def project(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    """A project root whose literature/ holds the given files (text is written as UTF-8)."""
    for name, content in files.items():
        p = tmp_path / "literature" / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
    return tmp_path


def codes(lit, severity=None):
    return [d.code for d in lit.diagnostics if severity in (None, d.severity)]


def only(lit, code):
    found = [d for d in lit.diagnostics if d.code == code]
    assert len(found) == 1, lit.diagnostics
    return found[0]


# --- the corpus contract -----------------------------------------------------------------------------------


@pytest.mark.skipif(not CORPUS_FILES, reason=f"no BibTeX corpora at {CORPORA} (the shared/ folder is absent)")
@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.relative_to(CORPORA).as_posix())
def test_corpus_file_loads_completely_or_is_named_by_an_error(tmp_path, path):
    raw = path.read_bytes()
    try:
        text, utf8 = raw.decode("utf-8-sig"), True
    except UnicodeDecodeError:
        text, utf8 = raw.decode("latin-1"), False
    expected, pct = len(ENTRY.findall(text)), len(PCT_ENTRY.findall(text))
    target = tmp_path / "literature" / "corpus" / path.name
    target.parent.mkdir(parents=True)
    target.write_bytes(raw)

    lit = load_literature(tmp_path)

    rel = f"literature/corpus/{path.name}"
    assert lit.files == [rel]
    for d in lit.diagnostics:
        assert d.path == rel and d.line >= 1 and d.message and d.hint and d.severity in ("error", "warning")
    errors = [d for d in lit.diagnostics if d.severity == "error"]
    if errors:
        return  # rejected, and every diagnostic names the file and a line (checked above)
    assert len(lit.entries) in (expected, expected + pct), "entries dropped silently"
    if pct:
        assert "bib-percent-entry" in codes(lit, "warning")
    if not utf8:
        assert "bib-encoding" in codes(lit, "warning")
    for entry in lit.entries.values():
        assert entry.path == rel and entry.line >= 1
        again = bibtexparser.parse_string(entry.raw)
        assert [e.key for e in again.entries] == [entry.key] and not again.failed_blocks


@pytest.mark.skipif(not CORPUS_FILES, reason=f"no BibTeX corpora at {CORPORA} (the shared/ folder is absent)")
def test_corpus_rejections_are_the_really_broken_files(tmp_path):
    """Only duplicate keys and an undeclared non-UTF-8 file are rejected; everything else loads."""
    rejected = {}
    for path in CORPUS_FILES:
        root = tmp_path / path.relative_to(CORPORA).with_suffix("")
        (root / "literature").mkdir(parents=True)
        shutil.copy(path, root / "literature" / path.name)
        errors = {d.code for d in load_literature(root).diagnostics if d.severity == "error"}
        if errors:
            rejected[path.relative_to(CORPORA).as_posix()] = errors
    assert rejected == {
        "biber/examples.bib": {"bib-duplicate-key"},
        "biber/full-bbl.bib": {"bib-duplicate-key"},
        "bibtexparser/biber-examples.bib": {"bib-duplicate-key"},
        "bibtexparser/gbk_test.bib": {"bib-encoding"},
    }


# --- rules, on small inputs --------------------------------------------------------------------------------


def test_entry_fields_line_and_paths(tmp_path):
    root = project(tmp_path, {"sub/a.bib": "% header\n\n@Article{Smith2020,\n  Title = {On {IRCC} funding},\n"
                                           "  author = {Smith, Jane},\n  year = 2020,\n}\n"})
    lit = load_literature(root)
    e = lit.entries["Smith2020"]
    assert (e.type, e.path, e.line) == ("article", "literature/sub/a.bib", 3)
    assert e.fields == {"title": "On IRCC funding", "author": "Smith, Jane", "year": "2020"}
    assert lit.files == ["literature/sub/a.bib"] and lit.diagnostics == []


def test_latex_is_decoded_to_plain_unicode_text(tmp_path):
    root = project(tmp_path, {"a.bib": r"""@book{k, title = {L'int{\'{\i}}gration \& {\"o}konomie: 50% --- <b>},
        author = {Laid{\'e}, Jean}, year = {2019}, url = {http://x.org/a_b%20c~d}, note = {\texttt{code}}}
"""})
    f = load_literature(root).entries["k"].fields
    assert f["title"] == "L'intígration & ökonomie: 50% — <b>"  # plain text, not HTML-escaped
    assert f["author"] == "Laidé, Jean"
    assert f["url"] == "http://x.org/a_b%20c~d"  # verbatim fields are not decoded
    assert f["note"] == "code"


def test_only_type_and_key_are_needed_and_missing_fields_warn_once(tmp_path):
    root = project(tmp_path, {"a.bib": "@misc{bare}\n@misc{named, title = {T}}\n"})
    lit = load_literature(root)
    assert set(lit.entries) == {"bare", "named"}
    warnings = [d for d in lit.diagnostics if d.code == "bib-missing-field"]
    assert [(d.line, d.severity) for d in warnings] == [(1, "warning"), (2, "warning")]
    assert "title" in warnings[0].message and "author or editor" in warnings[0].message
    assert "title" not in warnings[1].message.split(":", 1)[1]


def test_duplicate_keys_ignore_case_across_files(tmp_path):
    root = project(tmp_path, {
        "a.bib": "@book{Smith2020, title = {First}, author = {A}, year = 2020}\n",
        "b.bib": "\n\n@article{smith2020, title = {Second}, author = {B}, year = 2021}\n",
    })
    lit = load_literature(root)
    assert list(lit.entries) == ["Smith2020"] and lit.entries["Smith2020"].fields["title"] == "First"
    d = only(lit, "bib-duplicate-key")
    assert (d.path, d.line, d.severity) == ("literature/b.bib", 3, "error")
    assert "literature/a.bib:1" in d.message


def test_exact_duplicate_in_one_file_is_an_error_not_a_drop(tmp_path):
    root = project(tmp_path, {"a.bib": "@misc{k, title={A}}\n@misc{k, title={B}}\n"})
    lit = load_literature(root)
    assert lit.entries["k"].fields["title"] == "A"
    assert (only(lit, "bib-duplicate-key").line, only(lit, "bib-duplicate-key").severity) == (2, "error")


def test_syntax_error_is_reported_with_its_line_and_later_entries_still_load(tmp_path):
    root = project(tmp_path, {"a.bib": "@misc{good1, title={A}}\n\n@article{broken,\n  title = {Unclosed,\n"
                                       "  year = 2020\n\n@misc{good2, title={B}}\n"})
    lit = load_literature(root)
    assert set(lit.entries) == {"good1", "good2"}
    d = only(lit, "bib-syntax")
    assert (d.line, d.severity) == (3, "error") and "broken" in d.message


def test_duplicate_field_is_an_error_and_the_first_value_is_kept(tmp_path):
    root = project(tmp_path, {"a.bib": "\n@misc{k,\n  title = {One},\n  Title = {Two}\n}\n"})
    lit = load_literature(root)
    d = only(lit, "bib-duplicate-field")
    assert (d.line, d.severity) == (2, "error") and "title" in d.message
    assert lit.entries["k"].fields["title"] == "One"


def test_missing_comma_between_fields_is_a_syntax_error(tmp_path):
    root = project(tmp_path, {"a.bib": "@misc{k,\n  title = {One}\n  year = {2020}\n}\n"})
    d = only(load_literature(root), "bib-syntax")
    assert d.severity == "error" and d.line == 2


def test_undefined_macro_warns_with_the_line_of_its_field(tmp_path):
    root = project(tmp_path, {"a.bib": "@misc{k,\n  title = {T},\n  journal = nosuchjournal,\n}\n"})
    lit = load_literature(root)
    d = only(lit, "bib-undefined-macro")
    assert (d.line, d.severity) == (3, "warning") and "nosuchjournal" in d.message
    assert "journal" not in lit.entries["k"].fields  # BibTeX reads an undefined macro as empty text


def test_string_macros_ignore_case_and_concatenate(tmp_path):
    root = project(tmp_path, {"a.bib": '@STRING{IRCC = "Immigration, Refugees and Citizenship Canada"}\n'
                                       '@string{ottawa = {Ottawa}}\n'
                                       '@report{r, title = "Annual" # { report } # 2019, '
                                       'institution = ircc, address = OTTAWA # ", ON", month = Mar}\n'})
    lit = load_literature(root)
    f = lit.entries["r"].fields
    assert f["title"] == "Annual report 2019"
    assert f["institution"] == "Immigration, Refugees and Citizenship Canada"
    assert f["address"] == "Ottawa, ON"
    assert f["month"] == "3"  # biber's reading of the predefined month macros
    assert not [d for d in lit.diagnostics if d.code != "bib-missing-field"]


def test_string_macros_defined_in_another_file_resolve(tmp_path):
    root = project(tmp_path, {"abbrev.bib": "@string{jims = {Journal of International Migration}}\n",
                              "refs.bib": "@article{a, journal = JIMS}\n"})
    assert load_literature(root).entries["a"].fields["journal"] == "Journal of International Migration"


def test_crossref_inherits_missing_fields_as_biber_does(tmp_path):
    root = project(tmp_path, {"a.bib": """@inproceedings{child, author = {Doe, J.}, title = {Paper},
  crossref = {PROC}, year = {2001}}
@proceedings{proc, title = {Proceedings of the Metropolis Conference}, editor = {Roe, R.},
  year = {2000}, publisher = {Metropolis}}
"""})
    lit = load_literature(root)
    f = lit.entries["child"].fields
    assert f["booktitle"] == "Proceedings of the Metropolis Conference"  # parent title -> booktitle
    assert f["title"] == "Paper" and f["year"] == "2001"  # the child's own fields win
    assert f["editor"] == "Roe, R." and f["publisher"] == "Metropolis"
    assert codes(lit) == []


def test_crossref_to_an_absent_key_warns_on_its_line(tmp_path):
    root = project(tmp_path, {"a.bib": "@incollection{c,\n  title = {T}, author = {A}, year = 2000,\n"
                                       "  crossref = {nowhere}\n}\n"})
    lit = load_literature(root)
    d = only(lit, "bib-crossref")
    assert (d.line, d.severity) == (3, "warning") and "nowhere" in d.message
    assert "c" in lit.entries


def test_crossref_cycle_is_reported_not_looped(tmp_path):
    root = project(tmp_path, {"a.bib": "@book{a, crossref = {b}, title={A}}\n@book{b, crossref = {a}, year={1}}\n"})
    lit = load_literature(root)
    assert "circular" in only(lit, "bib-crossref").message and set(lit.entries) == {"a", "b"}


def test_declared_latin1_file_loads_with_a_warning(tmp_path):
    text = "% -*- coding: latin-1 -*-\n@book{k, title = {Intégration}, author = {Bédard}, year = 1999}\n"
    lit = load_literature(project(tmp_path, {"a.bib": text.encode("latin-1")}))
    assert lit.entries["k"].fields["title"] == "Intégration"
    d = only(lit, "bib-encoding")
    assert (d.severity, d.line) == ("warning", 1) and "iconv" in d.hint


def test_jabref_encoding_header_is_a_declaration(tmp_path):
    text = "% This file was created with JabRef 2.10.\n% Encoding: Cp1252\n\n@misc{k, title = {Québec – 2020}}\n"
    lit = load_literature(project(tmp_path, {"a.bib": text.encode("cp1252")}))
    assert lit.entries["k"].fields["title"] == "Québec – 2020"
    assert only(lit, "bib-encoding").severity == "warning"


def test_undeclared_non_utf8_file_is_an_error_with_the_iconv_fix(tmp_path):
    text = "@misc{a, title = {A}}\n@misc{k, title = {Intégration}}\n"
    lit = load_literature(project(tmp_path, {"x.bib": text.encode("latin-1")}))
    d = only(lit, "bib-encoding")
    assert (d.severity, d.line) == ("error", 2)
    assert "iconv -f LATIN1 -t UTF-8 literature/x.bib > literature/x.bib.new" in d.hint
    assert lit.entries == {}


def test_percent_entry_is_commented_out_with_a_warning(tmp_path):
    root = project(tmp_path, {"a.bib": "@misc{kept, title = {K}}\n%@book{old,\n%  title = {Old}\n%}\n"
                                       "  % @article{older, title = {O}}\n"})
    lit = load_literature(root)
    assert list(lit.entries) == ["kept"]
    found = [(d.line, d.severity) for d in lit.diagnostics if d.code == "bib-percent-entry"]
    assert found == [(2, "warning"), (5, "warning")]
    assert not codes(lit, "error")


def test_percent_comments_between_fields_are_ignored_as_biber_does(tmp_path):
    root = project(tmp_path, {"a.bib": "@misc{k,\n  title = {T}, % a note, with = signs\n"
                                       "  % whole-line comment\n  year = {2020}\n}\n"})
    lit = load_literature(root)
    assert lit.entries["k"].fields == {"title": "T", "year": "2020"}
    assert only(lit, "bib-entry-comment").line == 2
    again = bibtexparser.parse_string(lit.entries["k"].raw)  # the downloadable text is valid BibTeX
    assert "%" not in lit.entries["k"].raw and set(again.entries[0].fields_dict) == {"title", "year"}


def test_percent_inside_a_value_is_text(tmp_path):
    root = project(tmp_path, {"a.bib": "@misc{k, title = {50% of newcomers\n% stay}, year = 2020}\n"})
    lit = load_literature(root)
    assert lit.entries["k"].fields["title"] == "50% of newcomers % stay"
    assert "bib-entry-comment" not in codes(lit)


def test_entry_after_text_on_its_line_is_an_error(tmp_path):
    root = project(tmp_path, {"a.bib": "Contact: info@example{ours, title = {T}}\n"})
    assert only(load_literature(root), "bib-inline-entry").severity == "error"


def test_raw_is_the_entry_text_and_parses_back(tmp_path):
    entry = "@book{k,\n  title = {Caf{\\'e}} # { culture},\n  year = 2020\n}"
    lit = load_literature(project(tmp_path, {"a.bib": f"% intro\n{entry}\n\n@misc{{other}}\n"}))
    assert lit.entries["k"].raw == entry
    again = bibtexparser.parse_string(lit.entries["k"].raw)
    assert [e.key for e in again.entries] == ["k"] and not again.failed_blocks


def test_invalid_key_is_an_error_and_a_missing_key_a_warning(tmp_path):
    # reference managers (Citavi, Mendeley, EndNote, JabRef) export entries without a key: the entry is not
    # loaded and the warning says so; a key that is there but invalid is a contributor's error
    lit = load_literature(project(tmp_path, {"a.bib": "@misc{,\n title = {No key}}\n@misc{two words, title={T}}\n"}))
    assert [(d.line, d.severity) for d in lit.diagnostics if d.code == "bib-key"] == [(1, "warning"), (3, "error")]
    assert lit.entries == {}


def test_no_literature_folder_is_empty_not_an_error(tmp_path):
    lit = load_literature(tmp_path)
    assert (lit.entries, lit.files, lit.diagnostics) == ({}, [], [])


@pytest.mark.parametrize("text", ["@", "@misc{", "@misc{k, title = {", '@string{x = "', "@misc(k, t = )", "\x00@{}}}",
                                  "@misc{k, a = b # # c}", "@comment{\n@misc{k}\n"])
def test_garbage_never_raises(tmp_path, text):
    lit = load_literature(project(tmp_path, {"a.bib": text}))
    for d in lit.diagnostics:
        assert d.line >= 1 and d.hint


def test_cited_entry_problems():
    def entry(**fields):
        return BibEntry(key="k", type="misc", fields=fields, path="literature/a.bib", line=1, raw="")

    assert cited_entry_problems(entry(title="T", author="A", year="2020")) == []
    assert cited_entry_problems(entry(title="T", editor="E", date="2020-05")) == []
    assert cited_entry_problems(entry()) == ["title", "author or editor", "year or date"]
    assert cited_entry_problems(entry(title="T", year="2020")) == ["author or editor"]


def generated_bib(n: int) -> str:
    return "".join(f"@article{{key{i},\n  author = {{Tremblay, Ren{{\\'e}} and Nguyen, Lan}},\n"
                   f"  title = {{Settlement outcomes, wave {i} --- {{Canada}}}},\n  journal = {{J. Migr. {i % 50}}},\n"
                   f"  year = {{{2000 + i % 25}}},\n  pages = {{{i}--{i + 9}}},\n}}\n\n" for i in range(n))


def calls_to_load(root: Path) -> tuple[int, Literature]:
    """The function calls (Python and built-in) made while loading a project's literature."""
    calls = 0

    def count(frame, event, arg):
        nonlocal calls
        calls += event in ("call", "c_call")

    sys.setprofile(count)
    try:
        lit = load_literature(root)
    finally:
        sys.setprofile(None)
    return calls, lit


def test_loading_grows_linearly_with_the_entries(tmp_path):
    """Counted, never timed: twice the entries, twice the calls (a pass over every entry per entry would
    show as 4 times). The largest is loaded once first: the first load's calls are mostly one-time work
    (imports, the caches of names and macros)."""
    roots = {n: project(tmp_path / str(n), {"big.bib": generated_bib(n)}) for n in (500, 1000)}
    calls_to_load(roots[1000])
    calls = {}
    for n, root in roots.items():
        calls[n], lit = calls_to_load(root)
        assert len(lit.entries) == n and lit.diagnostics == []
        assert lit.entries["key7"].fields["title"] == "Settlement outcomes, wave 7 — Canada"
    assert 1.9 <= calls[1000] / calls[500] <= 2.1, calls


def test_lines_stay_true_after_a_backslash_at_the_end_of_a_line(tmp_path):
    # bibtexparser 2.1 loses a line after "\\" + newline inside a value (tugboat.bib from pybtex):
    # every later entry and field would be named one line too early
    text = ('@article{a,\n  title = "{New \\TUB\\\n  format}",\n}\n\n'
            '@article{b,\n  title = {B},\n  year = 2000,\n  note = nosuchmacro\n}\n')
    lit = load_literature(project(tmp_path, {"a.bib": text}))
    assert (lit.entries["a"].line, lit.entries["b"].line) == (1, 6)
    assert only(lit, "bib-undefined-macro").line == 9
