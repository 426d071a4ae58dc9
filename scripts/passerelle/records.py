"""Every record passed between stages, in one place: frozen dataclasses with typed properties.

Stages read these properties, never front-matter dicts: only ``validate`` (which checks the raw front
matter against the schema) and the loader look at ``Document.meta`` directly."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Iterator, Literal

Severity = Literal["error", "warning"]
LANGS = ("en", "fr")
DEFAULT_LANG = "en"
EPOCH = dt.date(1970, 1, 1)  # the sort date of a document with no valid publication date


def as_date(value: Any) -> dt.date | None:
    """A front-matter date (YAML gives date objects; a string must be ISO), else None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _strings(value: Any) -> tuple[str, ...]:
    """The strings of a front-matter list; anything else (already reported by validate) is ignored."""
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


# ---------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in an input, always with a place and a way to fix it."""

    path: str  # relative to the project root, POSIX separators
    line: int  # 1-based; 1 when the problem is the whole file
    severity: Severity
    code: str  # short stable id, e.g. "frontmatter-yaml"
    message: str  # what is wrong
    hint: str  # how to fix it (message and hint in English, as written when the diagnostic was made)
    col: int = 1
    key: str = ""  # its entry in data/messages.yml ("code" or "code/variant"); "" for text given as is
    args: tuple[tuple[str, Any], ...] = ()  # the arguments of that entry's templates, sorted by name
    hint_key: str = ""  # a shared hint (messages.yml: hints) that replaces the entry's own

    def to_json(self, lang: str = "en", message: str | None = None, hint: str | None = None) -> dict[str, Any]:
        """The diagnostic for tools: ``code`` is stable, ``message`` and ``hint`` are in ``lang``."""
        return {"path": self.path, "line": self.line, "col": self.col, "severity": self.severity,
                "code": self.code, "message": self.message if message is None else message,
                "hint": self.hint if hint is None else hint, "lang": lang}


def diag(path: str, line: int, code: str, message: str, hint: str, severity: Severity = "error", col: int = 1) -> Diagnostic:
    """A diagnostic, argument order as read: where, what code, what is wrong, how to fix it."""
    return Diagnostic(path=path, line=line, severity=severity, code=code, message=message, hint=hint, col=col)


def errors(diags) -> list[Diagnostic]:
    return [d for d in diags if d.severity == "error"]


@dataclass(frozen=True, eq=False)
class Section:
    """A level-2 section of a document: its stable id (from ``{#id}``), heading and Markdown body. The body
    is read from the document's text (``source[start:end]``) instead of held as a copy of it: at 3,000
    briefs the copies were 72 MB, as much as the documents' bodies. ``Section.of`` makes one from a text."""

    id: str
    heading: str
    line: int  # line of the heading in the source file
    source: str = field(repr=False)  # the text the body is part of (a document's body)
    start: int = 0
    end: int = 0

    @classmethod
    def of(cls, sid: str, heading: str, body: str, line: int) -> Section:
        return cls(sid, heading, line, body, 0, len(body))

    @property
    def body(self) -> str:
        return self.source[self.start:self.end]

    def _key(self) -> tuple[str, str, str, int]:
        return self.id, self.heading, self.body, self.line

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Section) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())


