"""`passerelle import report.docx|.odt|.html`: turn a report into a draft brief an author rewrites.

Why a draft and not a brief: a report is not a plain-language summary, so nothing of it is
published as is. Its text lands inside HTML comments (which `check` and the site ignore), under the
brief sections its headings match, as working material; the sections themselves stay empty, so
`passerelle check` names the draft until the author has written them. Once they are written (and a
source is set), the draft passes with no other change. Front matter is pre-filled: a title, a
candidate summary, the BibTeX source matched by title, and enrichment's suggested topics in comments.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
import tempfile
import unicodedata
import zipfile
from xml.etree import ElementTree
from dataclasses import dataclass, field
from pathlib import Path

import pypandoc
import yaml

from . import settings
from .literature import load_literature
from .load import FENCE, HEADING2, MAX_DOC_BYTES, load_document
from .records import LANGS, BibEntry, ImportedDraft, ReportMeta
from .report import problem

FORMATS = {".docx": "docx", ".odt": "odt", ".html": "html", ".htm": "html"}
BODY_MARK = "%%PASSERELLE-BODY%%"
TITLE_MAX = 160
SUMMARY_MAX = 500
ID_MAX = 60
SIZE_MARGIN = 4_000  # bytes kept free under MAX_DOC_BYTES for the author's own text
# A report heading goes to the first section whose words it contains (casefolded, at word starts).
SECTION_WORDS = {
    "key-messages": ("key message", "key finding", "key theme", "highlight", "recommendation", "conclusion",
                     "messages clés", "message clé", "faits saillants", "points saillants", "recommandation",
                     "constats clés"),
    "methods": ("method", "approach", "data collection", "research design", "sample", "méthod", "approche",
                "démarche", "collecte", "échantillon"),
    "certainty": ("limitation", "limits", "caveat", "limites", "mises en garde"),
    "findings": ("finding", "result", "what we heard", "current state", "résultat", "constat",
                 "ce que nous avons entendu", "état actuel"),
    "about": ("introduction", "summary", "background", "context", "overview", "purpose", "résumé", "sommaire",
              "contexte", "aperçu", "objectif", "appendi", "annex", "reference", "référence", "bibliograph"),
}
STOP_WORDS = {
    "en": frozenset("the and of to in is that for are with on as be this by it not or have from was were "
                    "their they which".split()),
    "fr": frozenset("le la les des et est une un du que qui dans pour sur pas au aux par ce sont ont été "
                    "leur leurs avec".split()),
}
NOTES = {
    "en": {
        "draft": "Draft made by `passerelle import` from {name} on {today}: check every field.",
        "title": "The report's title: rewrite it as a plain question a reader asks.",
        "summary": "CANDIDATE sentence picked from the report: rewrite it as one or two plain sentences.",
        "source_found": "Matched in {path} by the report's title: check it is the same work.",
        "source_given": "Given with --key.",
        "source_none": "No entry in literature/ matched the report: add its BibTeX entry and put its key here.",
        "source_written": "The report's entry, made from what its file states, is in {path}: review it.",
        "authors": "The report's authors (from the file): {value}",
        "date": "The report's date (from the file): {value}",
        "institution": "The report's institution (from the file): {value}",
        "abstract": "The report's abstract (from the file; the summary starts from it): {value}",
        "suggested": "Suggested by enrichment from the report's text; uncomment what fits:",
        "material": "FROM THE REPORT ({name}), working material that is never published: write this section "
                    "above this comment in plain words, then delete the comment.",
        "candidates": "Candidate key sentences from the report (rewrite them as implications for the reader):",
        "truncated": "The report is longer than a brief file can hold: its last {words} words are not copied "
                     "here. See the original file.",
    },
    "fr": {
        "draft": "Ébauche faite par `passerelle import` à partir de {name} le {today} : vérifiez chaque champ.",
        "title": "Le titre du rapport : reformulez-le en une question simple que se pose le lecteur.",
        "summary": "Phrase CANDIDATE tirée du rapport : reformulez-la en une ou deux phrases simples.",
        "source_found": "Trouvée dans {path} d'après le titre du rapport : vérifiez que c'est le même document.",
        "source_given": "Donnée avec --key.",
        "source_none": "Aucune entrée de literature/ ne correspond au rapport : ajoutez son entrée BibTeX et sa "
                       "clé ici.",
        "source_written": "La notice du rapport, faite à partir de ce que son fichier indique, est dans {path} : "
                          "vérifiez-la.",
        "authors": "Auteurs du rapport (selon le fichier) : {value}",
        "date": "Date du rapport (selon le fichier) : {value}",
        "institution": "Organisme du rapport (selon le fichier) : {value}",
        "abstract": "Résumé du rapport (selon le fichier; le champ summary en part) : {value}",
        "suggested": "Suggestions de l'enrichissement d'après le texte du rapport; décommentez ce qui convient :",
        "material": "TIRÉ DU RAPPORT ({name}), matériau de travail jamais publié : rédigez cette section au-dessus "
                    "de ce commentaire en langage simple, puis supprimez le commentaire.",
        "candidates": "Phrases clés candidates tirées du rapport (reformulez-les en conséquences pour le lecteur) :",
        "truncated": "Le rapport dépasse la taille d'un fichier de résumé : ses {words} derniers mots ne sont pas "
                     "copiés ici. Consultez le fichier original.",
    },
}

_ATX = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t#]*$")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\(\s*<?([^)\s>]*)[^)]*\)")
_LT = re.compile(r"\\?<(?!(?:https?|mailto):[^\s<>]*>)")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-ÖØ-Þ«“\"])")


class ImportProblem(Exception):
    """A problem the user can fix; ``code`` is the exit status (1 bad input, 2 misuse)."""

    def __init__(self, diagnostic, code: int = 1):
        super().__init__(diagnostic.message)
        self.diagnostic, self.code = diagnostic, code


@dataclass
class Chunk:
    """A stretch of the report under one heading (``heading`` is '' before the first one)."""

    heading: str
    level: int | None  # None for a pseudo-heading (a short paragraph standing alone)
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip("\n")


# ---------------------------------------------------------------- conversion


def convert(path: Path, shown: str | None = None) -> tuple[str, str]:
    """(title from the document's metadata, body as GitHub Markdown without raw HTML)."""
    fmt = FORMATS[path.suffix.lower()]
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "title-body.md"
        template.write_text(f"$title$\n{BODY_MARK}\n$body$\n", encoding="utf-8")
        try:
            out = pypandoc.convert_file(str(path), "gfm-raw_html", format=fmt,
                                        extra_args=["--wrap=none", "--sandbox", "--template", str(template)])
        except (RuntimeError, OSError) as exc:
            raise ImportProblem(problem(shown or path.name, 1, "import-convert", format=fmt.upper(),
                                        error=" ".join(str(exc).split())[:300])) from None
    title, _, body = out.replace("\r\n", "\n").partition(f"\n{BODY_MARK}\n")
    return plain(title), body.strip("\n")


# ---------------------------------------------------------------- what the file says about itself

_NS = {"dc": "http://purl.org/dc/elements/1.1/", "dcterms": "http://purl.org/dc/terms/",
       "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
       "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
       "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0"}
# Names tools write as a file's creator: they are not the report's authors.
_TOOL_NAMES = re.compile(r"python-docx|odfpy|microsoft|office user|^user$|^admin|^author$|pandoc|libreoffice|"
                         r"unknown|^owner$|^utilisateur", re.I)


def _meta_text(value) -> str:
    """Pandoc's JSON metadata value as plain text (inlines joined, notes and formatting dropped)."""
    if isinstance(value, dict):
        t, c = value.get("t"), value.get("c")
        if t == "Str":
            return c
        if t in ("Space", "SoftBreak", "LineBreak"):
            return " "
        if t in ("Note", "RawInline", "RawBlock"):
            return ""
        if t in ("Para", "Plain", "MetaBlocks", "MetaInlines") and isinstance(c, list):
            return " ".join(_meta_text(x) for x in c) if t in ("Para", "MetaBlocks") else "".join(_meta_text(x) for x in c)
        if t == "Link" or t == "Span" or t == "Quoted":
            return _meta_text(c[1] if t != "Quoted" else c[1])
        return _meta_text(c)
    if isinstance(value, list):
        return "".join(_meta_text(x) for x in value)
    return str(value) if isinstance(value, str) else ""


def _pandoc_meta(path: Path, fmt: str) -> dict[str, object]:
    """Pandoc's --standalone metadata: DOCX Title/Author/Date/Abstract styles, HTML <title> and <meta>."""
    try:
        out = pypandoc.convert_file(str(path), "json", format=fmt, extra_args=["--standalone", "--sandbox"])
        return json.loads(out).get("meta", {})
    except (RuntimeError, OSError, ValueError):
        return {}


def _package_meta(path: Path, fmt: str) -> dict[str, str]:
    """DOCX core properties (docProps/core.xml) or ODT meta.xml: title, creator, date, description."""
    name = {"docx": "docProps/core.xml", "odt": "meta.xml"}.get(fmt)
    if not name:
        return {}
    try:
        with zipfile.ZipFile(path) as z:
            root = ElementTree.fromstring(z.read(name))
    except (KeyError, OSError, zipfile.BadZipFile, ElementTree.ParseError):
        return {}
    found = {}
    for key, tags in (("title", ("dc:title",)), ("author", ("meta:initial-creator", "dc:creator")),
                      ("date", ("dcterms:created", "meta:creation-date", "dc:date")),
                      ("abstract", ("dc:description",))):
        for tag in tags:
            el = root.find(f".//{tag}", _NS)
            if el is not None and (el.text or "").strip():
                found[key] = " ".join(el.text.split())
                break
    return found


def report_meta(path: Path) -> ReportMeta:
    """What the report states about itself; pandoc's reading of styles and <meta> comes first. A file's
    creation date is not the report's date: only a date the document states is kept."""
    fmt = FORMATS[path.suffix.lower()]
    meta = _pandoc_meta(path, fmt)
    pkg = _package_meta(path, fmt)
    authors = meta.get("author", [])
    authors = authors.get("c", []) if isinstance(authors, dict) and authors.get("t") == "MetaList" else [authors] if authors else []
    names = tuple(n for n in (" ".join(_meta_text(a).split()) for a in authors) if n)
    if not names and pkg.get("author") and not _TOOL_NAMES.search(pkg["author"]):
        names = (pkg["author"],)
    text = {k: " ".join(_meta_text(meta.get(k, "")).split()) for k in ("title", "date", "abstract", "description",
                                                                      "institute", "institution", "publisher")}
    return ReportMeta(title=text["title"] or pkg.get("title", ""), authors=names, date=text["date"],
                      abstract=text["abstract"] or text["description"] or pkg.get("abstract", ""),
                      institution=text["institution"] or text["institute"] or text["publisher"])


def plain(markdown: str) -> str:
    """Inline Markdown as text: links and images to their text, emphasis marks and escapes removed."""
    text = _IMAGE.sub(r"\1", markdown)
    text = _LINK.sub(r"\1", text)
    text = re.sub(r"(?<!\\)(\*\*|__|\*|`)", "", text)
    text = re.sub(r"\\(.)", r"\1", text)
    return " ".join(text.split())


def chunks(body: str) -> list[Chunk]:
    """Split on headings; a report without any is split on short standalone lines that act as headings."""
    lines = body.split("\n")
    has_headings = any(_ATX.match(ln) for ln in lines)
    out = [Chunk("", 0)]
    in_fence = False
    for i, line in enumerate(lines):
        if FENCE.match(line):
            in_fence = not in_fence
        m = None if in_fence else _ATX.match(line)
        if m:
            out.append(Chunk(plain(m.group(2)), len(m.group(1))))
        elif not has_headings and not in_fence and _pseudo_heading(lines, i):
            out.append(Chunk(plain(line), None, [f"# {line.strip()}"]))
        else:
            out[-1].lines.append(line)
    return [c for c in out if c.heading or c.text.strip()]


def _pseudo_heading(lines: list[str], i: int) -> bool:
    """A paragraph of one short line, without end punctuation, followed by a longer paragraph."""
    line = lines[i].strip()
    if not line or (i and lines[i - 1].strip()) or (i + 1 < len(lines) and lines[i + 1].strip()):
        return False
    if len(line.split()) > 12 or line[-1] in ".,;:!)»”\"'" or not line[0].isupper() or line.startswith(("- ", "* ")):
        return False
    nxt = next((ln for ln in lines[i + 1:] if ln.strip()), "")
    return len(nxt.split()) > len(line.split()) + 3


def section_for(heading: str) -> str | None:
    low = f" {heading.casefold()}"
    for sid, words in SECTION_WORDS.items():
        if any(f" {w}" in low for w in words):
            return sid
    return None


def assign(parts: list[Chunk]) -> dict[str, list[str]]:
    """Section id -> report text for it. A matched heading leads its sub-headings; the rest is 'about'."""
    out: dict[str, list[str]] = {}
    current, current_level = "about", 0
    for c in parts:
        sid = section_for(c.heading) if c.heading else None
        if sid:
            current, current_level = sid, c.level or 0
        elif c.level is not None and c.level <= current_level:
            current, current_level = "about", 0  # a sibling heading that matches nothing
        text = c.text if c.level is None or not c.heading else f"{'#' * (c.level or 3)} {c.heading}\n\n{c.text}"
        if text.strip():
            out.setdefault(current, []).append(text)
    return out


def inert(markdown: str) -> str:
    """Report text made safe to keep inside an HTML comment of a brief, and safe if moved out of it.

    '<' becomes '&lt;' (autolinks kept), images become their text, links other than http(s) and mailto
    their text, headings go down two levels (a '## ' line would start a brief section even inside a
    comment), fences are indented (they would hide the next headings), and '--' becomes '–-' so that
    nothing closes the comment early.
    """
    text = _IMAGE.sub(lambda m: f"[image: {m.group(1)}]" if m.group(1) else "[image]", markdown)
    text = _LINK.sub(lambda m: m.group(0) if re.match(r"(https?|mailto):|[^:]*$", m.group(2)) else m.group(1), text)
    text = _LT.sub("&lt;", text)
    lines = []
    for line in text.split("\n"):
        m = _ATX.match(line)
        if m:
            line = f"{'#' * min(len(m.group(1)) + 2, 6)} {m.group(2)}"
        elif FENCE.match(line):
            line = "    " + line
        if HEADING2.match(line):  # a heading line that the demotion above did not catch
            line = "#" + line
        lines.append(line)
    return re.sub(r"-(?=-)", "–", "\n".join(lines))


# ---------------------------------------------------------------- the draft


def detect_lang(text: str) -> str:
    """English or French, from the words only one language's spaCy stop-word list holds (spaCy ships
    both lists with its language data: no model is loaded, nothing is downloaded)."""
    words = re.findall(r"[a-zàâçéèêëîïôûùüÿœ]+", text.casefold())
    only = _stop_words_by_language()
    counts = {lang: sum(1 for w in words if w in stop) for lang, stop in only.items()}
    return "fr" if counts["fr"] > counts["en"] else "en"


@functools.lru_cache(maxsize=1)
def _stop_words_by_language() -> dict[str, frozenset[str]]:
    try:
        from spacy.lang.en.stop_words import STOP_WORDS as english
        from spacy.lang.fr.stop_words import STOP_WORDS as french
    except ImportError:  # spaCy missing: the short lists below still tell the two apart
        english, french = STOP_WORDS["en"], STOP_WORDS["fr"]
    en, fr = {w.casefold() for w in english}, {w.casefold() for w in french}
    return {"en": frozenset(en - fr), "fr": frozenset(fr - en)}


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    s = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(s) > ID_MAX:
        s = s[:ID_MAX].rsplit("-", 1)[0]
    return s


def _normal(title: str) -> str:
    return " ".join(re.findall(r"\w+", unicodedata.normalize("NFKC", title).casefold()))


def match_source(title: str, entries: list[BibEntry]) -> BibEntry | None:
    """The entry whose title is the report's title (ignoring case, punctuation and a subtitle)."""
    t = _normal(title)
    if len(t) < 10:
        return None
    for entry in entries:
        e = _normal(entry.fields.get("title", ""))
        if e and (e == t or (len(e) >= 20 and (t.startswith(e) or e.startswith(t)))):
            return entry
    return None


def _first_title(body: str) -> str:
    for line in body.split("\n"):
        m = _ATX.match(line)
        text = plain(m.group(2) if m else line)
        if 3 <= len(text) <= TITLE_MAX and len(text.split()) <= 25 and not text.startswith(("|", "[image")):
            return text
    return ""


def _summary_candidate(materials: dict[str, list[str]], key_sentences: list[str]) -> str:
    """The report's own opening sentence if it reads like one (not a table of contents), else a key sentence."""
    candidates = []
    for sid in ("about", "findings", "key-messages"):
        for text in materials.get(sid, []):
            for para in text.split("\n\n"):
                if para.lstrip().startswith(("#", "|", "-", "*", ">")) or len(para.split()) < 12:
                    continue
                candidates += _SENTENCE.split(plain(para))
    for c in candidates + key_sentences:
        c = " ".join(c.split())
        numbers = sum(w.isdigit() for w in c.split())
        if 40 <= len(c) <= SUMMARY_MAX and len(c.split()) >= 8 and numbers * 10 < len(c.split()):
            return c
    return ""


def _suggestions(text: str, lang: str, notes: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(topic ids, region ids, key sentences) from enrichment, or nothing (and a note) when it cannot run here."""
    try:
        from .enrich import EnrichError, enrich_texts
        from .vocabulary import VocabularyError
    except ImportError:
        return [], [], []
    try:
        (result,) = enrich_texts([(text, lang)])
    except (EnrichError, VocabularyError, OSError) as exc:
        notes.append(f"no enrichment suggestions ({exc})")
        return [], [], []
    tags = sorted(result.tags, key=lambda t: -t.count)
    topics = [t.id for t in tags if t.facet != "region"][:8]
    regions = [t.id for t in tags if t.facet == "region"][:4]
    return topics, regions, list(result.key_sentences)


def _scalar(value: str) -> str:
    return yaml.safe_dump(value, allow_unicode=True, width=10**9, default_style='"').strip().removesuffix("\n...")


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit - 1].rsplit(" ", 1)[0] + "…"


def _budget(materials: dict[str, list[str]], limit: int) -> tuple[dict[str, list[str]], int]:
    """Keep the report's text, in brief-section order, within ``limit`` bytes; count the words left out."""
    kept: dict[str, list[str]] = {}
    used, dropped = 0, 0
    order = list(settings.content_model().core_sections)
    for sid in sorted(materials, key=order.index):
        for text in materials[sid]:
            size = len(text.encode("utf-8")) + 2
            if used + size <= limit:
                kept.setdefault(sid, []).append(text)
                used += size
                continue
            room, paras = limit - used, []
            for para in text.split("\n\n"):
                if room - len(para.encode("utf-8")) - 2 < 0:
                    dropped += len(para.split())
                    room = -1
                    continue
                paras.append(para)
                room -= len(para.encode("utf-8")) + 2
            if paras:
                kept.setdefault(sid, []).append("\n\n".join(paras))
            used = limit
    return kept, dropped


def _front_matter(lang: str, *, bid: str, title: str, summary: str, source_key: str, source_note: str,
                  today: dt.date, name: str, topics: list[str], regions: list[str], about: list[str]) -> str:
    notes = NOTES[lang]
    head = settings.scaffold("brief", lang).split("\n---\n", 1)[0]
    head = (head.replace('"{id}"', _scalar(bid)).replace('"{title}"', _scalar(title))
            .replace('"{summary}"', _scalar(summary)).replace("{sources}", source_key)
            .replace("{published}", today.isoformat()))
    lines = head.split("\n")
    out = [lines[0], f"# {notes['draft'].format(name=name, today=today.isoformat())}"]
    out += [f"# {' '.join(line.split())}" for line in about]
    for line in lines[1:]:
        if line.startswith("title:"):
            out.append(f"# {notes['title']}")
        elif line.startswith("summary:"):
            out.append(f"# {notes['summary']}")
        elif line.startswith("sources:"):
            out.append(f"# {source_note}")
        elif re.match(r"# (topics|regions): ", line):
            continue  # the scaffold's examples; enrichment's suggestions follow
        out.append(line)
    if topics or regions:
        out.append(f"# {notes['suggested']}")
        out += [f"# {k}: [{', '.join(v)}]" for k, v in (("topics", topics), ("regions", regions)) if v]
    return "\n".join(out) + "\n---\n"


def _body(lang: str, materials: dict[str, list[str]], key_sentences: list[str], name: str, dropped: int) -> str:
    """The scaffold's sections in order, each followed by the report's text for it, in a comment."""
    notes = NOTES[lang]
    body = settings.scaffold("brief", lang).split("\n---\n", 1)[1]
    parts = re.split(r"(?m)^(?=## )", body)
    out = [parts[0]]
    for part in parts[1:]:
        m = HEADING2.match(part.split("\n", 1)[0])
        sid = m.group("id") if m else ""
        extra = list(materials.get(sid, []))
        if sid == "key-messages" and key_sentences:
            extra.insert(0, notes["candidates"] + "\n\n" + "\n".join(f"- {s}" for s in key_sentences))
        if sid == "about" and dropped:
            extra.append(notes["truncated"].format(words=dropped))
        if extra:
            material = inert("\n\n".join(extra))
            part = part.rstrip("\n") + f"\n\n<!-- {notes['material'].format(name=name)}\n\n{material}\n-->\n\n"
        out.append(part)
    return "".join(out).rstrip("\n") + "\n"


def _unique_id(base: str, root: Path) -> str:
    taken = {p.name.split(".")[0] for kind in ("briefs", "pilots") for p in (root / "content" / kind).glob("*.md")}
    bid, n = base, 2
    while bid in taken:
        bid, n = f"{base}-{n}", n + 1
    return bid


def _checked(path: Path, root: Path, shown: str, lang: str | None, doc_id: str | None,
             bib_key: str | None) -> tuple[list[BibEntry], BibEntry | None]:
    """Refuse misuse before any work; the entries of literature/ and the one --key names."""
    if path.suffix.lower() not in FORMATS:
        raise ImportProblem(problem(shown, 1, "import-format", suffix=path.suffix or path.name), 2)
    if not path.is_file():
        raise ImportProblem(problem(shown, 1, "import-missing"), 2)
    if lang is not None and lang not in LANGS:
        raise ImportProblem(problem(shown, 1, "usage", value=lang), 2)
    if doc_id is not None and not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", doc_id):
        raise ImportProblem(problem(shown, 1, "bad-id/import", value=doc_id), 2)
    if doc_id and any((root / "content" / "briefs").glob(f"{doc_id}.*.md")):
        raise ImportProblem(problem(shown, 1, "duplicate-id/import", id=doc_id), 2)
    entries = list(load_literature(root).entries.values())
    given = None
    if bib_key:
        given = next((e for e in entries if e.key.lower() == bib_key.lower()), None)
        if given is None:
            raise ImportProblem(problem(shown, 1, "missing-source/import", key=bib_key), 2)
    return entries, given


def shown_path(path: Path, root: Path) -> str:
    """A path as output shows it: relative to the project root (with ../ when outside it)."""
    return Path(os.path.relpath(Path(path).resolve(), Path(root).resolve())).as_posix()


def _bib_key(meta: ReportMeta, title: str, entries: list[BibEntry]) -> str:
    surname = slug(meta.authors[0].split(",")[0].split()[-1]) if meta.authors else ""
    word = next((w for w in slug(title).split("-") if len(w) > 3), "report")
    base = re.sub(r"[^a-z0-9]", "", f"{surname or word}{meta.year}{word if surname else ''}") or "importedreport"
    taken = {e.key.lower() for e in entries}
    key, n = base, 2
    while key in taken:
        key, n = f"{base}{chr(ord('a') + n - 2)}", n + 1
    return key


def _bib_value(text: str) -> str:
    """A BibTeX value in braces: braces and LaTeX specials of the report's text escaped."""
    return re.sub(r"([{}%&$#_\\])", r"\\\1", " ".join(text.split()))


def bib_entry(meta: ReportMeta, title: str, key: str, name: str, today: dt.date) -> str:
    """The report's own BibTeX entry from what it states (@report when it names an institution)."""
    fields = [("author", " and ".join(meta.authors)), ("title", title), ("year", meta.year),
              ("institution", meta.institution)]
    body = ",\n".join(f"  {k} = {{{_bib_value(v)}}}" for k, v in fields if v)
    kind = "report" if meta.institution else "misc"
    return (f"% Made by `passerelle import` from {name} on {today.isoformat()} with only what the file states: "
            f"review every field against the report, and add what is missing, before a brief cites it.\n"
            f"@{kind}{{{key},\n{body}\n}}\n")


def _write_bib(root: Path, entry: str) -> Path:
    target = root / "literature" / "imported.bib"
    target.parent.mkdir(parents=True, exist_ok=True)
    old = target.read_text(encoding="utf-8") if target.is_file() else ""
    target.write_text((old.rstrip("\n") + "\n\n" if old.strip() else "") + entry, encoding="utf-8")
    return target


def _meta_comments(lang: str, meta: ReportMeta) -> list[str]:
    notes = NOTES[lang]
    out = []
    if meta.authors:
        out.append(notes["authors"].format(value="; ".join(meta.authors)))
    if meta.date:
        out.append(notes["date"].format(value=meta.date))
    if meta.institution:
        out.append(notes["institution"].format(value=meta.institution))
    if meta.abstract:
        out.append(notes["abstract"].format(value=_clip(meta.abstract, 1500)))
    return out


def import_report(path: Path, root: Path, *, bib_key: str | None = None, lang: str | None = None,
                  doc_id: str | None = None, today: dt.date | None = None) -> ImportedDraft:
    """Write ``content/briefs/<id>.<lang>.md`` from a report, and the report's BibTeX entry to
    ``literature/imported.bib`` when literature/ has none; raises ImportProblem on fixable problems."""
    path, root = Path(path), Path(root)
    shown = shown_path(path, root)
    entries, given = _checked(path, root, shown, lang, doc_id, bib_key)
    meta_title, body = convert(path, shown)
    meta = report_meta(path)
    words = len(body.split()) + len(meta.abstract.split())
    if words < 20:
        raise ImportProblem(problem(shown, 1, "import-empty", words=words))
    detected = lang is None
    lang = lang or detect_lang(" ".join((meta.title, meta.abstract, body)))
    doc_title = meta_title or meta.title or _first_title(body) or path.stem.replace("-", " ").replace("_", " ")
    source = given or match_source(doc_title, entries)
    title = _clip(source.fields.get("title", doc_title) if source else doc_title, TITLE_MAX)
    today = today or dt.date.today()
    bib_path, new_key = None, ""
    if source is None:
        new_key = _bib_key(meta, title, entries)
        bib_path = _write_bib(root, bib_entry(meta, title, new_key, path.name, today))
    notes = NOTES[lang]
    source_note = (notes["source_given"] if given else notes["source_found"].format(path=source.path) if source
                   else notes["source_written"].format(path=shown_path(bib_path, root)))
    bid = doc_id or _unique_id(slug(title) or slug(path.stem) or "imported-report", root)
    said: list[str] = []
    topics, regions, key_sentences = _suggestions(body, lang, said)
    materials = assign(chunks(body))
    summary = _clip(meta.abstract or _summary_candidate(materials, key_sentences) or title, SUMMARY_MAX)
    head = _front_matter(lang, bid=bid, title=title, summary=summary, source_key=source.key if source else new_key,
                         source_note=source_note, today=today, name=path.name, topics=topics, regions=regions,
                         about=_meta_comments(lang, meta))
    skeleton = len((head + _body(lang, {}, key_sentences, path.name, 1)).encode("utf-8"))
    materials, dropped = _budget(materials, MAX_DOC_BYTES - skeleton - SIZE_MARGIN)
    text = head + "\n" + _body(lang, materials, key_sentences, path.name, dropped).lstrip("\n")
    target = root / "content" / "briefs" / f"{bid}.{lang}.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return ImportedDraft(target, tuple(said), lang, detected, bib_path, new_key)
