"""Load ``literature/**/*.bib`` into ``BibEntry`` records, reporting every problem as a Diagnostic.

bibtexparser 2.x splits the files; everything it leaves undone or fails silently at is done here
(see shared/NOTES.md): case-insensitive keys and ``@string`` macros, ``#`` concatenation, undefined
macros, duplicate keys across files, ``crossref``/``xdata`` inheritance, non-UTF-8 files and entries
hidden behind ``%``. Values are read as BibTeX reads them; ``%`` comments as biber reads them (BibTeX
has none), with a warning wherever the two differ. No entry is ever dropped silently: each one is
loaded, or named by an error or a warning.
"""
from __future__ import annotations

import codecs
import functools
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import bibtexparser
from bibtexparser.model import (DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, Entry, ImplicitComment,
                                ParsingFailedBlock, String)

from .records import BibEntry, Diagnostic, Literature
from .report import problem

# bibtexparser logs every failed block itself; those failures are reported here as diagnostics.
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)

LIT_DIR = "literature"

# BibTeX's and biblatex's entry types, aliases included; any other type still loads, with a warning.
KNOWN_TYPES = frozenset("""
article book booklet inbook incollection inproceedings conference manual mastersthesis misc phdthesis
proceedings techreport unpublished online electronic www report thesis collection reference inreference
mvbook mvcollection mvproceedings mvreference bookinbook suppbook suppcollection suppperiodical periodical
patent dataset software set xdata customa customb customc customd custome customf artwork audio
commentary image jurisdiction legislation legal letter movie music performance review standard video
""".split())
# Types that gather other entries or lend fields to them: they need no title, author or year of their own.
NO_USUAL_FIELDS = frozenset({"xdata", "set"})
# Fields whose text is a URL, a path or a list of keys: LaTeX decoding would corrupt them.
VERBATIM = frozenset({"url", "doi", "eprint", "file", "pdf", "urlraw", "verba", "verbb", "verbc", "ids",
                      "crossref", "xref", "xdata", "entryset", "related"})
# Biber reads BibTeX's predefined month macros as numbers (biblatex's month field is an integer).
MONTHS = {m: str(i) for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}

def _title_as(prefix: str) -> dict[str, str | None]:
    """The parent's title becomes e.g. the child's booktitle; its short/sort titles are not inherited."""
    return {"title": f"{prefix}title", "subtitle": f"{prefix}subtitle", "titleaddon": f"{prefix}titleaddon",
            "shorttitle": None, "sorttitle": None, "indextitle": None, "indexsorttitle": None}


# biblatex's default data inheritance (biblatex.def): parent types, child types, {parent field: child field}.
INHERITANCE = [
    ({"mvbook", "book"}, {"inbook", "bookinbook", "suppbook"}, {"author": "author+bookauthor"}),
    ({"mvbook"}, {"book", "inbook", "bookinbook", "suppbook"}, _title_as("main")),
    ({"mvcollection", "mvreference"}, {"collection", "reference", "incollection", "inreference",
                                       "suppcollection"}, _title_as("main")),
    ({"mvproceedings"}, {"proceedings", "inproceedings"}, _title_as("main")),
    ({"book"}, {"inbook", "bookinbook", "suppbook"}, _title_as("book")),
    ({"collection", "reference"}, {"incollection", "inreference", "suppcollection"}, _title_as("book")),
    ({"proceedings"}, {"inproceedings"}, _title_as("book")),
    ({"periodical"}, {"article", "suppperiodical"}, {**_title_as("journal"), "title": "journaltitle"}),
]
NEVER_INHERITED = frozenset({"ids", "crossref", "xref", "xdata", "entryset", "entrysubtype", "execute", "label",
                             "options", "presort", "related", "relatedoptions", "relatedstring", "relatedtype",
                             "shorthand", "shorthandintro", "sortkey"})
TYPE_ALIASES = {"conference": "inproceedings", "electronic": "online", "www": "online"}

