"""Reference exports (CSL-JSON, RIS, BibTeX) and formatted citations for the literature of a brief.

Why pandoc's citeproc and not a hand-made format: readers paste these into Zotero, EndNote or a
report, so each format must be the standard one, and French references need French terms (« », et,
juillet). Pandoc (shipped by pypandoc-binary) carries the Chicago author-date style and the CSL
locales, so no style or locale is ever downloaded. Names are read from the entry's raw BibTeX, where
``{{PeaceGeeks Society}}`` still shows that a name is one corporate name, not a given and a family name.
"""
from __future__ import annotations

import functools
import json
import logging
import re
from collections import Counter
from typing import Any, Iterable, Mapping

import bibtexparser
import pypandoc
import yaml
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts

from .. import cache
from ..literature import MONTHS, TYPE_ALIASES
from ..literature import _decode as decode_latex  # the loader's LaTeX decoding, so names read like fields
from ..records import BibEntry

logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)

# BibTeX/biblatex entry type -> (CSL type, RIS type). Anything else is a generic document.
TYPES: dict[str, tuple[str, str]] = {
    "article": ("article-journal", "JOUR"), "book": ("book", "BOOK"), "mvbook": ("book", "BOOK"),
    "collection": ("book", "BOOK"), "mvcollection": ("book", "BOOK"), "proceedings": ("book", "CONF"),
    "mvproceedings": ("book", "CONF"), "inbook": ("chapter", "CHAP"), "bookinbook": ("chapter", "CHAP"),
    "incollection": ("chapter", "CHAP"), "suppbook": ("chapter", "CHAP"), "suppcollection": ("chapter", "CHAP"),
    "inproceedings": ("paper-conference", "CONF"), "techreport": ("report", "RPRT"), "report": ("report", "RPRT"),
    "manual": ("report", "RPRT"), "online": ("webpage", "ELEC"), "phdthesis": ("thesis", "THES"),
    "mastersthesis": ("thesis", "THES"), "thesis": ("thesis", "THES"), "unpublished": ("manuscript", "UNPB"),
    "booklet": ("pamphlet", "PAMP"), "dataset": ("dataset", "DATA"), "software": ("software", "COMP"),
    "patent": ("patent", "PAT"), "periodical": ("periodical", "JFULL"), "misc": ("document", "GEN"),
}
DEFAULT_TYPE = ("document", "GEN")
# Plain text fields: BibTeX name -> CSL name (first BibTeX field present wins for each CSL name).
TEXT_FIELDS = [
    ("journaltitle", "container-title"), ("journal", "container-title"), ("booktitle", "container-title"),
    ("maintitle", "container-title"), ("series", "collection-title"), ("edition", "edition"),
    ("volume", "volume"), ("pages", "page"), ("publisher", "publisher"), ("institution", "publisher"),
    ("organization", "publisher"), ("school", "publisher"), ("location", "publisher-place"),
    ("address", "publisher-place"), ("eventtitle", "event-title"), ("isbn", "ISBN"), ("issn", "ISSN"),
    ("url", "URL"), ("doi", "DOI"), ("note", "note"), ("language", "language"),
]
# CSL variable -> RIS tag, in the order RIS readers expect after TY/AU/TI.
RIS_TAGS = [("container-title", "T2"), ("collection-title", "T3"), ("volume", "VL"), ("issue", "IS"),
            ("number", "M1"), ("edition", "ET"), ("publisher", "PB"), ("publisher-place", "CY"),
            ("ISBN", "SN"), ("ISSN", "SN"), ("URL", "UR"), ("DOI", "DO"), ("note", "N1")]
CSL_LANG = {"en": "en-CA", "fr": "fr-CA"}
_WORD = re.compile(r"\w+")
_IDENT = re.compile(r"""[^\s"#%'(),={}0-9][^\s"#%'(),={}]*""")
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")
_MD_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")
_CSL_ENTRY = re.compile(r"^::: \{#ref-(?P<key>\S+) \.csl-entry\}\n(?P<text>.*?)\n:::$", re.M | re.S)


class CitationError(Exception):
    """Pandoc failed to format references; carries pandoc's own message."""


# ---------------------------------------------------------------- names


def _braced(text: str) -> bool:
    """True when ``text`` is one brace group from end to end: BibTeX's mark of a corporate name."""
    if not (text.startswith("{") and text.endswith("}")):
        return False
    depth = 0
    for i, c in enumerate(text):
        depth += (c == "{") - (c == "}")
        if depth == 0 and i < len(text) - 1:
            return False
    return True


