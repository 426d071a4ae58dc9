"""Stage 1: read every file under content/ and literature/ into records, or a diagnostic.

Nothing is skipped silently: a file is a brief, a pilot, a media file, a BibTeX file, or an error."""
from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

from . import frontmatter
from .kinds import BY_FOLDER, ContentKind
from .literature import decode_bom, guess_encoding, load_literature
from .records import LANGS, Diagnostic, Document, Project, Section
from .report import problem

DOC_NAME = re.compile(r"^(?P<id>[a-z0-9]+(?:-[a-z0-9]+)*)\.(?P<lang>[a-z]{2})\.md$")
MEDIA_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".pdf"}
MEDIA_DIR = "media"
MANIFEST = "published-addresses.txt"  # content/<MANIFEST>: every address of a brief or pilot ever published
MANIFEST_LINE = re.compile(r"^(?:[a-z]{2}/)?[a-z0-9-]+/[a-z0-9]+(?:-[a-z0-9]+)*/(?:[a-z0-9-]+/)?$")
MAX_DOC_BYTES = 200_000  # about 30,000 words: far beyond any brief; keeps builds and pages small
MAX_MEDIA_BYTES = 5_000_000
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
HEADING2 = re.compile(r"^##[ \t]+(?P<text>.+?)[ \t]*(?:\{[ \t]*#(?P<id>[A-Za-z0-9_-]+)[ \t]*\})?[ \t]*#*[ \t]*$")
FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)")


def read_text(path: Path, rel: str, max_bytes: int = MAX_DOC_BYTES) -> tuple[str | None, list[Diagnostic]]:
    """Decode a submitted text file as UTF-8 (or the encoding its byte-order mark names, with a warning)
    and refuse what would be invisible or dangerous in it."""
    raw = path.read_bytes()
    if not raw.strip():
        return None, [problem(rel, 1, "empty-file")]
    if len(raw) > max_bytes:
        return None, [problem(rel, 1, "file-too-large", size=len(raw), limit=max_bytes)]
    warnings: list[Diagnostic] = []
    text = decode_bom(raw, rel, warnings)
    if text is None:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            return None, [problem(rel, line, "not-utf8", byte=raw[exc.start], encoding=guess_encoding(raw), path=rel)]
    problems = []
    for n, line in enumerate(text.split("\n"), 1):
        if "\x00" in line:
            problems.append(problem(rel, n, "nul-character"))
        m = BIDI.search(line)
        if m:
            problems.append(problem(rel, n, "bidi-control", col=m.start() + 1, char=ord(m.group())))
    if problems:
        return None, problems
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")), warnings


def split_sections(body: str, body_line: int) -> list[Section]:
    """Level-2 headings with an optional ``{#id}``; text before the first heading is the 'intro'. Each
    section's body is the span of ``body`` between its heading and the next, without blank lines around."""
    sections: list[Section] = []
    leading_blank = len(body) - len(body.lstrip("\n"))
    sid, heading, start = "", "", body_line + leading_blank
    span_start, offset = 0, 0  # where the current section's text and the current line begin in ``body``
    in_fence = False
    for i, line in enumerate(body.split("\n")):
        if FENCE.match(line):
            in_fence = not in_fence
        m = None if in_fence else HEADING2.match(line)
        if m:
            sections.append(_section(body, sid, heading, start, span_start, offset - 1))
            # one string per distinct id and heading: the same dozen recur in every brief (loading 10,000 briefs
            # took 27 MB less), and the exports' process, which reads them, copies fewer of the build's pages
            sid, heading, start = sys.intern(m.group("id") or ""), sys.intern(m.group("text").strip()), body_line + i
            span_start = offset + len(line) + 1
        offset += len(line) + 1
    sections.append(_section(body, sid, heading, start, span_start, len(body)))
    return [s for s in sections if s.heading or s.body.strip()]


def _section(body: str, sid: str, heading: str, line: int, start: int, end: int) -> Section:
    """The section whose text is ``body[start:end]`` less the line breaks around it."""
    while start < end and body[start] == "\n":
        start += 1
    while end > start and body[end - 1] == "\n":
        end -= 1
    return Section(sid, heading, line, body, start, max(start, end))


