"""Strict YAML front matter. MkDocs turns bad front matter into page text without a word, so
Passerelle parses it itself and refuses anything ambiguous: duplicate keys, tags, aliases, bad dates."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.events import AliasEvent

FENCE = re.compile(r"^(---|\.\.\.)[ \t]*$")


@dataclass
class FrontMatter:
    meta: dict[str, Any]
    body: str
    body_line: int  # 1-based line where the body starts
    key_lines: dict[str, int] = field(default_factory=dict)


class FrontMatterError(Exception):
    """A problem with a line number (1-based, in the whole file) and a hint."""

    def __init__(self, code: str, line: int, message: str, hint: str):
        super().__init__(message)
        self.code, self.line, self.message, self.hint = code, line, message, hint


class StrictLoader(yaml.SafeLoader):
    """SafeLoader that also refuses aliases (no alias bombs) and duplicate keys."""

    def compose_node(self, parent, index):  # noqa: D401 - PyYAML hook
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise ConstructorError(None, None, "YAML aliases (*name) are not allowed in front matter",
                                   event.start_mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise ConstructorError(None, None, f"duplicate key {key!r} (first on line {seen[key] + 2})",
                                       key_node.start_mark)
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep)

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise ConstructorError(None, None, f"impossible date {node.value!r} ({exc})", node.start_mark) from None


StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", StrictLoader.construct_yaml_timestamp)
StrictLoader.add_constructor("tag:yaml.org,2002:map", StrictLoader.construct_yaml_map)
# Any tag PyYAML's safe loader does not know (e.g. !!python/object) falls to this and is refused.
StrictLoader.add_constructor(None, lambda loader, node: (_ for _ in ()).throw(
    ConstructorError(None, None, f"YAML tag {node.tag!r} is not allowed in front matter", node.start_mark)))


def split(text: str) -> tuple[str, str, int]:
    """Return (yaml_text, body, body_line). Raises FrontMatterError when there is no front matter."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise FrontMatterError("frontmatter-missing", 1, "the file does not start with YAML front matter",
                               "start the file with a line '---', the fields (id, title, ...), then a closing '---'")
    for i in range(1, len(lines)):
        if FENCE.match(lines[i]):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]), i + 2
    raise FrontMatterError("frontmatter-unclosed", 1, "the front matter is never closed",
                           "add a line '---' after the last front-matter field")


def parse(text: str) -> FrontMatter:
    """Parse the front matter of a Markdown file strictly; line numbers refer to the whole file."""
    yaml_text, body, body_line = split(text)
    try:
        loader = StrictLoader(yaml_text)
    except yaml.reader.ReaderError as exc:  # PyYAML refuses control characters before it parses anything
        raise FrontMatterError("frontmatter-yaml", yaml_text.count("\n", 0, exc.position) + 2,
                               f"the front matter holds an invisible control character (U+{exc.character:04X})",
                               "delete it; it often comes from copying text out of a PDF") from None
    try:
        node = loader.get_single_node()
        if node is None:
            raise FrontMatterError("frontmatter-empty", 1, "the front matter is empty",
                                   "add the required fields: id, type, title, summary, sources, audiences, published, evidence")
        if not isinstance(node, yaml.MappingNode):
            raise FrontMatterError("frontmatter-not-mapping", node.start_mark.line + 2,
                                   "the front matter is not a set of 'key: value' fields",
                                   "write one 'key: value' per line, e.g. 'title: My brief'")
        key_lines = {str(k.value): k.start_mark.line + 2 for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
        meta = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        # an unclosed quote or bracket is found at the end of the front matter: point at where it opened
        gave_up = "end of stream" in (exc.problem or "") and exc.context_mark is not None
        mark = exc.context_mark if gave_up else (exc.problem_mark or exc.context_mark)
        line = (mark.line + 2) if mark else 1
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        code = "frontmatter-duplicate-key" if "duplicate key" in problem else (
            "frontmatter-date" if "impossible date" in problem else (
                "frontmatter-tag" if "tag" in problem or "alias" in problem else "frontmatter-yaml"))
        raise FrontMatterError(code, line, f"front matter: {problem}", _yaml_hint(code)) from None
    except yaml.YAMLError as exc:
        raise FrontMatterError("frontmatter-yaml", 1, f"front matter: {exc}", _yaml_hint("frontmatter-yaml")) from None
    finally:
        loader.dispose()
    if any(not isinstance(k, str) for k in meta):
        raise FrontMatterError("frontmatter-not-mapping", 2, "front-matter keys must be plain words",
                               "write keys such as 'title:'; quote values, not keys")
    return FrontMatter(meta=meta, body=body, body_line=body_line, key_lines=key_lines)


def _yaml_hint(code: str) -> str:
    return {
        "frontmatter-duplicate-key": "keep one line for each key and delete the other",
        "frontmatter-date": "write a real date as YYYY-MM-DD, e.g. 2026-11-23",
        "frontmatter-tag": "remove the '!!…' tag or '*alias'; write the value as plain text",
    }.get(code, "check the quotes and indentation; put text that contains ': ' or '#' in double quotes")