_IDENT = re.compile(r"""[^\s"#%'(),={}0-9][^\s"#%'(),={}]*""")
_NUMBER = re.compile(r"[0-9]+")
_NO_KEY = re.compile(r"@\w+\s*[{(]\s*[^\s,{}()=\"#%']+\s*=")  # a field where the key should be
_BAD_KEY = re.compile(r"""[\s"#%'(),={}\\]""")
_LATEX_CHARS = re.compile(r"[\\{}$~%]|--|``|''")  # what pylatexenc would change
_BARE_PERCENT = re.compile(r"(?<!\\)%")
_BLOCK_START = re.compile(r"@(\w*)[ \t]*([{(])")  # as bibtexparser's splitter finds blocks
_OUTSIDE = re.compile(r"%|" + _BLOCK_START.pattern)
_BODY_MARK = re.compile(r"""\\[{}"%]|[{}",%()]|\n[ \t]*@""")
_DECLARED = [re.compile(p, re.I | re.M) for p in (
    r"-\*-.*?coding:\s*([\w.:-]+?)(?:-unix|-dos|-mac)?[\s;]",  # Emacs file variable
    r"^%+\s*encoding:\s*([\w.:-]+)",  # JabRef's header
    r"jabref-meta:\s*encoding:?\s*([\w.:-]+)",
)]


@dataclass
class _Parsed:
    """An entry read from one file, before keys are checked across files and crossrefs resolved."""

    entry: BibEntry
    field_lines: dict[str, int]  # field name -> line, to place diagnostics about a field


def load_literature(root: Path) -> Literature:
    """Load every ``*.bib`` under ``root/literature`` (sorted, so results never depend on the disk)."""
    root = Path(root)
    lit = Literature()
    base = root / LIT_DIR
    paths = sorted(base.rglob("*.bib")) if base.is_dir() else []
    texts: list[tuple[str, str]] = []
    for p in paths:
        rel = p.relative_to(root).as_posix()
        lit.files.append(rel)
        text = _read_text(p, rel, lit.diagnostics)
        if text is not None:
            texts.append((rel, text))
    libraries = []
    for rel, text in texts:
        try:
            libraries.append((rel, _split(text, rel, lit.diagnostics)))
        except Exception as exc:  # noqa: BLE001 - a parser bug must become a diagnostic, not a traceback
            lit.diagnostics.append(_internal(rel, exc))
    macros = dict(MONTHS)  # shared by all files, as BibTeX shares them across \bibliography{a,b}
    parsed: dict[str, _Parsed] = {}  # lower-cased key -> first entry with that key
    for rel, library in libraries:
        try:
            _collect_macros(library, rel, macros, lit.diagnostics)
        except Exception as exc:  # noqa: BLE001
            lit.diagnostics.append(_internal(rel, exc))
    lit.strings.update(_string_definitions(libraries))
    for rel, library in libraries:
        try:
            _collect_entries(library, rel, macros, parsed, lit.diagnostics)
        except Exception as exc:  # noqa: BLE001
            lit.diagnostics.append(_internal(rel, exc))
    try:
        _inherit(parsed, lit.diagnostics)
    except RecursionError as exc:  # a crossref chain thousands of entries long
        lit.diagnostics.append(_internal(lit.files[0], exc))
    for item in parsed.values():
        _check_usual_fields(item, lit.diagnostics)
        lit.entries[item.entry.key] = item.entry
    named = {d.path for d in lit.diagnostics} | {e.path for e in lit.entries.values()}
    for rel in lit.files:
        if rel not in named:  # nothing loaded and nothing said: say it
            lit.diagnostics.append(problem(rel, 1, "bib-empty", severity="warning"))
    lit.diagnostics.sort(key=lambda d: (d.path, d.line, d.code))
    return lit


def cited_entry_problems(entry: BibEntry) -> list[str]:
    """What an entry cited by a brief lacks to be shown as a reference: a title, a name and a date."""
    f = entry.fields
    missing = []
    if not f.get("title"):
        missing.append("title")
    if not (f.get("author") or f.get("editor")):
        missing.append("author or editor")
    if not (f.get("year") or f.get("date")):
        missing.append("year or date")
    return missing


# --- reading bytes -----------------------------------------------------------------------------------------


