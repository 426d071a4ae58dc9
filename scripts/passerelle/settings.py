"""Editable data (YAML/JSON under data/) loaded once into typed settings, checked when loaded.

Code reads settings from here, never literals: ``audiences.yml`` is the one source for audiences,
core sections and the evidence scale; ``strings.yml`` for the text a reader sees."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from .records import LANGS

DATA = resources.files("passerelle") / "data"


class SettingsError(Exception):
    """A data file does not have the shape the code needs (a broken edit of a YAML file)."""


@lru_cache(maxsize=None)
def load_yaml(name: str) -> Any:
    return read_yaml((DATA / name).read_text(encoding="utf-8"))


def read_yaml(text: str) -> Any:
    """Safe YAML read by libyaml (ten times faster: messages.yml took 0.3 s in pure Python); on an error,
    read again by PyYAML, whose message a maintainer reads."""
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return yaml.safe_load(text)


@lru_cache(maxsize=None)
def schema(kind: str) -> dict[str, Any]:
    return json.loads((DATA / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Text:
    """One text in every language of the site."""

    en: str
    fr: str

    def __getitem__(self, lang: str) -> str:
        return getattr(self, lang)

    @classmethod
    def read(cls, value: Any, where: str) -> Text:
        if not isinstance(value, dict) or any(not isinstance(value.get(lang), str) for lang in LANGS):
            raise SettingsError(f"{where}: needs a text for each of {', '.join(LANGS)}")
        return cls(**{lang: value[lang] for lang in LANGS})


@dataclass(frozen=True)
class Audience:
    """A reader of the briefs: the part written for them, its word cap and plain-language targets."""

    id: str
    words: int
    en_grade: int | float  # numbers as written, so that "target 8" never reads "target 8.0"
    fr_kandel_moles: int | float
    lix: int | float
    heading: Text  # the part's heading in a brief
    landing: Text  # the title of the audience's landing page
    about: Text  # one line on what the part gives this reader

    @property
    def targets(self) -> dict[str, float]:
        """The readability targets, as ``readability.check_targets`` reads them."""
        return {"en_grade": self.en_grade, "fr_kandel_moles": self.fr_kandel_moles, "lix": self.lix}


@dataclass(frozen=True)
class CoreSection:
    id: str
    heading: Text
    required: bool


@dataclass(frozen=True)
class EvidenceLevel:
    id: str
    level: int
    definition: Text  # "Label: what it means"

    def label(self, lang: str) -> str:
        return self.definition[lang].split(":")[0]


@dataclass(frozen=True)
class ContentModel:
    """``audiences.yml``: what every brief holds and for whom."""

    cap_tolerance: float
    audiences: dict[str, Audience]  # in the file's order, which is the order pages show them in
    core_sections: dict[str, CoreSection]
    evidence_strength: dict[str, EvidenceLevel]
    evidence_types: dict[str, Text]

    def audience_parts(self, doc) -> list[str]:
        """The audiences a document has a part for (listed and written), in the model's order."""
        return [a for a in self.audiences if a in doc.audiences and doc.has_section(a)]


