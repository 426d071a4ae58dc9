"""Stage 2: check loaded records against the content model. Pure: records in, diagnostics out (a store, when
given, only keeps each document's findings so that an unchanged file is not checked again)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import html
import json
import posixpath
import re
import sys
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import jsonschema

from . import addresses, cache, readability, settings, urls
from .kinds import BY_NAME, ContentKind
from .literature import cited_entry_problems
from .records import Diagnostic, Document, Project, Section, as_date
from .report import problem
from .vocabulary import VocabularyError, load_vocabulary

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
    hints = settings.messages().hints
    if err.validator == "required":
        missing = re.findall(r"'([^']+)' is a required property", err.message)
        field = missing[0] if missing else "?"
        hint = field if field in hints else ""
        if key:
            return problem(doc.path, line, "frontmatter-missing/nested", hint=hint, key=key, field=field)
        return problem(doc.path, 1, "frontmatter-missing", hint=hint, field=field)
    if err.validator == "additionalProperties":
        extra = re.findall(r"'([^']+)' was unexpected", err.message)
        name = extra[0] if extra else "?"
        return problem(doc.path, doc.meta_lines.get(name, line), "frontmatter-unknown-field", name=name)
    if key == "audiences" and err.validator == "enum":
        return problem(doc.path, line, "unknown-audience", value=repr(err.instance),
                       allowed=", ".join(settings.content_model().audiences))
    if key == "id" and err.validator == "pattern":
        return problem(doc.path, line, "bad-id", value=repr(err.instance))
    if key in ("published", "updated"):
        return problem(doc.path, line, "frontmatter-date/schema", key=key, value=repr(err.instance))
    value = err.instance
    hint = key if key in hints else ""
    if value in ("", [], None) or (isinstance(value, str) and not value.strip()):
        return problem(doc.path, line, "frontmatter-empty-field", hint=hint, key=key)
    where = ".".join(map(str, err.path)) or ("the front matter",)
    return problem(doc.path, line, "frontmatter-invalid", hint=hint, where=where, detail=err.message)


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
            out.append(problem(path, n, "snippet-include"))
        m = RAW_TAG.search(line)
        if m:
            out.append(problem(path, n, "raw-html", col=m.start() + 1, tag=m.group(1)))
        for attrs in ATTR_LIST.findall(line):
            for token in re.findall(r"[^\s=]+(?:=(?:\"[^\"]*\"|'[^']*'|\S+))?", attrs):
                if not re.fullmatch(r"[#.][A-Za-z0-9_-]+", token):
                    out.append(problem(path, n, "unsafe-attribute", token=token[:40]))
    image_refs = {(label or alt).strip().lower() for alt, label in IMAGE_REF.findall(text)}
    targets = [(m.start(), _target(m.group(1)), False) for m in LINK_TARGET.finditer(text)]
    targets += [(m.start(), _target(m.group(2)), m.group(1).strip().lower() in image_refs) for m in REF_DEF.finditer(text)]
    targets += [(m.start(), m.group(1), False) for m in AUTOLINK.finditer(text)]
    images = {m.start(1) for m in IMAGE.finditer(text)}
    for pos, target, is_image in targets:
        n = line_at(pos)
        scheme = _unsafe_target(target)
        if scheme:
            out.append(problem(path, n, "unsafe-link", scheme=scheme))
        elif (is_image or pos in images) and (SCHEME.match(target) or target.startswith("//")):
            out.append(problem(path, n, "external-media", target=target[:60]))
        elif not SCHEME.match(target) and not target.startswith(("#", "//")) and target:
            local = posixpath.normpath(posixpath.join(posixpath.dirname(path), target.split("#")[0].split("?")[0]))
            if not target.startswith("../media/") or local not in media:
                out.append(problem(path, n, "broken-link", target=target[:60]))
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
            out.append(problem(doc.path, first_heading, "section-missing", section=sid, heading=spec.heading[doc.lang]))
    seen: dict[str, int] = {}
    for s in doc.sections:
        if not s.heading:
            if s.body.strip() and words(s.body):
                out.append(problem(doc.path, s.line, "text-before-sections"))
            continue
        if s.id in seen:
            out.append(problem(doc.path, s.line, "section-duplicate", section=s.id, first=seen[s.id]))
            continue
        seen[s.id] = s.line
        if s.id in core:
            if not words(s.body):
                out.append(problem(doc.path, s.line, "section-empty", section=s.id))
        elif s.id in model.audiences:
            out += check_part(doc, s, model, listed, aud_line)
        else:
            ids = "{#" + "}, {#".join(list(core) + list(model.audiences)) + "}"
            out.append(problem(doc.path, s.line, "section-unknown", severity="warning", section=s.id or s.heading, ids=ids))
    for a in listed:
        if a in model.audiences and a not in seen:
            out.append(problem(doc.path, aud_line, "audience-part-missing", audience=a,
                               heading=model.audiences[a].heading[doc.lang]))
    return out


def check_required_sections(doc: Document, required: tuple[str, ...]) -> list[Diagnostic]:
    """Kinds without the brief's content model declare the section ids they need (``kinds.py``)."""
    ids = {s.id for s in doc.sections if s.id}
    first_heading = next((s.line for s in doc.sections if s.heading), doc.body_line)
    return [problem(doc.path, first_heading, "section-missing/kind", section=sid) for sid in required if sid not in ids]


