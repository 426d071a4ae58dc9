"""How diagnostics reach people: text for terminals, JSON for tools, workflow commands for GitHub.

Diagnostics are made here (``problem``) from an entry of ``data/messages.yml`` and its arguments, and
said in the language of the file they are about (``lang_for``): ``*.fr.md`` in French, ``*.en.md`` in
English, any other file in the language asked for (``--lang``, else ``LC_ALL``/``LC_MESSAGES``/``LANG``,
else English)."""
from __future__ import annotations

import json
import os
import re
import string
from typing import Any, Mapping

from . import settings
from .kinds import KINDS
from .records import LANGS, Diagnostic, Project, Severity, errors

DOC_LANG = re.compile(r"\.([a-z]{2})\.md$")


class _Formatter(string.Formatter):
    """``str.format`` with two additions: a tuple argument is a list of terms (messages.yml: terms),
    translated and joined with its format spec; numbers follow the language's conventions."""

    def __init__(self, lang: str):
        super().__init__()
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, tuple):
            terms = settings.messages().terms
            words = [terms[v][self.lang] if v in terms else str(v) for v in value]
            return (format_spec or ", ").join(words)
        out = super().format_field(value, format_spec)
        if self.lang == "fr" and isinstance(value, (int, float)) and not isinstance(value, bool) and "x" not in format_spec.lower():
            out = out.replace(",", "\u00a0").replace(".", ",") if isinstance(value, float) or "," in format_spec else out
        return out


def _frozen(value: Any) -> Any:
    """Arguments are kept in the (hashable) diagnostic: lists become tuples of terms."""
    return tuple(str(v) for v in value) if isinstance(value, (list, tuple)) else value


def problem(path: str, line: int, key: str, /, severity: Severity = "error", col: int = 1, hint: str = "",
            **args: Any) -> Diagnostic:
    """A diagnostic from the entry ``key`` of messages.yml ("code" or "code/variant"); ``hint`` names a
    shared hint (messages.yml: hints) that replaces the entry's own. Its text is kept in English too."""
    entry = settings.messages().codes[key]
    frozen = tuple(sorted((k, _frozen(v)) for k, v in args.items()))
    d = Diagnostic(path, line, severity, entry.code, "", "", col, key, frozen, hint)
    message, hint_text = render(d, "en", strict=True)
    return Diagnostic(path, line, severity, entry.code, message, hint_text, col, key, frozen, hint)


def render(d: Diagnostic, lang: str, strict: bool = False) -> tuple[str, str]:
    """A diagnostic's message and hint in ``lang``; text given as is (no entry) stays as written."""
    cat = settings.messages()
    entry = cat.codes.get(d.key) if d.key else None
    if entry is None:
        return d.message, d.hint
    args = dict(d.args)
    fmt = _Formatter(lang)
    if "where_entry" in args:  # a BibTeX value's problem: which entry and field it is in
        args["where"] = fmt.vformat(cat.texts["where-field"][lang], (), {"entry": args["where_entry"],
                                                                        "field": args.get("where_field", "")})
    elif "where_string" in args:
        args["where"] = fmt.vformat(cat.texts["where-string"][lang], (), {"name": args["where_string"]})
    hint = cat.hints[d.hint_key][lang] if d.hint_key in cat.hints else entry.hint[lang]
    try:
        return fmt.vformat(entry.message[lang], (), args), fmt.vformat(hint, (), args)
    except (KeyError, IndexError, ValueError):  # arguments missing: say it as it was made
        if strict:
            raise
        return d.message, d.hint


def text(key: str, lang: str, /, **args: Any) -> str:
    """A line a command prints (messages.yml: texts)."""
    return _Formatter(lang).vformat(settings.messages().texts[key][lang], (), args)


def relative(path, root) -> str:
    """A path as every output shows it: relative to the project root, POSIX separators."""
    return os.path.relpath(os.path.abspath(path), os.path.abspath(root)).replace(os.sep, "/")


def lang_from_environment(environ: Mapping[str, str] | None = None) -> str | None:
    """The language of the user's locale, read without ``locale``: 'fr_CA.UTF-8' -> 'fr', 'C' -> None."""
    environ = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(var, "")
        code = re.split(r"[_.@-]", value, maxsplit=1)[0].lower()
        if code in LANGS:
            return code
    return None


