"""Content kinds, declared once: where their files live, which schema and sections they have, and
the address pattern of their pages. A new kind is one declaration here, one page module in ``pages/``
and one line in ``pages.GENERATORS``."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SectionRule:
    """A section required only when a front-matter field holds one of some values (a finished pilot
    must say what did not work)."""

    section: str
    field: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class ContentKind:
    name: str  # as in ``type:`` of the front matter and ``data/schemas/<name>.schema.json``
    folder: str  # content/<folder>/<id>.<lang>.md
    url_format: str  # the page address inside a language, from the document's id
    audience_parts: bool = False  # core sections and one part per audience (content model in audiences.yml)
    sections: tuple[str, ...] = ()  # the section ids of kinds without the brief's model, in reading order
    required_sections: tuple[str, ...] = ()  # those of ``sections`` every document needs
    section_rules: tuple[SectionRule, ...] = ()  # those needed when the front matter says so
    same_in_translations: tuple[str, ...] = ()  # front-matter keys both languages must agree on
    scaffold: bool = False  # data/scaffolds/<name>.<lang>.md exists (passerelle new)
    # Front-matter values that name something else, checked by ``validate`` (dotted paths go into
    # lists and mappings: ``outcomes.source`` is the ``source`` of every outcome):
    vocabulary_fields: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (field, vocabulary facets its ids come from)
    bibtex_fields: tuple[str, ...] = ()  # fields holding BibTeX keys (besides ``sources``)
    document_fields: tuple[tuple[str, str], ...] = ()  # (field, kind name of the documents its ids name)


BRIEF = ContentKind("brief", "briefs", "briefs/{id}", audience_parts=True, scaffold=True,
                    same_in_translations=("sources", "audiences", "evidence", "published", "aliases"))
PILOT = ContentKind(
    "pilot", "pilots", "pilots/{id}", scaffold=True,
    sections=("what-was-tried", "for-whom", "what-happened", "what-did-not-work", "lessons", "scaling"),
    required_sections=("what-was-tried", "for-whom", "what-happened", "lessons"),
    section_rules=(SectionRule("what-did-not-work", "status", ("completed", "ended-early")),),
    same_in_translations=("sources", "evidence", "amount", "agreement", "start", "end", "status", "as_of",
                          "regions", "populations", "services", "related_briefs", "aliases"),
    vocabulary_fields=(("populations", ("population",)), ("services", ("service", "theme"))),
    bibtex_fields=("outcomes.source", "evaluation.report"),
    document_fields=(("related_briefs", "brief"),))

KINDS: tuple[ContentKind, ...] = (BRIEF, PILOT)
BY_NAME = {k.name: k for k in KINDS}
BY_FOLDER = {k.folder: k for k in KINDS}
