"""Content kinds, declared once: where their files live, which schema and sections they have, and
the address pattern of their pages. A new kind is one declaration here, one page module in ``pages/``
and one line in ``pages.GENERATORS``."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ContentKind:
    name: str  # as in ``type:`` of the front matter and ``data/schemas/<name>.schema.json``
    folder: str  # content/<folder>/<id>.<lang>.md
    url_format: str  # the page address inside a language, from the document's id
    audience_parts: bool = False  # core sections and one part per audience (content model in audiences.yml)
    required_sections: tuple[str, ...] = ()  # section ids required for kinds without the brief's model
    same_in_translations: tuple[str, ...] = ()  # front-matter keys both languages must agree on
    scaffold: bool = False  # data/scaffolds/<name>.<lang>.md exists (passerelle new)


BRIEF = ContentKind("brief", "briefs", "briefs/{id}", audience_parts=True, scaffold=True,
                    same_in_translations=("sources", "audiences", "evidence", "published"))
PILOT = ContentKind("pilot", "pilots", "pilots/{id}")

KINDS: tuple[ContentKind, ...] = (BRIEF, PILOT)
BY_NAME = {k.name: k for k in KINDS}
BY_FOLDER = {k.folder: k for k in KINDS}
