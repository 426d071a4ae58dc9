"""Stage 2: check loaded records against the content model. Pure: records in, diagnostics out."""
from __future__ import annotations

import datetime as dt
import html
import posixpath
import re
from collections import defaultdict
from typing import Any, Iterable

import jsonschema

from . import readability, settings
from .kinds import BY_NAME
from .literature import cited_entry_problems
from .records import Diagnostic, Document, Project, Section, diag

SAFE_SCHEMES = ("http", "https", "mailto")
RAW_TAG = re.compile(r"<(?!!--)(?!(?:https?|mailto):)(/?[A-Za-z][A-Za-z0-9:-]*)(?=[\s/>]|$)")
HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
INLINE_CODE = re.compile(r"(?<![\\`])(`+)(?!`)(?:(?!\1).)+?(?<!`)\1(?!`)")
LINK_TARGET = re.compile(r"\]\(([^)]*)")  # to the closing parenthesis, newlines and spaces included
REF_DEF = re.compile(r"^[ ]{0,3}\[([^\]]+)\]:[ \t]*\n?[ \t]*(\S+)", re.M)  # the target may sit on the next line
AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]*:[^>\s]*)>")
IMAGE = re.compile(r"!\[(?:[^\[\]]|\[[^\]]*\])*(\])\(")  # group 1: where LINK_TARGET starts for this image
IMAGE_REF = re.compile(r"!\[((?:[^\[\]]|\[[^\]]*\])*)\]\[([^\]]*)\]")
LINK_TITLE = re.compile(r"\s+(\"[^\"]*\"|'[^']*'|\([^)]*\))\s*$")
FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
ATTR_LIST = re.compile(r"\{:?\s*([^{}]*?)\s*\}")
SNIPPET = re.compile(r"-{1,2}8<-{1,2}|;?-{2}8<-{2}")
SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.-]*)\s*:")
CONTROL = re.compile(r"[\x00-\x20\x7f]")
WORD = re.compile(r"[^\W_][\w'’-]*", re.UNICODE)


