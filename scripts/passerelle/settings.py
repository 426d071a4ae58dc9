"""Editable data (YAML/JSON under data/) loaded once. Code reads settings from here, never literals."""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

DATA = resources.files("passerelle") / "data"


@lru_cache(maxsize=None)
def load_yaml(name: str) -> Any:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def schema(kind: str) -> dict[str, Any]:
    return json.loads((DATA / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8"))


def audiences() -> dict[str, Any]:
    return load_yaml("audiences.yml")


def strings(lang: str) -> dict[str, str]:
    """UI strings for one language; every key exists in both languages (a test checks it)."""
    return {k: v[lang] for k, v in load_yaml("strings.yml").items()}


def scaffold(kind: str, lang: str) -> str:
    return (DATA / "scaffolds" / f"{kind}.{lang}.md").read_text(encoding="utf-8")