def _read_text(path: Path, rel: str, diags: list[Diagnostic]) -> str | None:
    """UTF-8 if the bytes are UTF-8; a byte-order mark's encoding, with a warning; else the file's
    declared encoding, with a warning; else an error naming the encoding the bytes look like."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        diags.append(problem(rel, 1, "bib-read", reason=str(exc.strerror or exc)))
        return None
    text = decode_bom(raw, rel, diags)
    if text is not None:
        return text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_line = raw[:exc.start].count(b"\n") + 1
        text = _decode_declared(raw, rel, bad_line, diags)
        if text is None:
            return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


# A byte-order mark is unambiguous; UTF-32's marks are tested before UTF-16's (they begin alike).
BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32LE"), (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32BE"),
        (codecs.BOM_UTF8, "utf-8", "UTF-8"), (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16LE"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16BE"))
# Encodings that read the same bytes the same way are named by the most common one.
_PREFERRED = ("utf_8", "latin_1", "cp1252", "iso8859_15", "mac_roman", "cp850")
_ICONV_NAMES = {"latin_1": "LATIN1", "iso8859_1": "LATIN1", "mac_roman": "MACINTOSH", "utf_8": "UTF-8", "utf_16_le": "UTF-16LE",
                "utf_16_be": "UTF-16BE", "utf_32_le": "UTF-32LE", "utf_32_be": "UTF-32BE", "utf_16": "UTF-16"}


def decode_bom(raw: bytes, rel: str, diags: list[Diagnostic]) -> str | None:
    """The text of a file that starts with a byte-order mark (UTF-8, UTF-16 or UTF-32), with a warning
    saying how to save it as UTF-8; None when there is no mark or the bytes after it are not valid."""
    for bom, codec, name in BOMS:
        if raw.startswith(bom):
            try:
                text = raw[len(bom):].decode(codec)
            except UnicodeDecodeError:
                return None
            key = "byte-order-mark/utf8" if codec == "utf-8" else "byte-order-mark"
            diags.append(problem(rel, 1, key, severity="warning", encoding=name, path=rel))
            return text
    return None


def iconv_name(codec: str) -> str:
    """Python's codec name as iconv spells it: latin_1 -> LATIN1, cp1252 -> CP1252, iso8859_15 -> ISO-8859-15."""
    name = codecs.lookup(codec).name.replace("-", "_")
    if name in _ICONV_NAMES:
        return _ICONV_NAMES[name]
    m = re.fullmatch(r"iso8859_(\d+)", name)
    return f"ISO-8859-{m.group(1)}" if m else name.upper().replace("_", "-")


def guess_encoding(raw: bytes) -> str | tuple[str]:
    """The encoding the bytes look like (charset-normalizer), as iconv names it; a term when none fits."""
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(raw).best()
    except Exception:  # noqa: BLE001 - a detector failure must not stop loading
        best = None
    if best is None:
        return ("unknown-encoding",)
    same = set(best.could_be_from_charset or [best.encoding])
    return iconv_name(next((c for c in _PREFERRED if c in same), best.encoding))


def _decode_declared(raw: bytes, rel: str, bad_line: int, diags: list[Diagnostic]) -> str | None:
    """Decode with an encoding the file itself names; guessing one would garble names silently."""
    head = raw.decode("latin-1")
    for pattern in _DECLARED:
        m = pattern.search(head)
        if not m:
            continue
        name = m.group(1).rstrip(".:")
        line = head.count("\n", 0, m.start()) + 1
        codec = _codec(name)
        if codec is None:
            diags.append(problem(rel, line, "bib-encoding/unknown", name=repr(name), encoding=guess_encoding(raw), path=rel))
            return None
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError as exc:
            diags.append(problem(rel, raw[:exc.start].count(b"\n") + 1, "bib-encoding/invalid", name=repr(name),
                                 codec=codec, encoding=guess_encoding(raw), path=rel))
            return None
        diags.append(problem(rel, line, "bib-encoding/declared", severity="warning", codec=codec,
                             encoding=iconv_name(codec), path=rel))
        return text
    diags.append(problem(rel, bad_line, "bib-encoding", encoding=guess_encoding(raw), path=rel))
    return None


def _codec(name: str) -> str | None:
    for candidate in (name, name.replace("-", ""), name.replace("-", "_")):
        try:
            return codecs.lookup(candidate).name
        except LookupError:
            continue
    return None


# --- splitting ---------------------------------------------------------------------------------------------