def _jsonable(value: Any) -> Any:
    """YAML gives dates as objects; the schema (shared with editors) speaks JSON strings."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def check_schema(doc: Document) -> list[Diagnostic]:
    validator = jsonschema.Draft202012Validator(settings.schema(doc.kind), format_checker=jsonschema.FormatChecker())
    out = []
    for err in sorted(validator.iter_errors(_jsonable(doc.meta)), key=lambda e: (list(map(str, e.path)), e.message)):
        key = str(err.path[0]) if err.path else ""
        line = doc.meta_lines.get(key, 1)
        out.append(_schema_diagnostic(doc, err, key, line))
    return out


def _schema_diagnostic(doc: Document, err: jsonschema.ValidationError, key: str, line: int) -> Diagnostic:
    if err.validator == "required":
        missing = re.findall(r"'([^']+)' is a required property", err.message)
        field = missing[0] if missing else "?"
        where = f"'{key}'" if key else "the front matter"
        return diag(doc.path, line if key else 1, "frontmatter-missing", f"{where} has no '{field}' field",
                    _FIELD_HINTS.get(field, f"add '{field}:' to {where}"))
    if err.validator == "additionalProperties":
        extra = re.findall(r"'([^']+)' was unexpected", err.message)
        name = extra[0] if extra else "?"
        return diag(doc.path, doc.meta_lines.get(name, line), "frontmatter-unknown-field",
                    f"unknown field '{name}'", "check its spelling; allowed fields are listed in the brief scaffold (passerelle new brief)")
    if key == "audiences" and err.validator == "enum":
        return diag(doc.path, line, "unknown-audience", f"unknown audience {err.instance!r}",
                    f"use only: {', '.join(settings.content_model().audiences)}")
    if key == "id" and err.validator == "pattern":
        return diag(doc.path, line, "bad-id", f"id {err.instance!r} is not lowercase letters, digits and hyphens",
                    "use an id like 'newcomer-outreach' — it becomes the page address and must not change")
    if key in ("published", "updated"):
        return diag(doc.path, line, "frontmatter-date", f"'{key}' is not a date ({err.instance!r})",
                    "write a real date as YYYY-MM-DD, e.g. 2026-11-23, without quotes")
    value = err.instance
    empty = value in ("", [], None) or (isinstance(value, str) and not value.strip())
    if empty:
        return diag(doc.path, line, "frontmatter-empty-field", f"'{key}' is empty",
                    _FIELD_HINTS.get(key, f"fill in '{key}'"))
    where = ".".join(map(str, err.path)) or "front matter"
    return diag(doc.path, line, "frontmatter-invalid", f"'{where}': {err.message}",
                _FIELD_HINTS.get(key, "see the brief scaffold (passerelle new brief) for the expected form"))


_FIELD_HINTS = {
    "id": "add 'id: my-brief' — lowercase letters, digits and hyphens, the same in both languages",
    "type": "add 'type: brief' (or 'type: pilot' in content/pilots/)",
    "title": "add 'title: \"A plain title, ideally a question\"'",
    "summary": "add 'summary: \"One or two plain sentences.\"'",
    "sources": "add 'sources: [key]' with BibTeX keys from a file under literature/",
    "audiences": "add 'audiences: [frontline, managers, funders, researchers]' (at least the ones you wrote a part for)",
    "published": "add 'published: 2026-11-23'",
    "evidence": "add 'evidence: {strength: emerging, type: [report-synthesis]}' (strength: emerging, promising or established)",
    "strength": "use emerging, promising or established",
}


def _mask_code(text: str) -> str:
    """The text with code blanked out (same lines, same columns): code is shown, never run.

    Fences close only on the same character and at least the same length (CommonMark), and a
    backtick fence's info string holds no backtick, so ```a``` is inline code, not a fence.
    Indented blocks are scanned like text: in a list they are text, and refusing too much is safe."""
    out, fence = [], None
    for line in text.split("\n"):
        m = FENCE_OPEN.match(line)
        if fence is None and m and not (m.group(1)[0] == "`" and "`" in m.group(2)):
            fence = m.group(1)
            out.append("")
        elif fence is not None:
            close = FENCE_OPEN.match(line)
            if close and close.group(1)[0] == fence[0] and len(close.group(1)) >= len(fence) and not close.group(2).strip():
                fence = None
            out.append("")
        else:
            out.append(INLINE_CODE.sub(lambda c: " " * len(c.group()), line))
    return "\n".join(out)


def _unsafe_target(target: str) -> str | None:
    """The scheme of a link that could run script or load from elsewhere, after decoding entities
    and removing the whitespace and control characters browsers ignore inside a scheme."""
    decoded = CONTROL.sub("", html.unescape(html.unescape(target)))
    m = SCHEME.match(decoded)
    if m and m.group(1).lower() not in SAFE_SCHEMES:
        return m.group(1).lower()
    return None


def _target(raw: str) -> str:
    """A link destination without its optional title ("…", '…' or (…))."""
    return LINK_TITLE.sub("", raw.strip().strip("<>")).strip()


def scan_markdown(path: str, body: str, body_line: int, media: frozenset[str] = frozenset()) -> list[Diagnostic]:
    """Refuse Markdown that would put live script, remote requests or included files in the site,
    and relative links that would lead nowhere once published."""
    out: list[Diagnostic] = []
    text = _mask_code(HTML_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), body))
    line_at = lambda pos: body_line + text.count("\n", 0, pos)  # noqa: E731
    for i, line in enumerate(text.split("\n")):
        n = body_line + i
        if SNIPPET.search(line):
            out.append(diag(path, n, "snippet-include", "snippet includes (--8<--) are not allowed",
                            "paste the text itself; includes could publish files such as .git/config"))
        m = RAW_TAG.search(line)
        if m:
            out.append(diag(path, n, "raw-html", f"raw HTML <{m.group(1)}> is not allowed",
                            "use Markdown instead (e.g. **bold**, [link](https://…), '- ' lists); "
                            "write &lt; to show a '<' sign", col=m.start() + 1))
        for attrs in ATTR_LIST.findall(line):
            for token in re.findall(r"[^\s=]+(?:=(?:\"[^\"]*\"|'[^']*'|\S+))?", attrs):
                if not re.fullmatch(r"[#.][A-Za-z0-9_-]+", token):
                    out.append(diag(path, n, "unsafe-attribute", f"attribute '{token[:40]}' is not allowed",
                                    "only {#id} and {.class} attributes are allowed; remove event handlers and styles"))
    image_refs = {(label or alt).strip().lower() for alt, label in IMAGE_REF.findall(text)}
    targets = [(m.start(), _target(m.group(1)), False) for m in LINK_TARGET.finditer(text)]
    targets += [(m.start(), _target(m.group(2)), m.group(1).strip().lower() in image_refs) for m in REF_DEF.finditer(text)]
    targets += [(m.start(), m.group(1), False) for m in AUTOLINK.finditer(text)]
    images = {m.start(1) for m in IMAGE.finditer(text)}
    for pos, target, is_image in targets:
        n = line_at(pos)
        scheme = _unsafe_target(target)
        if scheme:
            out.append(diag(path, n, "unsafe-link", f"link with the '{scheme}:' scheme",
                            "link only to https://, http://, mailto: or a page of this site"))
        elif (is_image or pos in images) and (SCHEME.match(target) or target.startswith("//")):
            out.append(diag(path, n, "external-media", f"image loaded from another site: {target[:60]}",
                            "put the image in content/media/ and link it as ../media/<file>; pages make no outside requests"))
        elif not SCHEME.match(target) and not target.startswith(("#", "//")) and target:
            local = posixpath.normpath(posixpath.join(posixpath.dirname(path), target.split("#")[0].split("?")[0]))
            if not target.startswith("../media/") or local not in media:
                out.append(diag(path, n, "broken-link", f"relative link '{target[:60]}' leads to no published file",
                                "link to another site with https://…; to an image or document of this brief as "
                                "../media/<file> after adding the file to content/media/"))
    return out


def words(markdown: str) -> int:
    text = HTML_COMMENT.sub(" ", markdown)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    return len(WORD.findall(text))


def check_sections(doc: Document) -> list[Diagnostic]:
    """Core sections present and in order; audience parts match the listed audiences and their caps."""
    model = settings.content_model()
    core = model.core_sections
    ids = [s.id for s in doc.sections if s.id]
    out: list[Diagnostic] = []
    listed = doc.audiences
    aud_line = doc.meta_lines.get("audiences", 1)
    first_heading = next((s.line for s in doc.sections if s.heading), doc.body_line)
    for sid, spec in core.items():
        if spec.required and sid not in ids:
            out.append(diag(doc.path, first_heading, "section-missing", f"the core section '{sid}' is missing",
                            f"add a heading '## {spec.heading[doc.lang]} {{#{sid}}}' and its text (see passerelle new brief)"))
    seen: dict[str, int] = {}
    for s in doc.sections:
        if not s.heading:
            if s.body.strip() and words(s.body):
                out.append(diag(doc.path, s.line, "text-before-sections", "text before the first section heading",
                                "move it into 'What is this research about?' or the summary field"))
            continue
        if s.id in seen:
            out.append(diag(doc.path, s.line, "section-duplicate", f"section '{s.id}' appears twice (first on line {seen[s.id]})",
                            "merge the two sections"))
            continue
        seen[s.id] = s.line
        if s.id in core:
            if not words(s.body):
                out.append(diag(doc.path, s.line, "section-empty", f"the section '{s.id}' is empty",
                                "write it, in plain words; the scaffold comment says what it is for"))
        elif s.id in model.audiences:
            out += check_part(doc, s, model, listed, aud_line)
        else:
            what = f"'{s.id}'" if s.id else f"'{s.heading}'"
            out.append(diag(doc.path, s.line, "section-unknown", f"section {what} is not a core section or an audience part",
                            "end the heading with one of {#" + "}, {#".join(list(core) + list(model.audiences)) + "}, "
                            "or make it a ### sub-heading", severity="warning"))
    for a in listed:
        if a in model.audiences and a not in seen:
            out.append(diag(doc.path, aud_line, "audience-part-missing", f"'{a}' is listed in audiences but has no part",
                            f"add '## {model.audiences[a].heading[doc.lang]} {{#{a}}}' or remove {a} from audiences"))
    return out


def check_required_sections(doc: Document, required: tuple[str, ...]) -> list[Diagnostic]:
    """Kinds without the brief's content model declare the section ids they need (``kinds.py``)."""
    ids = {s.id for s in doc.sections if s.id}
    first_heading = next((s.line for s in doc.sections if s.heading), doc.body_line)
    return [diag(doc.path, first_heading, "section-missing", f"the section '{sid}' is missing",
                 f"add a level-2 heading ending in {{#{sid}}} and its text")
            for sid in required if sid not in ids]


