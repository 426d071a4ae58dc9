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
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pypandoc
import yaml

from . import settings
from .literature import load_literature
from .load import FENCE, HEADING2, MAX_DOC_BYTES, load_document
from .records import LANGS, BibEntry, Diagnostic, ImportedDraft

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

    def __init__(self, diagnostic: Diagnostic, code: int = 1):
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


def convert(path: Path) -> tuple[str, str]:
    """(title from the document's metadata, body as GitHub Markdown without raw HTML)."""
    fmt = FORMATS[path.suffix.lower()]
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "title-body.md"
        template.write_text(f"$title$\n{BODY_MARK}\n$body$\n", encoding="utf-8")
        try:
            out = pypandoc.convert_file(str(path), "gfm-raw_html", format=fmt,
                                        extra_args=["--wrap=none", "--sandbox", "--template", str(template)])
        except (RuntimeError, OSError) as exc:
            raise ImportProblem(Diagnostic(path.name, 1, "error", "import-convert",
                                           f"pandoc could not read the file as {fmt.upper()}: "
                                           f"{' '.join(str(exc).split())[:300]}",
                                           f"open it in a word processor and save it again as {fmt.upper()}, "
                                           "or export it as .docx")) from None
    title, _, body = out.replace("\r\n", "\n").partition(f"\n{BODY_MARK}\n")
    return plain(title), body.strip("\n")


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
    """English or French, from the share of each language's commonest words (enough for reports)."""
    words = re.findall(r"[a-zàâçéèêëîïôûùüÿœ]+", text.casefold())
    counts = {lang: sum(1 for w in words if w in stop) for lang, stop in STOP_WORDS.items()}
    return "fr" if counts["fr"] > counts["en"] else "en"


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


def _front_matter(lang: str, *, bid: str, title: str, summary: str, source: BibEntry | None, source_note: str,
                  today: dt.date, name: str, topics: list[str], regions: list[str]) -> str:
    notes = NOTES[lang]
    head = settings.scaffold("brief", lang).split("\n---\n", 1)[0]
    head = (head.replace('"{id}"', _scalar(bid)).replace('"{title}"', _scalar(title))
            .replace('"{summary}"', _scalar(summary)).replace("{sources}", source.key if source else "")
            .replace("{published}", today.isoformat()))
    lines = head.split("\n")
    out = [lines[0], f"# {notes['draft'].format(name=name, today=today.isoformat())}"]
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


def import_report(path: Path, root: Path, *, bib_key: str | None = None, lang: str | None = None,
                  doc_id: str | None = None, today: dt.date | None = None) -> ImportedDraft:
    """Write ``content/briefs/<id>.<lang>.md`` from a report; raises ImportProblem on fixable problems."""
    path, root = Path(path), Path(root)
    shown = str(path)
    if path.suffix.lower() not in FORMATS:
        raise ImportProblem(Diagnostic(shown, 1, "error", "import-format",
                                       f"'{path.suffix or path.name}' files cannot be imported",
                                       "import a .docx, .odt or .html file; save PDFs or other formats as .docx first"), 2)
    if not path.is_file():
        raise ImportProblem(Diagnostic(shown, 1, "error", "import-missing", "no such file",
                                       "check the path (it is read from the current folder)"), 2)
    if lang is not None and lang not in LANGS:
        raise ImportProblem(Diagnostic(shown, 1, "error", "usage", f"unknown language {lang!r}",
                                       "use --lang en or --lang fr"), 2)
    if doc_id is not None and not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", doc_id):
        raise ImportProblem(Diagnostic(shown, 1, "error", "bad-id", f"'{doc_id}' is not a valid id",
                                       "use lowercase letters, digits and hyphens, e.g. newcomer-outreach"), 2)
    entries = list(load_literature(root).entries.values())
    given = None
    if bib_key:
        given = next((e for e in entries if e.key.lower() == bib_key.lower()), None)
        if given is None:
            raise ImportProblem(Diagnostic(shown, 1, "error", "missing-source", f"--key {bib_key}: no such entry in literature/",
                                           "add the report's BibTeX entry to a .bib file under literature/ first, "
                                           "or check the key's spelling"), 2)
    meta_title, body = convert(path)
    if len(body.split()) < 20:
        raise ImportProblem(Diagnostic(shown, 1, "error", "import-empty",
                                       f"the file holds almost no text ({len(body.split())} words)",
                                       "check that it is the report itself, not a scan: scanned pages have no text to import"))
    lang = lang or detect_lang(body)
    doc_title = meta_title or _first_title(body) or path.stem.replace("-", " ").replace("_", " ")
    source = given or match_source(doc_title, entries)
    title = _clip(source.fields.get("title", doc_title) if source else doc_title, TITLE_MAX)
    notes = NOTES[lang]
    source_note = (notes["source_given"] if given else notes["source_found"].format(path=source.path) if source
                   else notes["source_none"])
    if doc_id:
        if any((root / "content" / "briefs").glob(f"{doc_id}.*.md")):
            raise ImportProblem(Diagnostic(shown, 1, "error", "duplicate-id", f"a brief with id '{doc_id}' already exists",
                                           "choose another --id, or leave --id out to get a free one"), 2)
        bid = doc_id
    else:
        bid = _unique_id(slug(title) or slug(path.stem) or "imported-report", root)
    said: list[str] = []
    topics, regions, key_sentences = _suggestions(body, lang, said)
    materials = assign(chunks(body))
    today = today or dt.date.today()
    summary = _clip(_summary_candidate(materials, key_sentences) or title, SUMMARY_MAX)
    head = _front_matter(lang, bid=bid, title=title, summary=summary, source=source, source_note=source_note,
                         today=today, name=path.name, topics=topics, regions=regions)
    skeleton = len((head + _body(lang, {}, key_sentences, path.name, 1)).encode("utf-8"))
    materials, dropped = _budget(materials, MAX_DOC_BYTES - skeleton - SIZE_MARGIN)
    text = head + "\n" + _body(lang, materials, key_sentences, path.name, dropped).lstrip("\n")
    target = root / "content" / "briefs" / f"{bid}.{lang}.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return ImportedDraft(target, tuple(said))