def check_kind_sections(doc: Document, kind: ContentKind) -> list[Diagnostic]:
    """Sections of kinds without the brief's model: the required ones, those the front matter makes
    required (a finished pilot says what did not work), none empty, duplicated or unknown."""
    out = check_required_sections(doc, kind.required_sections)
    ids = {s.id for s in doc.sections if s.id}
    for rule in kind.section_rules:
        value = doc.meta.get(rule.field)
        if value in rule.values and rule.section not in ids:
            out.append(problem(doc.path, doc.meta_lines.get(rule.field, 1), "section-required", section=rule.section,
                               field=rule.field, value=value))
    seen: dict[str, int] = {}
    for s in doc.sections:
        if not s.heading:
            if s.body.strip() and words(s.body):
                out.append(problem(doc.path, s.line, "text-before-sections/kind"))
        elif s.id in seen:
            out.append(problem(doc.path, s.line, "section-duplicate", section=s.id, first=seen[s.id]))
        elif kind.sections and s.id not in kind.sections:
            ids_text = "{#" + "}, {#".join(kind.sections) + "}"
            out.append(problem(doc.path, s.line, "section-unknown/kind", severity="warning", section=s.id or s.heading,
                               ids=ids_text))
        elif not words(s.body):
            out.append(problem(doc.path, s.line, "section-empty", section=s.id))
        seen.setdefault(s.id, s.line)
    return out


def check_dates(doc: Document) -> list[Diagnostic]:
    """A period that ends before it starts is a typing mistake."""
    start, end = as_date(doc.meta.get("start")), as_date(doc.meta.get("end"))
    if start and end and end < start:
        return [problem(doc.path, doc.meta_lines.get("end", 1), "dates-order", start=start.isoformat(),
                        end=end.isoformat())]
    return []


def check_part(doc: Document, part: Section, model: settings.ContentModel, listed: tuple[str, ...],
               aud_line: int) -> list[Diagnostic]:
    """An audience part: listed in the front matter, not empty, within its word cap and targets."""
    out: list[Diagnostic] = []
    spec = model.audiences[part.id]
    if part.id not in listed:
        out.append(problem(doc.path, part.line, "audience-not-listed", audience=part.id, line=aud_line))
    n = words(part.body)
    if n == 0:
        out.append(problem(doc.path, part.line, "section-empty/part", part=part.id))
    elif n > spec.words * (1 + model.cap_tolerance):
        out.append(problem(doc.path, part.line, "audience-over-cap", part=part.id, words=n, cap=spec.words))
    elif n > spec.words:
        out.append(problem(doc.path, part.line, "audience-over-cap/warning", severity="warning", part=part.id, words=n,
                           cap=spec.words))
    if n:
        out += readability_warnings(doc, part, spec.targets)
    return out