def _split(text: str, rel: str, diags: list[Diagnostic]):
    """Split with bibtexparser after blanking ``%`` comments the way biber reads them.

    BibTeX has no comments: it reads ``%@book{x, ...}`` as an entry and ``% note`` between two fields
    as a field name. Biber (btparse) ignores ``%`` to the end of the line outside values, and authors
    write ``%`` to comment things out, so Passerelle follows biber, and says so in a warning.
    """
    clean, in_entries, commented = _blank_comments(text)
    if in_entries:
        diags.append(problem(rel, in_entries[0], "bib-entry-comment", severity="warning", count=len(in_entries)))
    for line, block in commented:
        diags.append(problem(rel, line, "bib-percent-entry", severity="warning", block=block))
    library = bibtexparser.parse_string(clean, parse_stack=[])
    _true_lines(library, clean)
    return library


def _true_lines(library, text: str) -> None:
    """Line numbers counted in the text itself: bibtexparser loses a line wherever a value has a backslash
    at the end of a line (tugboat.bib), so every later entry would be named one line too early."""
    cursor, line = 0, 0  # line: newlines before cursor
    for block in library.blocks:
        raw = block.raw or ""
        pos = text.find(raw, cursor) if raw else -1
        if pos < 0 or block.start_line is None:
            continue
        line += text.count("\n", cursor, pos)
        delta = line - block.start_line
        line += raw.count("\n")
        cursor = pos + len(raw)
        if delta:  # bibtexparser 2.1 (pinned) keeps the lines in private attributes, read-only outside
            _shift(block, delta)
            for f in getattr(block, "fields", None) or []:
                _shift(f, delta)


def _shift(item, delta: int) -> None:
    for name in ("_start_line_in_file", "_start_line"):
        if getattr(item, name, None) is not None:
            setattr(item, name, getattr(item, name) + delta)
            return


def _blank_comments(text: str) -> tuple[str, list[int], list[tuple[int, str]]]:
    """Blank ``%`` comments that hide a block, and those between the fields of entries.

    Spaces replace them, so every offset and line number stays as in the file. Returns the text,
    the lines of comments inside entries, and (line, "@type{key") of the blocks commented out.
    """
    if "%" not in text:
        return text, [], []
    chars: list[str] | None = None
    in_entries: list[int] = []
    commented: list[tuple[int, str]] = []

    def blank(start: int) -> int:
        nonlocal chars
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        chars = list(text) if chars is None else chars
        chars[start:end] = " " * (end - start)
        return end

    pos = 0
    while (m := _OUTSIDE.search(text, pos)) is not None:
        if m.group() == "%":
            eol = text.find("\n", m.start())
            hidden = _BLOCK_START.search(text, m.start(), len(text) if eol < 0 else eol)
            pos = m.end()
            if hidden:
                key = re.match(r"[^,\s{}()]*", text[hidden.end():]).group()
                commented.append((text.count("\n", 0, m.start()) + 1, f"@{hidden.group(1)}{{{key}"))
                pos = blank(m.start())
            continue
        pos = _scan_block(text, m, in_entries, blank)
    return ("".join(chars) if chars is not None else text), in_entries, commented


def _scan_block(text: str, m: re.Match, in_entries: list[int], blank) -> int:
    """Walk one block as bibtexparser's splitter does; blank ``%`` comments between its fields."""
    kind = m.group(1).lower()
    is_entry = kind not in ("comment", "preamble", "string")
    close = "}" if m.group(2) == "{" else ")"
    depth, in_quotes, in_fields = 0, False, False
    i = m.end()
    while (mark := _BODY_MARK.search(text, i)) is not None:
        tok, i = mark.group(), mark.end()
        if tok.startswith("\\"):
            continue
        if tok.startswith("\n"):  # bibtexparser aborts a block at an '@' that starts a line
            return mark.start() + 1
        if tok == "{":
            depth += 1
        elif tok == "}" and depth:
            depth -= 1
        elif tok == close and depth == 0 and not in_quotes:
            return i
        elif tok == '"' and depth == 0 and kind != "comment":
            in_quotes = not in_quotes
        elif tok == "," and depth == 0 and not in_quotes:
            in_fields = True
        elif tok == "%" and depth == 0 and not in_quotes and in_fields and is_entry:
            in_entries.append(text.count("\n", 0, mark.start()) + 1)
            i = blank(mark.start())
    return len(text)


# --- macros and values -------------------------------------------------------------------------------------