def ui_lang(asked: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The language for files that have none of their own: --lang, else the locale, else English."""
    return asked if asked in LANGS else (lang_from_environment(environ) or "en")


def lang_for(d: Diagnostic, default: str) -> str:
    """A document's diagnostics speak its language; every other file's, the default."""
    m = DOC_LANG.search(d.path)
    return m.group(1) if m and m.group(1) in LANGS else default


def counts(project: Project) -> dict[str, int]:
    """Files read, documents of each kind (by folder name: briefs, pilots) and literature entries."""
    out = {"files": len(project.files)}
    out.update({kind.folder: sum(1 for d in project.documents if d.kind == kind.name) for kind in KINDS})
    out["entries"] = len(project.literature.entries)
    return out


__all__ = ["FORMATS", "as_github", "as_json", "as_line", "as_text", "counts", "errors", "lang_for", "problem", "render",
           "summary", "text", "ui_lang"]


def summary(c: Mapping[str, int], diags: list[Diagnostic], lang: str = "en") -> str:
    """The last line of a report: errors, warnings and what was read (``counts``)."""
    n_err = len(errors(diags))
    return text("summary", lang, errors=n_err, warnings=len(diags) - n_err, files=c["files"], briefs=c["briefs"],
                pilots=c["pilots"], entries=c["entries"])


def as_line(d: Diagnostic, lang: str) -> str:
    """``path:line:col: severity: message [code]`` and the hint on the next line, in ``lang``."""
    message, hint = render(d, lang)
    return f"{d.path}:{d.line}:{d.col}: {d.severity}: {message} [{d.code}]\n    {text('hint', lang)}: {hint}"


def as_text(c: Mapping[str, int], diags: list[Diagnostic], lang: str | None = None) -> str:
    lang = ui_lang(lang)
    lines = [as_line(d, lang_for(d, lang)) for d in diags]
    lines.append(summary(c, diags, lang))
    return "\n".join(lines)


def as_json(c: Mapping[str, int], diags: list[Diagnostic], lang: str | None = None) -> str:
    lang = ui_lang(lang)
    out = []
    for d in diags:
        said = lang_for(d, lang)
        out.append(d.to_json(said, *render(d, said)))
    return json.dumps({"ok": not errors(diags), "counts": dict(c), "diagnostics": out},
                      ensure_ascii=False, indent=2)


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def as_github(c: Mapping[str, int], diags: list[Diagnostic], lang: str | None = None) -> str:
    """GitHub workflow commands: each diagnostic becomes an annotation on its file and line, in the
    language of that file (as in ``as_text``)."""
    lang = ui_lang(lang)
    lines = []
    for d in diags:
        message, hint = render(d, lang_for(d, lang))
        lines.append(f"::{'error' if d.severity == 'error' else 'warning'} file={_gh_escape(d.path, True)},line={d.line},"
                     f"col={d.col},title={_gh_escape(d.code, True)}::{_gh_escape(message + ' — ' + hint)}")
    lines.append(summary(c, diags, lang))
    return "\n".join(lines)


# each reads what was found and what was read (``counts``), not the project
FORMATS = {"text": as_text, "json": as_json, "github": as_github}


CATALOGUE_START = "<!-- messages.yml: start (generated by tests/test_messages.py; do not edit by hand) -->"
CATALOGUE_END = "<!-- messages.yml: end -->"
_CATALOGUE_HEAD = {"en": "| code and variant | message | hint |", "fr": "| code et variante | message | conseil |"}


def _cell(template: str) -> str:
    parts = [literal + (f"‹{name}›" if name is not None else "")
             for literal, name, _, _ in string.Formatter().parse(template)]
    return "".join(parts).replace("|", "\\|").replace("<", "&lt;").replace("*", "\\*").replace("_", "\\_")


def catalogue_markdown(lang: str) -> str:
    """Every message of messages.yml as a Markdown table in ``lang``, for CONTRIBUTING (‹name› marks what
    the message fills in), between the markers that the test keeping CONTRIBUTING in step looks for."""
    rows = [CATALOGUE_START, "", _CATALOGUE_HEAD[lang], "|---|---|---|"]
    for key, entry in sorted(settings.messages().codes.items()):
        rows.append(f"| `{key}` | {_cell(entry.message[lang])} | {_cell(entry.hint[lang])} |")
    return "\n".join(rows + ["", CATALOGUE_END])