METRIC_MESSAGES = {"en_grade": "readability/en_grade", "fr_kandel_moles": "readability/fr_kandel_moles", "lix": "readability"}


def readability_warnings(doc: Document, part: Section, targets: dict) -> list[Diagnostic]:
    """Formulas are a first check, not a measure (Canada.ca, ISO 24495-1): they warn, never block."""
    out = []
    for miss in readability.check_text(part.body, doc.lang, targets):
        worst = "; ".join(f"\"{s.text[:90]}{'…' if len(s.text) > 90 else ''}\"" for s in miss.sentences[:2])
        out.append(problem(doc.path, part.line, METRIC_MESSAGES.get(miss.metric, "readability"), severity="warning",
                           part=part.id, value=float(miss.value), target=float(miss.target), worst=worst))
    return out


def check_document(doc: Document, media: frozenset[str] = frozenset()) -> list[Diagnostic]:
    out = check_schema(doc)
    name_id = doc.path.rsplit("/", 1)[-1].split(".")[0]
    if isinstance(doc.meta.get("id"), str) and doc.meta["id"] != name_id:
        out.append(problem(doc.path, doc.meta_lines.get("id", 1), "id-mismatch", id=doc.meta["id"], name=name_id,
                           lang=doc.lang))
    kind = BY_NAME[doc.kind]
    for field, names in (("id", (doc.id,)), ("aliases", doc.aliases)):
        out += [problem(doc.path, doc.meta_lines.get(field, 1), "bad-id/reserved", value=repr(name), folder=kind.folder)
                for name in names if urls.is_listing_page(name)]
    out += scan_markdown(doc.path, doc.body, doc.body_line, media)
    if kind.audience_parts:
        out += check_sections(doc)
    else:
        out += check_kind_sections(doc, kind) + check_dates(doc)
    return out


TRANSLATED_FROM = re.compile(r"^(?P<lang>[a-z]{2})@(?P<hash>[0-9a-f]{12})$")


def translation_hash(doc: Document) -> str:
    """A document's content as a translation records it: front matter (but ``translated_from``) and body."""
    meta = {k: v for k, v in doc.meta.items() if k != "translated_from"}
    blob = json.dumps(_jsonable(meta), sort_keys=True, ensure_ascii=False, default=str) + "\n" + doc.body.strip()
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:12]


def stale_since(doc: Document, other: Document | None) -> str | None:
    """The hash ``doc`` recorded of ``other`` (its source in the other language) when ``other`` has changed
    since; None when ``doc`` records no translation, or is up to date."""
    m = TRANSLATED_FROM.match(str(doc.meta.get("translated_from", "")))
    if not m or other is None or m.group("lang") != other.lang:
        return None
    return m.group("hash") if m.group("hash") != translation_hash(other) else None


def check_translation(doc: Document, other: Document | None) -> list[Diagnostic]:
    """``translated_from`` (written by ``passerelle translated``) names the other language's file as it was."""
    value = doc.meta.get("translated_from")
    if value is None:
        return []
    line = doc.meta_lines.get("translated_from", 1)
    m = TRANSLATED_FROM.match(str(value))
    if not m or other is None or m.group("lang") != other.lang:
        return [problem(doc.path, line, "translation-record", severity="warning", value=repr(value), path=doc.path)]
    recorded = stale_since(doc, other)
    if recorded:
        return [problem(doc.path, line, "translation-stale", severity="warning", other=other.path, recorded=recorded,
                        current=translation_hash(other), path=doc.path)]
    return []