def _string_definitions(libraries) -> dict[str, str]:
    """Every ``@string`` as written, by lower-cased name, first definition first: BibTeX downloads
    carry the macros their entries use."""
    out: dict[str, str] = {}
    for _rel, library in libraries:
        for block in library.blocks:
            if isinstance(block, String):
                out.setdefault(block.key.lower(), block.raw.strip())
    return out


def _collect_macros(library, rel: str, macros: dict[str, str], diags: list[Diagnostic]) -> None:
    """Evaluate ``@string`` definitions in file order; BibTeX matches macro names case-insensitively."""
    for block in library.blocks:
        if isinstance(block, DuplicateBlockKeyBlock) and isinstance(block.ignore_error_block, String):
            block = block.ignore_error_block
        if not isinstance(block, String):
            continue
        line = (block.start_line or 0) + 1
        name = block.key.strip()
        if not _IDENT.fullmatch(name):
            diags.append(problem(rel, line, "bib-syntax/string-name", name=repr(name)))
            continue
        value, problems = _evaluate(block.value, macros)
        for key, severity, args in problems:
            diags.append(problem(rel, line, key, severity=severity, where_string=name, **args))
        macros[name.lower()] = value


def _evaluate(value: str, macros: dict[str, str]) -> tuple[str, list[tuple[str, str, dict[str, str]]]]:
    """A field value as BibTeX reads it: ``{..}``, ``".."``, numbers and macros joined by ``#``.
    Problems are (messages.yml entry, severity, arguments)."""
    parts: list[str] = []
    problems: list[tuple[str, str, dict[str, str]]] = []
    i, n, expect_part = 0, len(value), True
    while True:
        while i < n and value[i].isspace():
            i += 1
        if i >= n:
            if expect_part:
                problems.append(("bib-syntax/value-missing", "error", {}))
            break
        c = value[i]
        if not expect_part:
            if c == "#":
                i, expect_part = i + 1, True
                continue
            problems.append(("bib-syntax/after-value", "error", {"text": repr(value[i:i + 30])}))
            break
        expect_part = False
        if c in "{\"":
            end = _closing(value, i)
            if end < 0:
                problems.append(("bib-syntax/unbalanced", "error", {"value": repr(value[:40])}))
                break
            parts.append(value[i + 1:end])
            i = end + 1
        elif m := _NUMBER.match(value, i):
            parts.append(m.group())
            i = m.end()
        elif m := _IDENT.match(value, i):
            name = m.group()
            i = m.end()
            if name.lower() in macros:
                parts.append(macros[name.lower()])
            else:
                problems.append(("bib-undefined-macro", "warning", {"name": repr(name), "bare": name}))
        else:
            problems.append(("bib-syntax/unexpected", "error", {"char": repr(c)}))
            break
    return "".join(parts), problems


def _closing(value: str, start: int) -> int:
    """Index of the delimiter closing the ``{`` or ``"`` at ``start``, or -1 (escaped braces skipped)."""
    depth = 0
    quote = value[start] == '"'
    i = start + 1 if quote else start
    for i in range(i, len(value)):
        c = value[i]
        if c in "{}" and i and value[i - 1] == "\\":
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0 and not quote:
                return i
            if depth < 0:
                return -1
        elif c == '"' and quote and depth == 0:
            return i
    return -1


_DECODER = None


def _decode(text: str) -> str:
    """LaTeX to Unicode with pylatexenc, as bibtexparser's LatexDecodingMiddleware does."""
    text = " ".join(text.split())
    return _latex_to_text(text) if _LATEX_CHARS.search(text) else text


@functools.lru_cache(maxsize=4096)
def _latex_to_text(text: str) -> str:
    """Cached: journals, publishers and places repeat across a bibliography, and pylatexenc is slow."""
    global _DECODER
    if _DECODER is None:
        import pylatexenc.latex2text as l2t

        db = l2t.get_default_latex_context_db()
        # pylatexenc drops the text of macros it has no spec for, \texttt among them: keep their argument.
        db.add_context_category("passerelle-bib", prepend=True,
                                macros=[l2t.MacroTextSpec(m, "%s") for m in ("url", "texttt", "textsf")])
        _DECODER = l2t.LatexNodes2Text(latex_context=db, math_mode="verbatim")
    # A bare % is text in a .bib value; to LaTeX it would start a comment and swallow the rest.
    try:
        return " ".join(_DECODER.latex_to_text(_BARE_PERCENT.sub(r"\\%", text)).split())
    except Exception:  # noqa: BLE001 - malformed LaTeX still shows, undecoded
        return text


