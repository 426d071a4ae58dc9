"""Typed records passed between pipeline stages. Plain dataclasses, no behaviour beyond helpers."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]
LANGS = ("en", "fr")
AUDIENCES = ("frontline", "managers", "funders", "researchers")


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in an input, always with a place and a way to fix it."""

    path: str  # relative to the project root, POSIX separators
    line: int  # 1-based; 1 when the problem is the whole file
    severity: Severity
    code: str  # short stable id, e.g. "frontmatter-yaml"
    message: str  # what is wrong
    hint: str  # how to fix it
    col: int = 1

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "col": self.col, "severity": self.severity,
                "code": self.code, "message": self.message, "hint": self.hint}


@dataclass
class Section:
    """A level-2 section of a brief: its stable id (from ``{#id}``), heading and Markdown body."""

    id: str
    heading: str
    body: str
    line: int  # line of the heading in the source file


@dataclass
class Document:
    """A brief or pilot summary in one language, parsed from ``content/<kind>s/<id>.<lang>.md``."""

    path: str
    kind: Literal["brief", "pilot"]
    lang: str
    meta: dict[str, Any]
    body: str  # Markdown after the front matter
    body_line: int  # line in the file where ``body`` starts
    meta_lines: dict[str, int] = field(default_factory=dict)  # front-matter key -> line
    sections: list[Section] = field(default_factory=list)

    @property
    def id(self) -> str:
        return str(self.meta.get("id", ""))


@dataclass
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
    entries: dict[str, BibEntry] = field(default_factory=dict)  # key (as written) -> entry
    files: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def get(self, key: str) -> BibEntry | None:
        """BibTeX keys are matched case-insensitively, as BibTeX itself does."""
        if key in self.entries:
            return self.entries[key]
        low = key.lower()
        return next((e for k, e in self.entries.items() if k.lower() == low), None)


@dataclass
class Project:
    """Everything loaded from a project root."""

    root: str
    documents: list[Document]
    literature: Literature
    files: list[str]  # every input file under content/ and literature/, relative paths
    diagnostics: list[Diagnostic]