def check_part(doc: Document, part: Section, model: settings.ContentModel, listed: tuple[str, ...],
               aud_line: int) -> list[Diagnostic]:
    """An audience part: listed in the front matter, not empty, within its word cap and targets."""
    out: list[Diagnostic] = []
    spec = model.audiences[part.id]
    if part.id not in listed:
        out.append(diag(doc.path, part.line, "audience-not-listed", f"a part for '{part.id}' but '{part.id}' is not in audiences",
                        f"add {part.id} to 'audiences' (line {aud_line}) or remove this part"))
    n = words(part.body)
    if n == 0:
        out.append(diag(doc.path, part.line, "section-empty", f"the {part.id} part is empty", "write it or remove the audience"))
    elif n > spec.words * (1 + model.cap_tolerance):
        out.append(diag(doc.path, part.line, "audience-over-cap", f"the {part.id} part has {n} words (cap {spec.words})",
                        f"cut it to {spec.words} words: keep what this reader can act on"))
    elif n > spec.words:
        out.append(diag(doc.path, part.line, "audience-over-cap", f"the {part.id} part has {n} words (cap {spec.words})",
                        f"cut it to {spec.words} words", severity="warning"))
    if n:
        out += readability_warnings(doc, part, spec.targets)
    return out


METRIC_NAMES = {"en_grade": ("Flesch-Kincaid grade", "at most"), "fr_kandel_moles": ("Kandel-Moles ease", "at least"),
                "lix": ("LIX", "at most")}