def load_document(path: Path, rel: str, kind: str) -> tuple[Document | None, list[Diagnostic]]:
    """One document of a content kind (by name), or the diagnostics that kept it out."""
    m = DOC_NAME.match(path.name)
    if not m or m.group("lang") not in LANGS:
        return None, [problem(rel, 1, "file-name", name=path.name)]
    text, problems = read_text(path, rel)
    if text is None:
        return None, problems
    try:
        fm = frontmatter.parse(text)
    except frontmatter.FrontMatterError as exc:
        return None, problems + [problem(rel, exc.line, exc.key, **exc.values)]
    doc = Document(path=rel, kind=kind, lang=m.group("lang"), meta=fm.meta, body=fm.body, body_line=fm.body_line,
                   meta_lines=fm.key_lines, sections=tuple(split_sections(fm.body, fm.body_line)))
    return doc, problems


def classify(rel_parts: tuple[str, ...]) -> ContentKind | str | None:
    """What a file under content/ is, from where it lives: a content kind, 'media' or None."""
    if len(rel_parts) == 3 and rel_parts[1] in BY_FOLDER:
        return BY_FOLDER[rel_parts[1]]
    if len(rel_parts) >= 3 and rel_parts[1] == MEDIA_DIR:
        return "media"
    if rel_parts[1:] == (MANIFEST,):
        return "manifest"
    return None


def load_manifest(path: Path, rel: str) -> tuple[tuple[tuple[str, int], ...], list[Diagnostic]]:
    """The published addresses (one a line, relative to the site's root; ``#`` starts a comment), with
    their lines, or the diagnostics of lines that are not an address."""
    text, problems = read_text(path, rel)
    if text is None:
        return (), problems
    found: list[tuple[str, int]] = []
    for n, line in enumerate(text.split("\n"), 1):
        address = line.split("#", 1)[0].strip()
        if not address:
            continue
        if MANIFEST_LINE.match(address):
            found.append((address, n))
        else:
            problems.append(problem(rel, n, "manifest-line", line=address[:80]))
    return tuple(found), problems


def load_project(root: Path) -> Project:
    """Read everything; pure with respect to the tree (no writes)."""
    diagnostics: list[Diagnostic] = []
    documents: list[Document] = []
    files: list[str] = []
    manifest: tuple[tuple[str, int], ...] = ()
    content = root / "content"
    for path in sorted(p for p in content.rglob("*") if p.is_file()) if content.is_dir() else []:
        rel = path.relative_to(root).as_posix()
        files.append(rel)
        kind = classify(path.relative_to(root).parts)
        if isinstance(kind, ContentKind):
            doc, problems = load_document(path, rel, kind.name)
            diagnostics += problems
            if doc:
                documents.append(doc)
        elif kind == "manifest":
            manifest, problems = load_manifest(path, rel)
            diagnostics += problems
        elif kind == "media":
            if path.suffix.lower() not in MEDIA_SUFFIXES:
                diagnostics.append(problem(rel, 1, "media-type", suffix=path.suffix, allowed=", ".join(sorted(MEDIA_SUFFIXES))))
            elif path.stat().st_size > MAX_MEDIA_BYTES:
                diagnostics.append(problem(rel, 1, "file-too-large/media", size=path.stat().st_size, limit=MAX_MEDIA_BYTES))
        else:
            diagnostics.append(problem(rel, 1, "unknown-file"))
    literature = load_literature(root)
    lit_dir = root / "literature"
    for path in sorted(p for p in lit_dir.rglob("*") if p.is_file()) if lit_dir.is_dir() else []:
        rel = path.relative_to(root).as_posix()
        files.append(rel)
        if path.suffix.lower() != ".bib":
            diagnostics.append(problem(rel, 1, "unknown-file/literature"))
    diagnostics += literature.diagnostics
    media = tuple(f for f in files if f.startswith(f"content/{MEDIA_DIR}/") and Path(f).suffix.lower() in MEDIA_SUFFIXES)
    return Project(root=str(root), documents=tuple(documents), literature=literature, files=tuple(files),
                   diagnostics=tuple(diagnostics), media=media, manifest=manifest)