# --- entries -----------------------------------------------------------------------------------------------


def _collect_entries(library, rel: str, macros: dict[str, str], parsed: dict[str, _Parsed],
                     diags: list[Diagnostic]) -> None:
    """Turn each entry block into a BibEntry, or name it in an error."""
    previous = None
    for block in library.blocks:
        if isinstance(block, (DuplicateFieldKeyBlock, DuplicateBlockKeyBlock)):
            block = block.ignore_error_block  # both checked here, ignoring case as BibTeX does
        if isinstance(block, ParsingFailedBlock):
            _report_failed(block, rel, diags)
        elif isinstance(block, Entry):
            _inline_entry(block, previous, rel, diags)
            item = _entry(block, rel, macros, diags)
            if item is not None:
                _register(item, parsed, diags)
        previous = block


def _report_failed(block: ParsingFailedBlock, rel: str, diags: list[Diagnostic]) -> None:
    """bibtexparser keeps what it could not split in failed_blocks, silently: name each one."""
    line = (block.start_line or 0) + 1
    raw = block.raw or ""
    m = re.match(r"@(\w*)\s*[{(]\s*([^,\s{}()]*)", raw)
    if m and _NO_KEY.match(raw):  # '@article{ title = ...': the key is missing, whatever the parser says
        diags.append(problem(rel, line, "bib-key", severity="warning", type=m.group(1).lower()))
        return
    what = f"@{m.group(1)}{{{m.group(2)}" if m else ("this block",)
    reason = getattr(block.error, "abort_reason", None) or str(block.error)
    diags.append(problem(rel, line, "bib-syntax", what=what, reason=reason))


def _inline_entry(block: Entry, previous, rel: str, diags: list[Diagnostic]) -> None:
    """An '@' after other text on its line: BibTeX reads it as an entry, but it is rarely meant as one."""
    if not isinstance(previous, ImplicitComment) or previous.start_line is None:
        return
    if previous.start_line + previous.raw.count("\n") != block.start_line:
        return
    prefix = previous.raw.rsplit("\n", 1)[-1].strip()
    diags.append(problem(rel, block.start_line + 1, "bib-inline-entry", type=block.entry_type, key=block.key,
                         prefix=repr(prefix[:30])))


def _entry(block: Entry, rel: str, macros: dict[str, str], diags: list[Diagnostic]) -> _Parsed | None:
    """Evaluate and decode an entry's fields; None (with an error) only when it has no usable key."""
    line = (block.start_line or 0) + 1
    key = block.key
    etype = block.entry_type.lower()
    if not key or _BAD_KEY.search(key):  # a keyless entry (as Citavi, Mendeley, EndNote export) warns
        diags.append(problem(rel, line, "bib-key/invalid", type=etype, key=repr(key)) if key
                     else problem(rel, line, "bib-key", severity="warning", type=etype))
        return None
    fields: dict[str, str] = {}
    field_lines: dict[str, int] = {}
    duplicates: list[str] = []
    for f in block.fields:
        name = f.key.strip().lower()
        fline = (f.start_line or block.start_line or 0) + 1
        if not _IDENT.fullmatch(name):
            diags.append(problem(rel, fline, "bib-syntax/field-name", key=key, name=repr(f.key.strip()[:40])))
            continue
        if name in field_lines:
            duplicates.append(name)
            continue
        value, problems = _evaluate(f.value, macros)
        for msg_key, severity, args in problems:
            diags.append(problem(rel, fline, msg_key, severity=severity, where_entry=key, where_field=name, **args))
        field_lines[name] = fline
        text = " ".join(value.split()) if name in VERBATIM else _decode(value)
        if text:
            fields[name] = text
    if duplicates:
        diags.append(problem(rel, line, "bib-duplicate-field", key=key, fields=", ".join(sorted(set(duplicates)))))
    if etype not in KNOWN_TYPES:
        diags.append(problem(rel, line, "bib-unknown-type", severity="warning", key=key, type=etype))
    raw = "\n".join(ln.rstrip() for ln in (block.raw or "").split("\n"))
    entry = BibEntry(key=key, type=etype, fields=fields, path=rel, line=line, raw=raw)
    return _Parsed(entry, field_lines)