@functools.lru_cache(maxsize=4096)
def _raw_names(raw: str, field: str) -> list | None:
    """Name parts of ``field`` as written in the raw entry, or None when they cannot be read there. Kept per
    entry: a cited entry is written out (CSL-JSON, RIS, e-books) once for each brief that cites it."""
    try:
        library = bibtexparser.parse_string(raw, append_middleware=[SeparateCoAuthors(), SplitNameParts()])
    except Exception:  # noqa: BLE001 - the loader already reported what is wrong with the entry
        return None
    if len(library.entries) != 1 or field not in library.entries[0]:
        return None
    value = library.entries[0][field]
    return value if isinstance(value, list) else None


def _person(parts) -> dict[str, str]:
    if not parts.first and not parts.von and not parts.jr and len(parts.last) == 1 and _braced(parts.last[0]):
        return {"literal": decode_latex(parts.last[0][1:-1])}
    name = {"family": decode_latex(" ".join(parts.last)), "given": decode_latex(" ".join(parts.first)),
            "non-dropping-particle": decode_latex(" ".join(parts.von)), "suffix": decode_latex(" ".join(parts.jr))}
    return {k: v for k, v in name.items() if v}


def _words(text: str) -> Counter:
    return Counter(w for w in _WORD.findall(text.casefold()) if w not in ("and", "others"))


def names(entry: BibEntry, field: str) -> list[dict[str, str]]:
    """CSL names for ``author``/``editor``/``translator``.

    The raw entry keeps the braces that mark a corporate name; the decoded field does not. When the
    raw value is not the whole story (a macro, an inherited crossref field), the decoded field is
    split on ``and`` instead, so a name is never lost.
    """
    decoded = entry.fields.get(field, "")
    if not decoded:
        return []
    parsed = _raw_names(entry.raw, field)
    if parsed is not None:
        people = [_person(p) for p in parsed if [*p.first, *p.last] != ["others"]]
        if _words(" ".join(" ".join(p.values()) for p in people)) == _words(decoded):
            return people
    out = []
    for name in re.split(r"\s+and\s+", decoded):
        name = name.strip()
        if not name or name == "others":
            continue
        if "," in name:
            family, given = (s.strip() for s in name.split(",", 1))
        else:
            given, _, family = name.rpartition(" ")
        out.append({k: v for k, v in (("family", family), ("given", given)) if v})
    return out


# ---------------------------------------------------------------- dates


def _month(value: str) -> int | None:
    value = value.strip().lower()
    if value.isdigit() and 1 <= int(value) <= 12:
        return int(value)
    number = MONTHS.get(value[:3])
    return int(number) if number else None


def _date(value: str) -> dict[str, Any] | None:
    """``2022-07``, ``2022-07-15`` or a range ``2020/2021`` (its start) as CSL date-parts."""
    m = _DATE.match(value.strip())
    if not m:
        return {"literal": value} if value.strip() else None
    parts = [int(p) for p in m.groups() if p]
    return {"date-parts": [parts]}


def issued(entry: BibEntry) -> dict[str, Any] | None:
    f = entry.fields
    if f.get("date"):
        return _date(f["date"])
    year = f.get("year", "").strip()
    if not year:
        return None
    if not re.fullmatch(r"\d{4}", year):
        return {"literal": year}
    month = _month(f.get("month", ""))
    return {"date-parts": [[int(year), month] if month else [int(year)]]}


# ---------------------------------------------------------------- exports


def to_csl_json(entry: BibEntry) -> dict[str, Any]:
    """One CSL-JSON item (the format of Zotero's and pandoc's citation processors)."""
    f = entry.fields
    csl_type = TYPES.get(TYPE_ALIASES.get(entry.type, entry.type), DEFAULT_TYPE)[0]
    item: dict[str, Any] = {"id": entry.key, "type": csl_type}
    if f.get("title"):
        item["title"] = f["title"] + (f": {f['subtitle']}" if f.get("subtitle") else "")
    for field in ("author", "editor", "translator"):
        people = names(entry, field)
        if people:
            item[field] = people
    date = issued(entry)
    if date:
        item["issued"] = date
    if f.get("urldate"):
        accessed = _date(f["urldate"])
        if accessed:
            item["accessed"] = accessed
    for bib, csl in TEXT_FIELDS:
        if f.get(bib) and csl not in item:
            item[csl] = f[bib]
    if f.get("number"):
        item["issue" if csl_type in ("article-journal", "periodical") else "number"] = f["number"]
    if f.get("type") and csl_type in ("report", "thesis", "webpage", "document"):
        item["genre"] = f["type"]
    return item


def _ris_name(person: Mapping[str, str]) -> str:
    if "literal" in person:
        return person["literal"]
    family = " ".join(p for p in (person.get("non-dropping-particle"), person.get("family")) if p)
    return ", ".join(p for p in (family, person.get("given"), person.get("suffix")) if p)