@dataclass(frozen=True)
class Document:
    """A brief or pilot summary in one language, parsed from ``content/<kind>s/<id>.<lang>.md``. Its
    properties are read many times per build (a brief's id some 700 times at 1,000 briefs): each is worked
    out once per record (the record is never changed; ``dataclasses.replace`` makes a new one)."""

    path: str
    kind: str  # a content kind's name (see ``kinds``)
    lang: str
    meta: dict[str, Any]  # the front matter as parsed; read through the properties below
    body: str  # Markdown after the front matter
    body_line: int  # line in the file where ``body`` starts
    meta_lines: dict[str, int] = field(default_factory=dict)  # front-matter key -> line
    sections: tuple[Section, ...] = ()

    @cached_property
    def id(self) -> str:
        return str(self.meta.get("id", ""))

    @cached_property
    def title(self) -> str:
        return str(self.meta.get("title", self.id))

    @cached_property
    def summary(self) -> str:
        return str(self.meta.get("summary", ""))

    @cached_property
    def sources(self) -> tuple[str, ...]:
        """BibTeX keys of the sources, as written."""
        return _strings(self.meta.get("sources"))

    @cached_property
    def audiences(self) -> tuple[str, ...]:
        return _strings(self.meta.get("audiences"))

    @cached_property
    def topics(self) -> tuple[str, ...]:
        """Topics given by hand in the front matter (enrichment adds its own)."""
        return _strings(self.meta.get("topics"))

    @cached_property
    def regions(self) -> tuple[str, ...]:
        return _strings(self.meta.get("regions"))

    @cached_property
    def evidence_strength(self) -> str:
        ev = self.meta.get("evidence")
        return str(ev.get("strength", "")) if isinstance(ev, dict) else ""

    @cached_property
    def evidence_types(self) -> tuple[str, ...]:
        ev = self.meta.get("evidence")
        return _strings(ev.get("type")) if isinstance(ev, dict) else ()

    @cached_property
    def published(self) -> dt.date | None:
        return as_date(self.meta.get("published"))

    @cached_property
    def updated(self) -> dt.date | None:
        return as_date(self.meta.get("updated"))

    @cached_property
    def sort_date(self) -> dt.date:
        """The publication date (else the last update: pilots have no publication date), or the epoch for
        a document without either (listed last)."""
        return self.published or self.updated or EPOCH

    @cached_property
    def aliases(self) -> tuple[str, ...]:
        """Earlier ids of this document (renamed or merged): their addresses redirect here."""
        return _strings(self.meta.get("aliases"))

    @cached_property
    def pilot(self) -> PilotFacts:
        """The pilot-only fields (meaningful for ``kind == "pilot"``)."""
        return _pilot_facts(self.meta)

    def section(self, sid: str) -> str:
        """The Markdown body of the section with this id ('' when there is none)."""
        found = self._sections_by_id.get(sid)
        return found.body if found else ""

    def has_section(self, sid: str) -> bool:
        return sid in self._sections_by_id

    @cached_property
    def _sections_by_id(self) -> dict[str, Section]:
        """The first section with each id (an id given twice is reported by validate)."""
        found: dict[str, Section] = {}
        for s in self.sections:
            found.setdefault(s.id, s)
        return found


@dataclass(frozen=True)
class Amount:
    value: float
    currency: str  # ISO 4217, e.g. "CAD"


@dataclass(frozen=True)
class Outcome:
    """One measured outcome of a pilot: what was measured, how, the result and the source (BibTeX key)."""

    measure: str
    method: str
    result: str
    source: str


@dataclass(frozen=True)
class Evaluation:
    type: str  # e.g. "internal", "external", "none"
    by: str
    report: str  # BibTeX key of the evaluation report ('' when none)


@dataclass(frozen=True)
class PilotFacts:
    """The pilot-only front matter, typed (``Document.pilot``). Absent fields are '' / () / None: the
    pages say "not reported" rather than invent a value."""

    lead_organization: str
    partners: tuple[str, ...]
    funder: str
    funding_stream: str
    agreement: str  # the federal grants disclosure's reference number ('' when not known)
    amount: Amount | None
    start: dt.date | None
    end: dt.date | None
    status: str  # planned | active | completed | ended-early
    populations: tuple[str, ...]  # vocabulary ids
    services: tuple[str, ...]  # vocabulary ids
    outcomes: tuple[Outcome, ...]
    evaluation: Evaluation | None
    contact: str  # an organisation's address (web or e-mail), never a person's
    related_briefs: tuple[str, ...]
    as_of: str = ""  # when the sources last reported on it: YYYY, YYYY-MM or YYYY-MM-DD ('' when not given)

    @property
    def finished(self) -> bool:
        return self.status in ("completed", "ended-early")

    @property
    def year(self) -> int | None:
        """The year a funder files it under: its start, else the year its sources reported on it."""
        if self.start:
            return self.start.year
        return int(self.as_of[:4]) if re.fullmatch(r"\d{4}(-.*)?", self.as_of) else None

    @property
    def year_reported(self) -> bool:
        """True when ``year`` comes from ``as_of`` (no start date known)."""
        return self.start is None and self.year is not None


def _pilot_facts(meta: dict[str, Any]) -> PilotFacts:
    amount = meta.get("amount")
    ev = meta.get("evaluation")
    outcomes = meta.get("outcomes") if isinstance(meta.get("outcomes"), list) else []
    return PilotFacts(
        lead_organization=str(meta.get("lead_organization", "")), partners=_strings(meta.get("partners")),
        funder=str(meta.get("funder", "")), funding_stream=str(meta.get("funding_stream", "")),
        agreement=str(meta.get("agreement", "")),
        amount=(Amount(float(amount["value"]), str(amount.get("currency", "CAD")))
                if isinstance(amount, dict) and isinstance(amount.get("value"), (int, float)) else None),
        start=as_date(meta.get("start")), end=as_date(meta.get("end")), status=str(meta.get("status", "")),
        populations=_strings(meta.get("populations")), services=_strings(meta.get("services")),
        outcomes=tuple(Outcome(*(str(o.get(k, "")) for k in ("measure", "method", "result", "source")))
                       for o in outcomes if isinstance(o, dict)),
        evaluation=(Evaluation(str(ev.get("type", "")), str(ev.get("by", "")), str(ev.get("report", "")))
                    if isinstance(ev, dict) else None),
        contact=str(meta.get("contact", "")), related_briefs=_strings(meta.get("related_briefs")),
        as_of=_as_of(meta.get("as_of")))