def _register(item: _Parsed, parsed: dict[str, _Parsed], diags: list[Diagnostic]) -> None:
    """BibTeX keys ignore case: a second ``Smith2020``/``smith2020`` is an error, the first one stays."""
    e = item.entry
    first = parsed.get(e.key.lower())
    if first is None:
        parsed[e.key.lower()] = item
        return
    f = first.entry
    diags.append(problem(e.path, e.line, "bib-duplicate-key", key=repr(e.key), type=f.type, first=f.key,
                         where=f"{f.path}:{f.line}"))


# --- crossref, xdata, usual fields -------------------------------------------------------------------------


def _inherit(parsed: dict[str, _Parsed], diags: list[Diagnostic]) -> None:
    """Fill missing fields from ``xdata`` and ``crossref`` parents as biber does; flag absent targets.

    Targets are found ignoring case, and through biblatex's ``ids`` aliases, as biber finds them.
    """
    index = {k: k for k in parsed}
    for low, item in parsed.items():
        for alias in _keys(item.entry.fields.get("ids", "")):
            index.setdefault(alias.lower(), low)
    done: set[str] = set()
    for low in list(parsed):
        _resolve(low, parsed, index, diags, done, [])
    for item in parsed.values():
        for target in _keys(item.entry.fields.get("xref", "")):
            if target.lower() not in index:
                _missing_target(item, "xref", target, diags)


def _keys(value: str) -> list[str]:
    return [k.strip() for k in value.split(",") if k.strip()]


def _resolve(low: str, parsed: dict[str, _Parsed], index: dict[str, str], diags: list[Diagnostic],
             done: set[str], stack: list[str]) -> None:
    """Resolve parents first (depth first), so that cascading crossrefs inherit the whole chain."""
    if low in done:
        return
    item = parsed[low]
    if low in stack:
        chain = " -> ".join(parsed[k].entry.key for k in stack[stack.index(low):] + [low])
        diags.append(problem(item.entry.path, item.field_lines.get("crossref", item.field_lines.get(
            "xdata", item.entry.line)), "bib-crossref/circular", severity="warning", chain=chain))
        return
    stack.append(low)
    fields = item.entry.fields
    for name in ("xdata", "crossref"):
        for target in _keys(fields.get(name, ""))[: None if name == "xdata" else 1]:
            parent = index.get(target.lower())
            if parent is None:
                _missing_target(item, name, target, diags)
                continue
            _resolve(parent, parsed, index, diags, done, stack)
            if name == "xdata":
                for field_name, value in parsed[parent].entry.fields.items():
                    if field_name not in NEVER_INHERITED:
                        fields.setdefault(field_name, value)
            else:
                _inherit_crossref(parsed[parent].entry, item.entry)
    stack.pop()
    done.add(low)


def _inherit_crossref(parent: BibEntry, child: BibEntry) -> None:
    ptype, ctype = (TYPE_ALIASES.get(t, t) for t in (parent.type, child.type))
    mapping: dict[str, str | None] = {}
    for parents, children, rules in INHERITANCE:
        if ptype in parents and ctype in children:
            mapping.update(rules)
    for name, value in parent.fields.items():
        if name in NEVER_INHERITED:
            continue
        targets = mapping.get(name, name) if name in mapping else name
        for target in (targets.split("+") if targets else []):
            child.fields.setdefault(target, value)


def _missing_target(item: _Parsed, name: str, target: str, diags: list[Diagnostic]) -> None:
    e = item.entry
    diags.append(problem(e.path, item.field_lines.get(name, e.line), "bib-crossref", severity="warning", key=e.key,
                         field=name, target=target))


def _check_usual_fields(item: _Parsed, diags: list[Diagnostic]) -> None:
    """One light warning per entry: it loads, but cannot be cited until these are filled in."""
    e = item.entry
    if e.type in NO_USUAL_FIELDS:
        return
    missing = cited_entry_problems(e)
    if missing:
        diags.append(problem(e.path, e.line, "bib-missing-field", severity="warning", key=e.key, missing=missing))


def _internal(rel: str, exc: Exception) -> Diagnostic:
    return problem(rel, 1, "bib-internal", error=f"{type(exc).__name__}: {exc}")