def check_cross(project: Project) -> list[Diagnostic]:
    """Rules that need several files: unique ids, sources that exist and are complete, translations."""
    out: list[Diagnostic] = []
    by_key: dict[tuple[str, str, str], Document] = {}
    for doc in project.documents:
        key = (doc.kind, doc.lang, doc.id)
        if doc.id and key in by_key:
            out.append(problem(doc.path, doc.meta_lines.get("id", 1), "duplicate-id", id=doc.id, other=by_key[key].path))
        by_key.setdefault(key, doc)
        for key_ in doc.sources:
            entry = project.literature.get(key_)
            line = doc.meta_lines.get("sources", 1)
            if entry is None:
                out.append(problem(doc.path, line, "missing-source", key=key_))
                continue
            missing = cited_entry_problems(entry)
            if missing:
                out.append(problem(doc.path, line, "source-incomplete", key=key_, where=f"{entry.path}:{entry.line}",
                                   missing=missing, path=entry.path))
    groups: dict[tuple[str, str], dict[str, Document]] = defaultdict(dict)
    for doc in project.documents:
        if doc.id:
            groups[(doc.kind, doc.id)][doc.lang] = doc
    for (kind, _id), langs in sorted(groups.items()):
        if len(langs) == 1:
            (lang, doc), = langs.items()
            other = "fr" if lang == "en" else "en"
            out.append(problem(doc.path, 1, "missing-translation", severity="warning", other=(f"lang-{other}",),
                               kind=(kind,), path=doc.path.rsplit(".", 2)[0], suffix=other))
        else:
            en, fr = langs.get("en"), langs.get("fr")
            out += check_translation(en, fr) + check_translation(fr, en) if en and fr else []
            for field in BY_NAME[kind].same_in_translations:
                if en and fr and _jsonable(en.meta.get(field)) != _jsonable(fr.meta.get(field)):
                    out.append(problem(fr.path, fr.meta_lines.get(field, 1), "translation-mismatch", severity="warning",
                                       field=field, other=en.path))
    return out


def values_at(meta: Any, path: str) -> list[Any]:
    """The values of a dotted front-matter path, through lists: ``outcomes.source`` gives every
    outcome's source."""
    head, _, rest = path.partition(".")
    items = meta if isinstance(meta, list) else [meta]
    found = [item[head] for item in items if isinstance(item, dict) and head in item]
    found = [v for f in found for v in (f if isinstance(f, list) and not rest else [f])]
    return [v for f in found for v in values_at(f, rest)] if rest else found


def check_references(project: Project) -> list[Diagnostic]:
    """Front-matter values that name something else: vocabulary ids, BibTeX keys, other documents."""
    out: list[Diagnostic] = []
    try:
        vocab = load_vocabulary()
    except VocabularyError as exc:
        return [exc.diagnostic]
    facets: dict[str, set[str]] = defaultdict(set)
    for c in vocab.concepts:
        facets[c.facet].add(c.id)
    ids = {(d.kind, d.id) for d in project.documents}
    for doc in project.documents:
        kind = BY_NAME[doc.kind]
        for field, allowed in kind.vocabulary_fields:
            known = set().union(*(facets[f] for f in allowed))
            for value in values_at(doc.meta, field):
                if isinstance(value, str) and value not in known:
                    out.append(problem(doc.path, doc.meta_lines.get(field, 1), "unknown-vocabulary-id", field=field,
                                       value=value, facets=", ".join(allowed), allowed=", ".join(sorted(known))))
        for field in kind.bibtex_fields:
            for value in values_at(doc.meta, field):
                if isinstance(value, str) and project.literature.get(value) is None:
                    out.append(problem(doc.path, doc.meta_lines.get(field.split(".")[0], 1), "missing-source/field",
                                       key=value, field=field))
        for field, other in kind.document_fields:
            for value in values_at(doc.meta, field):
                if isinstance(value, str) and (other, value) not in ids:
                    out.append(problem(doc.path, doc.meta_lines.get(field, 1), "unknown-document", field=field,
                                       value=value, folder=BY_NAME[other].folder))
    return out


