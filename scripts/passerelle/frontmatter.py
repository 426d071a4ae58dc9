"""Strict YAML front matter. MkDocs turns bad front matter into page text without a word, so
Passerelle parses it itself and refuses anything ambiguous: duplicate keys, tags, aliases, bad dates."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.cyaml import CParser
from yaml.events import AliasEvent
from yaml.resolver import Resolver

FENCE = re.compile(r"^(---|\.\.\.)[ \t]*$")


@dataclass
class FrontMatter:
    meta: dict[str, Any]
    body: str
    body_line: int  # 1-based line where the body starts
    key_lines: dict[str, int] = field(default_factory=dict)


class FrontMatterError(Exception):
    """A problem with a line number (1-based, in the whole file): its entry in data/messages.yml and the
    arguments of that entry's text (``values``)."""

    def __init__(self, key: str, line: int, /, **values: Any):
        super().__init__(key)
        self.key, self.line, self.values = key, line, values

    @property
    def code(self) -> str:
        return self.key.split("/", 1)[0]


class _Refused(ConstructorError):
    """What the strict loader refuses, with the messages.yml entry that says it."""

    def __init__(self, key: str, mark, /, **values: Any):
        super().__init__(None, None, key, mark)
        self.key, self.values = key, values


class StrictConstructor(SafeConstructor):
    """SafeConstructor that also refuses duplicate keys, bad dates and unknown tags."""

    def construct_mapping(self, node, deep=False):
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise _Refused("frontmatter-duplicate-key", key_node.start_mark, key=repr(key), first=seen[key] + 2)
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep)

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise _Refused("frontmatter-date", node.start_mark, value=repr(node.value), reason=str(exc)) from None


StrictConstructor.add_constructor("tag:yaml.org,2002:timestamp", StrictConstructor.construct_yaml_timestamp)
StrictConstructor.add_constructor("tag:yaml.org,2002:map", StrictConstructor.construct_yaml_map)
# Any tag PyYAML's safe loader does not know (e.g. !!python/object) falls to this and is refused.
StrictConstructor.add_constructor(None, lambda loader, node: (_ for _ in ()).throw(
    _Refused("frontmatter-tag", node.start_mark, tag=repr(node.tag))))


class StrictLoader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer,
                   StrictConstructor, Resolver):
    """PyYAML's pure-Python safe loader, strict, that also refuses aliases (no alias bombs): its messages
    and line numbers are the ones a writer sees."""

    def __init__(self, stream):
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        StrictConstructor.__init__(self)
        Resolver.__init__(self)

    def compose_node(self, parent, index):  # noqa: D401 - PyYAML hook
        if self.check_event(AliasEvent):
            raise _Refused("frontmatter-tag/alias", self.peek_event().start_mark)
        return super().compose_node(parent, index)


class FastStrictLoader(CParser, StrictConstructor, Resolver):
    """The same rules on libyaml's parser (12x faster on a thousand briefs), for front matter with no anchor
    or alias; anything it refuses is parsed again by ``StrictLoader`` for the writer's message."""

    def __init__(self, stream):
        CParser.__init__(self, stream)
        StrictConstructor.__init__(self)
        Resolver.__init__(self)


def split(text: str) -> tuple[str, str, int]:
    """Return (yaml_text, body, body_line). Raises FrontMatterError when there is no front matter."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise FrontMatterError("frontmatter-missing/file", 1)
    for i in range(1, len(lines)):
        if FENCE.match(lines[i]):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]), i + 2
    raise FrontMatterError("frontmatter-unclosed", 1)


def parse(text: str) -> FrontMatter:
    """Parse the front matter of a Markdown file strictly; line numbers refer to the whole file."""
    yaml_text, body, body_line = split(text)
    meta, key_lines = _fast(yaml_text) or _strict(yaml_text)
    if any(not isinstance(k, str) for k in meta):
        raise FrontMatterError("frontmatter-not-mapping/keys", 2)
    return FrontMatter(meta=meta, body=body, body_line=body_line, key_lines=key_lines)


def _fast(yaml_text: str) -> tuple[dict, dict[str, int]] | None:
    """libyaml's reading when the text has no anchor or alias and nothing to refuse; else None."""
    if "&" in yaml_text or "*" in yaml_text or yaml.reader.Reader.NON_PRINTABLE.search(yaml_text):
        return None
    try:
        return _construct(FastStrictLoader(yaml_text))
    except (yaml.YAMLError, FrontMatterError):
        return None  # read again by the pure-Python loader, for the message a writer sees


def _strict(yaml_text: str) -> tuple[dict, dict[str, int]]:
    try:
        loader = StrictLoader(yaml_text)
    except yaml.reader.ReaderError as exc:  # PyYAML refuses control characters before it parses anything
        raise FrontMatterError("frontmatter-yaml/control", yaml_text.count("\n", 0, exc.position) + 2,
                               char=exc.character) from None
    try:
        return _construct(loader)
    except yaml.MarkedYAMLError as exc:
        # an unclosed quote or bracket is found at the end of the front matter: point at where it opened
        gave_up = "end of stream" in (exc.problem or "") and exc.context_mark is not None
        mark = exc.context_mark if gave_up else (exc.problem_mark or exc.context_mark)
        line = (mark.line + 2) if mark else 1
        if isinstance(exc, _Refused):
            raise FrontMatterError(exc.key, line, **exc.values) from None
        raise FrontMatterError("frontmatter-yaml", line, problem=(exc.problem or exc.context or "invalid YAML").strip()) from None
    except yaml.YAMLError as exc:
        raise FrontMatterError("frontmatter-yaml", 1, problem=str(exc)) from None


def _construct(loader) -> tuple[dict, dict[str, int]]:
    """The mapping and the line of each of its keys."""
    try:
        node = loader.get_single_node()
        if node is None:
            raise FrontMatterError("frontmatter-empty", 1)
        if not isinstance(node, yaml.MappingNode):
            raise FrontMatterError("frontmatter-not-mapping", node.start_mark.line + 2)
        key_lines = {str(k.value): k.start_mark.line + 2 for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
        return loader.construct_document(node), key_lines
    finally:
        loader.dispose()