def _number(value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{value!r} is not a number")
    return value


def _audience(aid: str, spec: dict[str, Any]) -> Audience:
    where = f"audiences.yml: audiences.{aid}"
    try:
        return Audience(aid, int(spec["words"]), _number(spec["en_grade"]), _number(spec["fr_kandel_moles"]),
                        _number(spec["lix"]), Text.read(spec.get("heading"), f"{where}.heading"),
                        Text.read(spec.get("landing"), f"{where}.landing"), Text.read(spec.get("about"), f"{where}.about"))
    except (KeyError, TypeError, ValueError) as exc:
        raise SettingsError(f"{where}: {exc}") from None


@lru_cache(maxsize=None)
def content_model() -> ContentModel:
    raw = load_yaml("audiences.yml")
    try:
        return ContentModel(
            cap_tolerance=float(raw["cap_tolerance"]),
            audiences={aid: _audience(aid, spec) for aid, spec in raw["audiences"].items()},
            core_sections={sid: CoreSection(sid, Text.read(spec, f"audiences.yml: core_sections.{sid}"),
                                            bool(spec.get("required")))
                           for sid, spec in raw["core_sections"].items()},
            evidence_strength={k: EvidenceLevel(k, int(v["level"]), Text.read(v, f"audiences.yml: evidence_strength.{k}"))
                               for k, v in raw["evidence_strength"].items()},
            evidence_types={k: Text.read(v, f"audiences.yml: evidence_types.{k}") for k, v in raw["evidence_types"].items()})
    except (KeyError, TypeError, AttributeError) as exc:
        raise SettingsError(f"audiences.yml: missing or malformed {exc}") from None


@lru_cache(maxsize=None)
def _all_strings() -> dict[str, Text]:
    return {k: Text.read(v, f"strings.yml: {k}") for k, v in load_yaml("strings.yml").items()}


def strings(lang: str) -> dict[str, str]:
    """UI strings for one language; every key exists in both languages (checked when loaded)."""
    return {k: v[lang] for k, v in _all_strings().items()}


def text(lang: str, key: str) -> str:
    return _all_strings()[key][lang]


def scaffold(kind: str, lang: str) -> str:
    return (DATA / "scaffolds" / f"{kind}.{lang}.md").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Message:
    """One problem Passerelle reports (``messages.yml``): what is wrong and how to fix it, in each language,
    as ``str.format`` templates over the arguments the code gives."""

    key: str  # "code" or "code/variant"
    message: Text
    hint: Text

    @property
    def code(self) -> str:
        return self.key.split("/", 1)[0]


@dataclass(frozen=True)
class Messages:
    """``messages.yml``: every diagnostic's text, shared field hints, translated terms, command lines."""

    codes: dict[str, Message]
    hints: dict[str, Text]
    terms: dict[str, Text]
    texts: dict[str, Text]


def placeholders(template: str) -> set[str]:
    """The argument names a template uses (``{name}``, ``{name:spec}``), literal ``{{``/``}}`` skipped."""
    import string

    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


def _check_same_arguments(where: str, text: Text) -> None:
    try:
        names = {lang: placeholders(text[lang]) for lang in LANGS}
    except ValueError as exc:
        raise SettingsError(f"messages.yml: {where}: {exc}") from None
    if len({frozenset(n) for n in names.values()}) > 1:
        raise SettingsError(f"messages.yml: {where}: the languages use different arguments {names}")


@lru_cache(maxsize=None)
def messages() -> Messages:
    raw = load_yaml("messages.yml")
    try:
        codes = {}
        for key, spec in raw["codes"].items():
            codes[key] = Message(key, Text.read(spec.get("message"), f"messages.yml: {key}.message"),
                                 Text.read(spec.get("hint"), f"messages.yml: {key}.hint"))
            _check_same_arguments(f"{key}.message", codes[key].message)
            _check_same_arguments(f"{key}.hint", codes[key].hint)
        section = {name: {k: Text.read(v, f"messages.yml: {name}.{k}") for k, v in raw[name].items()}
                   for name in ("hints", "terms", "texts")}
    except (KeyError, TypeError, AttributeError) as exc:
        raise SettingsError(f"messages.yml: missing or malformed {exc}") from None
    return Messages(codes, section["hints"], section["terms"], section["texts"])


def site_url() -> str:
    """The published address of the site (``SITE_URL``, set by the publish workflow), ending with ``/``;
    '' when unset: a local build then writes no absolute address rather than one pointing at localhost."""
    url = os.environ.get("SITE_URL", "").strip()
    return url.rstrip("/") + "/" if url else ""


@dataclass(frozen=True)
class DataFile:
    """A published data file as the Open data page documents it (``data/open_data.yml``)."""

    file: str  # its name under /data/
    schema: str  # data/open-data/<schema>.schema.json
    record: str  # the property holding its records ('' for a table)
    about: Text
    fields: dict[str, Text]  # every property of one record


@lru_cache(maxsize=None)
def open_data_files() -> tuple[DataFile, ...]:
    out = []
    for n, spec in enumerate(load_yaml("open_data.yml")["files"]):
        where = f"open_data.yml: files[{n}]"
        out.append(DataFile(spec["file"], spec["schema"], spec.get("record", ""), Text.read(spec["about"], where),
                            {k: Text.read(v, f"{where}.fields.{k}") for k, v in spec["fields"].items()}))
    return tuple(out)