def readability_warnings(doc: Document, part: Section, targets: dict) -> list[Diagnostic]:
    """Formulas are a first check, not a measure (Canada.ca, ISO 24495-1): they warn, never block."""
    out = []
    for miss in readability.check_text(part.body, doc.lang, targets):
        name, bound = METRIC_NAMES.get(miss.metric, (miss.metric, ""))
        worst = "; ".join(f"\"{s.text[:90]}{'…' if len(s.text) > 90 else ''}\"" for s in miss.sentences[:2])
        out.append(diag(doc.path, part.line, "readability",
                        f"the {part.id} part scores {miss.value:.1f} on {name} (target: {bound} {miss.target:g})",
                        f"use shorter sentences and everyday words; start with: {worst}", severity="warning"))
    return out


def check_document(doc: Document, media: frozenset[str] = frozenset()) -> list[Diagnostic]:
    out = check_schema(doc)
    name_id = doc.path.rsplit("/", 1)[-1].split(".")[0]
    if isinstance(doc.meta.get("id"), str) and doc.meta["id"] != name_id:
        out.append(diag(doc.path, doc.meta_lines.get("id", 1), "id-mismatch",
                        f"id '{doc.meta['id']}' differs from the file name '{name_id}'",
                        f"rename the file to {doc.meta['id']}.{doc.lang}.md or set id: {name_id}"))
    out += scan_markdown(doc.path, doc.body, doc.body_line, media)
    kind = BY_NAME[doc.kind]
    if kind.audience_parts:
        out += check_sections(doc)
    else:
        out += check_required_sections(doc, kind.required_sections)
    return out


def check_cross(project: Project) -> list[Diagnostic]:
    """Rules that need several files: unique ids, sources that exist and are complete, translations."""
    out: list[Diagnostic] = []
    by_key: dict[tuple[str, str, str], Document] = {}
    for doc in project.documents:
        key = (doc.kind, doc.lang, doc.id)
        if doc.id and key in by_key:
            out.append(diag(doc.path, doc.meta_lines.get("id", 1), "duplicate-id",
                            f"id '{doc.id}' is already used by {by_key[key].path}", "give this brief its own id"))
        by_key.setdefault(key, doc)
        for key_ in doc.sources:
            entry = project.literature.get(key_)
            line = doc.meta_lines.get("sources", 1)
            if entry is None:
                out.append(diag(doc.path, line, "missing-source", f"source '{key_}' is not in literature/",
                                "add its BibTeX entry to a .bib file under literature/ (export it from Zotero or JabRef), "
                                "or fix the key's spelling"))
                continue
            missing = cited_entry_problems(entry)
            if missing:
                out.append(diag(doc.path, line, "source-incomplete",
                                f"source '{key_}' ({entry.path}:{entry.line}) has no {', '.join(missing)}",
                                f"add {', '.join(missing)} to the entry in {entry.path}, as the source states them"))
    groups: dict[tuple[str, str], dict[str, Document]] = defaultdict(dict)
    for doc in project.documents:
        if doc.id:
            groups[(doc.kind, doc.id)][doc.lang] = doc
    for (kind, _id), langs in sorted(groups.items()):
        if len(langs) == 1:
            (lang, doc), = langs.items()
            other = "fr" if lang == "en" else "en"
            out.append(diag(doc.path, 1, "missing-translation", f"no {other} version of this {kind}",
                            f"add {doc.path.rsplit('.', 2)[0]}.{other}.md; until then readers see a notice and a link",
                            severity="warning"))
        else:
            en, fr = langs.get("en"), langs.get("fr")
            for field in BY_NAME[kind].same_in_translations:
                if en and fr and _jsonable(en.meta.get(field)) != _jsonable(fr.meta.get(field)):
                    out.append(diag(fr.path, fr.meta_lines.get(field, 1), "translation-mismatch",
                                    f"'{field}' differs from {en.path}", "keep the same value in both languages",
                                    severity="warning"))
    return out


def validate(project: Project) -> list[Diagnostic]:
    out = list(project.diagnostics)
    media = frozenset(project.media)
    for doc in project.documents:
        out += check_document(doc, media)
    out += check_cross(project)
    return sort_diagnostics(out)


def sort_diagnostics(items: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(set(items), key=lambda d: (d.path, d.line, d.col, d.severity, d.code, d.message))