def _as_of(value: Any) -> str:
    """``as_of`` as written (YAML reads a full date as a date object, a year as an int)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else ""


@dataclass(frozen=True)
class BibEntry:
    """One literature entry, fields decoded to Unicode text (not HTML-safe: escape on output)."""

    key: str
    type: str
    fields: dict[str, str]
    path: str
    line: int
    raw: str  # the entry as written, for BibTeX downloads


@dataclass
class Literature:
    """Every entry of ``literature/*.bib``; filled by the loader, then only read."""

    entries: dict[str, BibEntry] = field(default_factory=dict)  # key (as written) -> entry
    files: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    strings: dict[str, str] = field(default_factory=dict)  # @string name (lower-cased) -> definition as written

    def get(self, key: str) -> BibEntry | None:
        """BibTeX keys are matched case-insensitively, as BibTeX itself does."""
        if key in self.entries:
            return self.entries[key]
        low = key.lower()
        return next((e for k, e in self.entries.items() if k.lower() == low), None)

    def cited_by(self, doc: Document) -> list[BibEntry]:
        """The entries a document cites that exist, in the order it lists them."""
        return [e for k in doc.sources if (e := self.get(k))]


@dataclass(frozen=True)
class Project:
    """Everything loaded from a project root."""

    root: str
    documents: tuple[Document, ...]
    literature: Literature
    files: tuple[str, ...]  # every input file under content/ and literature/, relative paths
    diagnostics: tuple[Diagnostic, ...]
    media: tuple[str, ...] = ()  # the accepted media files among ``files``
    manifest: tuple[tuple[str, int], ...] = ()  # content/published-addresses.txt: (address, line), in file order


@dataclass(frozen=True)
class Checked:
    """A loaded project and everything ``validate`` said about it."""

    project: Project
    diagnostics: list[Diagnostic]


# ---------------------------------------------------------------- enrichment


@dataclass(frozen=True)
class Evidence:
    text: str
    count: int


@dataclass(frozen=True)
class Tag:
    facet: str
    id: str
    label: str
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(e.count for e in self.evidence)


@dataclass(frozen=True, slots=True)
class Acronym:
    short: str
    long: str


@dataclass(frozen=True)
class Enrichment:
    """What spaCy and the vocabulary found in one text."""

    lang: str
    tags: list[Tag] = field(default_factory=list)
    entities: list[dict] = field(default_factory=list)  # {"text", "label", "count", "id"}
    acronyms: list[Acronym] = field(default_factory=list)
    readability: dict = field(default_factory=dict)
    key_sentences: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"lang": self.lang,
                "tags": [{"facet": t.facet, "id": t.id, "label": t.label,
                          "evidence": [{"text": e.text, "count": e.count} for e in t.evidence]} for t in self.tags],
                "entities": [dict(e) for e in self.entities],
                "acronyms": [{"short": a.short, "long": a.long} for a in self.acronyms],
                "readability": self.readability, "key_sentences": list(self.key_sentences)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Enrichment:
        return cls(data["lang"],
                   [Tag(t["facet"], t["id"], t["label"], [Evidence(e["text"], e["count"]) for e in t["evidence"]])
                    for t in data["tags"]],
                   [dict(e) for e in data["entities"]],
                   [Acronym(a["short"], a["long"]) for a in data["acronyms"]],
                   data["readability"], list(data["key_sentences"]))


@dataclass(frozen=True, slots=True)
class Labelled:
    """A tag as a page shows it: its id and its label in the page's language."""

    id: str
    label: str


@dataclass(frozen=True, slots=True)
class DocumentExtras:
    """What enrichment and the front matter add beside a document's text on its pages."""

    topics: tuple[Labelled, ...] = ()  # sorted by label
    regions: tuple[Labelled, ...] = ()
    acronyms: tuple[Acronym, ...] = ()  # sorted (short, long)
    readability: dict = field(default_factory=dict)  # the "metrics" of readability.measure() of the whole document

    @property
    def tags(self) -> tuple[Labelled, ...]:
        return self.topics + self.regions


# ---------------------------------------------------------------- outputs


@dataclass(frozen=True)
class PageInfo:
    """What a site generator needs to know about a page besides its text (title, description, kind)."""

    title: str
    description: str = ""
    kind: str = ""  # e.g. "brief", "brief-audience", "brief-missing", "pilot"; "" for listings
    doc_id: str = ""
    audience: str = ""
    linked_data: str = ""  # schema.org JSON-LD of the document the page shows, safe inside <script> ('' for none)


@dataclass(frozen=True)
class Page:
    """One page of the site: its source path in the docs tree (``<lang>/...md``), Markdown body and the
    inputs it shows (for the build report)."""

    path: str
    info: PageInfo
    body: str
    sources: tuple[str, ...] = ()

    @property
    def lang(self) -> str:
        return self.path.split("/", 1)[0]

    @property
    def outline(self) -> PageOutline:
        return PageOutline(self.path, self.info.kind, self.sources)


@dataclass(frozen=True)
class PageOutline:
    """What the build keeps of a page once it is rendered: where it is, its kind and the inputs it shows
    (the sitemaps and the build report read no more)."""

    path: str
    kind: str
    sources: tuple[str, ...] = ()

    @property
    def lang(self) -> str:
        return self.path.split("/", 1)[0]


@dataclass(frozen=True)
class RenderedPages:
    """Every page of the site: ``outlines`` in memory, the pages themselves read once, in the same order, from
    where the page generators left them (``pages.render``)."""

    outlines: tuple[PageOutline, ...]
    pages: Iterator[Page]


@dataclass(frozen=True)
class Stored:
    """A file of the cache holding an asset's bytes, named by their SHA-256."""

    file: str
    sha256: str
    size: int


@dataclass(frozen=True)
class Asset:
    """A file published beside the pages (downloads), with the inputs it comes from. Its bytes are ``data``
    or, once the exports' process has kept them in the cache (``exports.running``), the file ``stored``
    names: the build then hands the site generator a name, not the bytes (114 MB at 1,000 briefs)."""

    path: str  # in the docs tree, ``<lang>/...``
    data: bytes
    sources: tuple[str, ...] = ()
    stored: Stored | None = None

    def read(self) -> bytes:
        return Path(self.stored.file).read_bytes() if self.stored else self.data

    @property
    def size(self) -> int:
        return self.stored.size if self.stored else len(self.data)

    @property
    def sha256(self) -> str:
        return self.stored.sha256 if self.stored else hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class InputReport:
    """What became of one input file: built into pages, or rejected, and what was said about it."""

    status: Literal["built", "rejected"]
    pages: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...] = ()
    entries: tuple[str, ...] | None = None  # BibTeX keys, for literature files

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status, "pages": list(self.pages)}
        if self.diagnostics:
            out["diagnostics"] = [d.to_json() for d in self.diagnostics]
        if self.entries is not None:
            out["entries"] = list(self.entries)
        return out


@dataclass(frozen=True)
class BuildReport:
    """Every input file accounted for (``site/build-report.json``)."""

    inputs: dict[str, InputReport]
    pages: int
    errors: int
    warnings: int

    @property
    def rejected(self) -> int:
        return sum(1 for v in self.inputs.values() if v.status == "rejected")

    def counts(self) -> dict[str, int]:
        return {"inputs": len(self.inputs), "pages": self.pages, "rejected": self.rejected,
                "errors": self.errors, "warnings": self.warnings}

    def to_json(self) -> dict[str, Any]:
        return {"inputs": {k: v.to_json() for k, v in self.inputs.items()}, "counts": self.counts()}


@dataclass(frozen=True)
class ImportedDraft:
    """A draft brief written by ``passerelle import``, and what the importer has to say about it."""

    path: Path
    notes: tuple[str, ...] = ()
    lang: str = ""
    lang_detected: bool = False  # True when the language was detected from the text (no --lang)
    bib_path: Path | None = None  # literature/imported.bib when an entry for the report was written there
    bib_key: str = ""


@dataclass(frozen=True)
class ReportMeta:
    """What a report's file says about itself (pandoc's metadata from styles, DOCX core properties, ODT
    meta.xml, HTML <meta>/<title>): only what is stated, never guessed."""

    title: str = ""
    authors: tuple[str, ...] = ()
    date: str = ""
    abstract: str = ""
    institution: str = ""

    @property
    def year(self) -> str:
        m = re.search(r"\b(1[5-9]\d\d|20\d\d)\b", self.date)
        return m.group(1) if m else ""


@dataclass(frozen=True)
class SiteUpdate:
    """What the site generator did: its warnings, its mode (skip, dirty: changed pages only, or full) and how
    many docs files it (re)wrote."""
    warnings: list[str]
    mode: str
    files_written: int


@dataclass(frozen=True)
class BuildResult:
    """What a build says once it is done. It holds the diagnostics and the project's counts, not the project:
    the build lets the documents go before the site generator runs."""

    diagnostics: list[Diagnostic]
    counts: dict[str, int]  # files read, documents of each kind and literature entries (``report.counts``)
    report: BuildReport
    generator_warnings: list[str]
    site: SiteUpdate | None = None
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage, in pipeline order