def check_aliases(project: Project) -> list[Diagnostic]:
    """An alias is an earlier id: no document of the kind may have it now, and only one may claim it."""
    out: list[Diagnostic] = []
    ids = {(d.kind, d.id) for d in project.documents}
    claimed: dict[tuple[str, str], Document] = {}
    for doc in project.documents:
        line = doc.meta_lines.get("aliases", 1)
        for alias in doc.aliases:
            if alias == doc.id:
                out.append(problem(doc.path, line, "alias-self", alias=alias))
            elif (doc.kind, alias) in ids:
                out.append(problem(doc.path, line, "alias-taken", alias=alias, folder=BY_NAME[doc.kind].folder))
            elif claimed.setdefault((doc.kind, alias), doc).id != doc.id:
                out.append(problem(doc.path, line, "alias-claimed", alias=alias, other=claimed[(doc.kind, alias)].path))
    return out


def check_manifest(project: Project) -> list[Diagnostic]:
    """Every address in the committed manifest is still served, by a page or by an alias's redirect."""
    if not project.manifest:
        return []
    served = addresses.served(project.documents)
    return [problem(addresses.MANIFEST_PATH, line, "address-dropped", address=address)
            for address, line in project.manifest if address not in served]


def validate(project: Project, store: cache.Cache = cache.Cache(None)) -> list[Diagnostic]:
    """Every rule on every document. ``store`` keeps each document's own findings by content (``remembered``);
    the rules that need several files run whole every time."""
    out = list(project.diagnostics)
    media = frozenset(project.media)
    media_key = cache.key(*sorted(media))
    for doc in project.documents:
        out += remembered(doc, media, media_key, store)
    out += check_cross(project) + check_references(project) + check_aliases(project) + check_manifest(project)
    return sort_diagnostics(out)


def remembered(doc: Document, media: frozenset[str], media_key: str, store: cache.Cache) -> list[Diagnostic]:
    """``check_document``, or what it found for the same document, media files and rules before: after one
    edit, ``check`` re-reads one file's rules, not a thousand's."""
    address = cache.key("validate", rules_fingerprint(), media_key,
                        repr((doc.path, doc.kind, doc.lang, doc.meta, doc.meta_lines, doc.body_line, doc.body)))
    found = store.get(address)
    if found is not None:
        return diagnostics_from_json(found)
    out = check_document(doc, media)
    store.put(address, json.dumps([dataclasses.asdict(d) for d in out], ensure_ascii=False).encode("utf-8"))
    return out


REPEATED_FIELDS = ("path", "severity", "code", "hint", "key", "hint_key")  # the same text in many findings


def diagnostics_from_json(data: bytes) -> list[Diagnostic]:
    """Diagnostics as ``remembered`` kept them; arguments that were tuples are tuples again. The texts that
    repeat from one finding to the next are shared (``sys.intern``): the build keeps every finding until its
    report, seven a generated brief, and JSON makes a new string of each."""
    out = []
    for d in json.loads(data):
        d.update({name: sys.intern(d[name]) for name in REPEATED_FIELDS})
        d["args"] = tuple((sys.intern(k), tuple(v) if isinstance(v, list) else v) for k, v in d["args"])
        out.append(Diagnostic(**d))
    return out


@lru_cache(maxsize=None)
def rules_fingerprint() -> str:
    """Everything a document's own findings depend on besides the document: this package's code and data
    (schemas, content model, readability targets, messages). Any change there checks every file again."""
    package = Path(__file__).parent
    files = sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return cache.key(*(f"{p.relative_to(package).as_posix()}:{hashlib.sha256(p.read_bytes()).hexdigest()}" for p in files))


def sort_diagnostics(items: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(set(items), key=lambda d: (d.path, d.line, d.col, d.severity, d.code, d.message))