def to_ris(entry: BibEntry) -> str:
    """One RIS record, CRLF line endings as the RIS specification asks, ending with ``ER  - ``."""
    item = to_csl_json(entry)
    ris_type = TYPES.get(TYPE_ALIASES.get(entry.type, entry.type), DEFAULT_TYPE)[1]
    lines = [("TY", ris_type)]
    lines += [("AU", _ris_name(p)) for p in item.get("author", [])]
    lines += [("A2" if ris_type in ("CHAP", "CONF") else "ED", _ris_name(p)) for p in item.get("editor", [])]
    if item.get("title"):
        lines.append(("TI", item["title"]))
    parts = (item.get("issued") or {}).get("date-parts", [[]])[0]
    if parts:
        lines.append(("PY", str(parts[0])))
        lines.append(("DA", "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))
                      + "/" * (4 - len(parts))))
    page = item.get("page", "")
    if page:
        bits = re.split(r"\s*[-–—]+\s*", page)
        lines.append(("SP", bits[0]))
        if len(bits) > 1 and bits[-1]:
            lines.append(("EP", bits[-1]))
    for var, tag in RIS_TAGS:
        if item.get(var):
            lines.append((tag, item[var]))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {' '.join(str(value).split())}\r\n" for tag, value in lines)


def _macros_used(text: str) -> set[str]:
    """Names a raw entry or ``@string`` refers to outside braces and quotes (lower-cased)."""
    library = bibtexparser.parse_string(text, parse_stack=[])
    values = [f.value for e in library.entries for f in e.fields] + [s.value for s in library.strings]
    used = set()
    for value in values:
        bare = re.sub(r'"[^"]*"', " ", _strip_braces(value))
        used |= {m.group().lower() for m in _IDENT.finditer(bare)}
    return used


def _strip_braces(value: str) -> str:
    out, depth = [], 0
    for c in value:
        if c == "{":
            depth += 1
        elif c == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            out.append(c)
    return "".join(out)


def to_bibtex(entries: Iterable[BibEntry], strings: Mapping[str, str] | None = None) -> str:
    """The entries as written, preceded by the ``@string`` macros they use (``Literature.strings``)."""
    raws, seen = [], set()
    for entry in entries:
        if entry.key.lower() not in seen:
            seen.add(entry.key.lower())
            raws.append(entry.raw.strip())
    strings = strings or {}
    needed: list[str] = []
    todo = sorted(_macros_used("\n".join(raws)))
    while todo:
        name = todo.pop(0)
        if name in strings and name not in needed:
            needed.append(name)
            todo += sorted(_macros_used(strings[name]))
    ordered = [strings[n] for n in strings if n in needed]  # definitions before use, as in the files
    return "\n\n".join(ordered + raws) + "\n"


# ---------------------------------------------------------------- formatted citations


def linkable_csl_json(entry: BibEntry) -> dict[str, Any]:
    """The CSL-JSON item a reader's reference is formatted from: its URL only when it is http(s), so a
    reference never carries a ``javascript:`` link nor one to a file that is not there."""
    item = to_csl_json(entry)
    if not re.match(r"https?://", item.get("URL", "")):
        item.pop("URL", None)
    return item


def _md_literal(value: Any) -> Any:
    """Metadata values are read as Markdown by pandoc: escape them so a title is only ever text."""
    if isinstance(value, str):
        return _MD_PUNCT.sub(r"\\\1", value)
    if isinstance(value, list):
        return [_md_literal(v) for v in value]
    if isinstance(value, dict):
        return {k: _md_literal(v) for k, v in value.items()}
    return value


def format_citations(entries: Iterable[BibEntry], lang: str) -> dict[str, str]:
    """Chicago author-date references as Markdown, by key, in one pandoc run for all entries."""
    items = [_md_literal(linkable_csl_json(entry)) for entry in entries]
    if not items:
        return {}
    meta = {"references": items, "nocite": "@*", "lang": CSL_LANG.get(lang, lang)}
    source = "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=True) + "---\n"
    try:
        out = pypandoc.convert_text(source, "markdown-raw_html-raw_attribute-smart", format="markdown",
                                    extra_args=["--citeproc", "--wrap=none"])
    except RuntimeError as exc:
        raise CitationError(str(exc)) from None
    out = out.replace("\r\n", "\n")
    return {m.group("key"): " ".join(m.group("text").split()) for m in _CSL_ENTRY.finditer(out)}



REFERENCES_VERSION = "1"  # bump when format_citations changes its output for the same entries


def cached_citations(entries: list[BibEntry], lang: str, store: cache.Cache) -> dict[str, str]:
    """``format_citations`` through the cache: pandoc runs again only when an entry, the language or
    pandoc itself changed."""
    if not entries:
        return {}
    items = json.dumps([to_csl_json(e) for e in entries], ensure_ascii=False, sort_keys=True)
    address = cache.key(REFERENCES_VERSION, pypandoc.get_pandoc_version(), lang, items)
    data = store.get_or_make(address, lambda: json.dumps(format_citations(entries, lang), ensure_ascii=False,
                                                         sort_keys=True).encode("utf-8"))
    return json.loads(data)
