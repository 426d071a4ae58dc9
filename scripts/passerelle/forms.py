"""Issue form -> brief file.

Why: people without git propose a brief through a GitHub issue form; when a maintainer adds the
``accepted-submission`` label, a workflow turns the answers into a pull request. Every answer is
untrusted text: it reaches the front matter only through ``yaml.safe_dump`` and the Markdown body
only after HTML and Markdown block syntax are escaped, so it stays data and can never become code,
markup, a new front matter or a new section.

Usage: ``passerelle form EVENT_JSON_PATH --out content/briefs [--literature literature]``
(EVENT_JSON_PATH is the webhook event, ``$GITHUB_EVENT_PATH``, or a file holding the issue body).
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from . import report, settings
NO_RESPONSE = "_No response_"  # what GitHub writes for an optional field left empty
ID_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
BIBKEY_RE = re.compile(r"[A-Za-z0-9_:.+/-]+")
SAFE_SCHEMES = {"http", "https", "mailto"}
# a Markdown link or image target, or a reference definition, that names a URL scheme
LINK_SCHEME_RE = re.compile(r"\]\(\s*<?\s*([A-Za-z][A-Za-z0-9+.-]*):|^\s*\[[^\]]+\]:\s*<?\s*([A-Za-z][A-Za-z0-9+.-]*):", re.M)
ENTITY_RE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
BLOCK_START_RE = re.compile(r"^( {0,3})([#>=_*+~`-])")  # heading, quote, rule, fence, setext, list
# thematic breaks, fences, '---' and '+++' front-matter lines, and setext underlines (any '=' or '-' run)
CONTAINER_RE = re.compile(r"^(?: {0,3}(?:>|[-*+](?=\s)|\d{1,9}[.)](?=\s))[ \t]*)*")
RULE_RE = re.compile(r"^ {0,3}(?:=+|-+|(?:[-_*+~`]\s*){3,})\s*$")
# Python-Markdown cannot backslash-escape '=' and '~': a character reference breaks the syntax instead.
NEUTRAL = {"=": "&#61;", "~": "&#126;"}
MAX_ID = 80

# Labels of the fields that are not sections, exactly as in .github/ISSUE_TEMPLATE/propose-brief.yml.
# Section labels come from audiences.yml ("English heading / titre français").
META_LABELS = {
    "language": "Language / Langue",
    "id": "Brief id / Identifiant du résumé",
    "title": "Title / Titre",
    "summary": "Summary / Résumé",
    "sources": "Sources (BibTeX keys or entries) / Sources (clés ou notices BibTeX)",
    "audiences": "Audiences / Publics",
    "evidence_strength": "Evidence strength / Force des données probantes",
    "evidence_type": "Evidence type / Type de données probantes",
}


def _both(key: str, **args: Any) -> str:
    """A problem with a submission, in English then French: the form is answered in either language."""
    return f"{report.text(key, 'en', **args)}\n  {report.text(key, 'fr', **args)}"


class Refusal(Exception):
    """The answers cannot become a brief; ``problems`` says what to fix, one line each."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Submission:
    """A brief made from one issue: where it goes, its text, and BibTeX entries pasted with it."""

    id: str
    lang: str
    filename: str  # <id>.<lang>.md
    text: str
    sources: list[str]  # BibTeX keys cited
    bibtex: dict[str, str]  # key -> entry as pasted


def field_id(section: str) -> str:
    """Issue-form ids use underscores (key_messages); section ids use hyphens (key-messages)."""
    return section.replace("-", "_")


def field_labels() -> dict[str, str]:
    """Form field id -> label, the headings GitHub writes in the issue body."""
    model = settings.content_model()  # editors change audiences.yml; the form reader follows
    labels = dict(META_LABELS)
    for sid, core in model.core_sections.items():
        labels[field_id(sid)] = f"{core.heading.en} / {core.heading.fr}"
    for aid, aud in model.audiences.items():
        labels[field_id(aid)] = f"{aud.heading.en} / {aud.heading.fr}"
    return labels


def scaffold_headings(lang: str) -> dict[str, str]:
    """Section id -> heading line, read from the scaffold so a submitted brief matches `new brief`."""
    text = settings.scaffold("brief", lang)
    return {m.group(2): m.group(0) for m in re.finditer(r"^## (.+?) \{#([a-z0-9-]+)\}[ \t]*$", text, re.M)}


def issue_body(payload: str) -> tuple[str, dt.date | None]:
    """The issue body and creation date from a webhook event; a file that is not JSON is the body."""
    try:
        event = json.loads(payload)
    except ValueError:
        return payload, None
    issue = event.get("issue") if isinstance(event, dict) else None
    if not isinstance(issue, dict) or not isinstance(issue.get("body"), str):
        raise Refusal([_both("form-no-body")])
    created = issue.get("created_at")
    try:
        day = dt.date.fromisoformat(str(created)[:10]) if created else None
    except ValueError:
        day = None
    return issue["body"], day


def parse_answers(body: str, labels: dict[str, str]) -> dict[str, str]:
    """Split the issue body on the known '### Label' headings; any other text stays in the answer."""
    by_label = {label: fid for fid, label in labels.items()}
    answers: dict[str, list[str]] = {}
    problems: list[str] = []
    current: str | None = None
    for line in body.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        m = re.fullmatch(r"###[ \t]+(.+?)[ \t]*", line)
        if m and m.group(1) in by_label:
            current = by_label[m.group(1)]
            if current in answers:
                problems.append(_both("form-twice", label=m.group(1)))
            answers[current] = []
        elif current is not None:
            answers[current].append(line)
    if problems:
        raise Refusal(problems)
    out = {}
    for fid, lines in answers.items():
        value = "\n".join(lines).strip()
        out[fid] = "" if value == NO_RESPONSE else value
    return out


def option_keys(value: str) -> list[str]:
    """Keys of chosen options: options read 'Label / Libellé (key)'; a bare key is accepted too."""
    keys = re.findall(r"\(([a-z0-9-]+)\)", value)
    return keys or [t.lower() for t in re.split(r"[,;\s]+", value) if t]


def ticked(value: str) -> list[str]:
    """Keys of the ticked boxes in a checkboxes answer ('- [X] Label (key)')."""
    return [k for line in value.splitlines() if re.match(r"\s*[-*] \[[xX]\]", line) for k in option_keys(line)]


def clean(text: str) -> str:
    """Unix newlines, no control characters: what every answer goes through first."""
    return CONTROL_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def one_line(text: str) -> str:
    """Title and summary are one line in the front matter, whatever the form allowed."""
    return " ".join(clean(text).split())


def escape_markdown(text: str) -> str:
    """Inert Markdown: no raw HTML, no headings, rules, fences or front-matter lines, no attr_list.

    '\\' is doubled first (so no later escape can be undone), a character reference loses its '&'
    (so '&#106;avascript:' cannot hide a scheme), '<' becomes '&lt;' (tags, autolinks and '--8<--'
    snippets stop working), '{' becomes '&#123;' (no '{: onclick=...}' or '{#id}'), and a line
    that would open a heading, a fence, a rule, a setext heading or a front matter ('---') gets its
    first character escaped.
    """
    text = ENTITY_RE.sub("&amp;", clean(text).replace("\\", "\\\\"))
    text = text.replace("<", "&lt;").replace("{", "&#123;")
    lines = []
    for line in text.split("\n"):
        # a quote or list marker opens a container whose content may itself start a heading or a rule
        # ('>#', '- ---'): look past the markers, keep them, and neutralise what follows
        prefix = CONTAINER_RE.match(line).group()
        rest = line[len(prefix):]
        if RULE_RE.match(rest) or re.match(r"^ {0,3}(#|```|~~~)", rest):
            rest = BLOCK_START_RE.sub(lambda m: m.group(1) + NEUTRAL.get(m.group(2), "\\" + m.group(2)), rest, count=1)
        lines.append(prefix + rest)
    return "\n".join(lines)


def unsafe_links(text: str) -> list[str]:
    """Link schemes other than http, https and mailto (javascript:, data:, file:...)."""
    return sorted({(a or b).lower() for a, b in LINK_SCHEME_RE.findall(text)} - SAFE_SCHEMES)


def bullets(text: str) -> str:
    """Key messages: every non-empty line becomes one '- ' bullet, whatever marker it had."""
    items = [re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", line) for line in clean(text).split("\n") if line.strip()]
    return "\n".join(f"- {escape_markdown(item)}" for item in items)


def bibtex_blocks(text: str) -> tuple[dict[str, str], list[str]]:
    """Entries pasted in the Sources answer: key -> entry text (braces balanced), and problems."""
    entries: dict[str, str] = {}
    problems: list[str] = []
    for m in re.finditer(r"@([A-Za-z]+)\s*([{(])", text):
        kind, opener = m.group(1).lower(), m.group(2)
        closer = "}" if opener == "{" else ")"
        depth, end = 0, None
        for i in range(m.end() - 1, len(text)):
            depth += {opener: 1, closer: -1}.get(text[i], 0)
            if depth == 0:
                end = i + 1
                break
        if end is None:
            problems.append(_both("form-bib-braces", type=m.group(1)))
            continue
        if kind in {"comment", "string", "preamble"}:
            continue
        km = re.match(r"\s*([^,\s]+)\s*,", text[m.end():end])
        if not km or not BIBKEY_RE.fullmatch(km.group(1)):
            problems.append(_both("form-bib-key", type=m.group(1), kind=kind))
            continue
        entries[km.group(1)] = text[m.start():end]
    return entries, problems


def parse_sources(value: str) -> tuple[list[str], dict[str, str], list[str]]:
    """BibTeX keys cited, entries pasted (key -> text), and problems."""
    value = clean(value)
    if not value:
        return [], {}, [_both("form-sources-none")]
    if re.search(r"@[A-Za-z]+\s*[{(]", value):
        entries, problems = bibtex_blocks(value)
        if not entries and not problems:
            problems.append(_both("form-sources-no-entry"))
        return list(entries), entries, problems
    keys = [k for k in re.split(r"[,;\s]+", value) if k]
    bad = [k for k in keys if not BIBKEY_RE.fullmatch(k)]
    problems = [_both("form-sources-bad-key", key=k) for k in bad]
    return [k for k in keys if k not in bad], {}, problems


def schema_problems(meta: dict[str, Any], labels: dict[str, str]) -> list[str]:
    """The front matter against the schema `passerelle check` uses, so a PR is not born failing."""
    data = json.loads(json.dumps(meta, default=str))  # dates as YYYY-MM-DD, as the schema expects
    problems = []
    for err in jsonschema.Draft202012Validator(settings.schema("brief")).iter_errors(data):
        key = str(err.path[0]) if err.path else ""
        label = labels.get({"evidence": "evidence_type"}.get(key, key), key or "Front matter")
        problems.append(f"{label}: {err.message}.")
    return sorted(problems)


def _identity(answers: dict[str, str], labels: dict[str, str], problems: list[str]) -> tuple[str, str, str, str]:
    """Language, id, title and summary, each problem added to ``problems``."""
    langs = [k for k in option_keys(answers.get("language", "")) if k in ("en", "fr")]
    if len(langs) != 1:
        problems.append(_both("form-language"))
    brief_id = clean(answers.get("id", ""))
    if not ID_RE.fullmatch(brief_id) or len(brief_id) > MAX_ID:
        problems.append(_both("form-id", id=one_line(brief_id)[:MAX_ID], max=MAX_ID))
    title, summary = one_line(answers.get("title", "")), one_line(answers.get("summary", ""))
    for name, value in (("title", title), ("summary", summary)):
        if not value:
            problems.append(_both("form-required", label=labels[name]))
    return (langs[0] if len(langs) == 1 else "en"), brief_id, title, summary


def _audiences_and_evidence(answers: dict[str, str], model: settings.ContentModel,
                            problems: list[str]) -> tuple[list[str], list[str], list[str]]:
    """The ticked audiences (in the model's order), the evidence strength and types."""
    audiences = [a for a in model.audiences if a in ticked(answers.get("audiences", ""))]
    unknown = [a for a in ticked(answers.get("audiences", "")) if a not in model.audiences]
    if unknown:
        problems.append(_both("form-audience-unknown", unknown=", ".join(unknown), allowed=", ".join(model.audiences)))
    if len(audiences) < 3:
        problems.append(_both("form-audiences-three"))
    strengths = [k for k in option_keys(answers.get("evidence_strength", "")) if k in model.evidence_strength]
    if len(strengths) != 1:
        problems.append(_both("form-strength", allowed=", ".join(model.evidence_strength)))
    types = list(dict.fromkeys(k for k in option_keys(answers.get("evidence_type", "")) if k in model.evidence_types))
    if not types:
        problems.append(_both("form-type", allowed=", ".join(model.evidence_types)))
    return audiences, strengths, types


def _sections(answers: dict[str, str], wanted: list[str], lang: str, model: settings.ContentModel,
              labels: dict[str, str], problems: list[str]) -> list[str]:
    """Each wanted section as Markdown under its scaffold heading, the answer escaped."""
    headings = scaffold_headings(lang)
    body = []
    for sid in wanted:
        text = answers.get(field_id(sid), "")
        label = labels[field_id(sid)]
        if not clean(text):
            why = "form-required-audience" if sid in model.audiences else "form-required-section"
            problems.append(_both(why, label=label))
            continue
        schemes = unsafe_links(text)
        if schemes:
            problems.append(_both("form-links", label=label, found=", ".join(x + ":" for x in schemes)))
        body.append(f"{headings[sid]}\n\n{bullets(text) if sid == 'key-messages' else escape_markdown(text)}\n")
    return body


def build_brief(answers: dict[str, str], published: dt.date) -> Submission:
    """Answers -> brief file text, or Refusal listing every answer to fix."""
    model = settings.content_model()  # editors change audiences.yml; the form reader follows
    problems: list[str] = []
    labels = field_labels()
    lang, brief_id, title, summary = _identity(answers, labels, problems)
    sources, bibtex, source_problems = parse_sources(answers.get("sources", ""))
    problems += source_problems
    audiences, strengths, types = _audiences_and_evidence(answers, model, problems)
    body = _sections(answers, [*model.core_sections, *audiences], lang, model, labels, problems)
    if problems:
        raise Refusal(problems)
    meta = {
        "id": brief_id, "type": "brief", "title": title, "summary": summary, "sources": sources,
        "audiences": audiences, "published": published,
        "evidence": {"strength": strengths[0], "type": types},
    }
    problems = schema_problems(meta, labels)
    if problems:
        raise Refusal(problems)
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100_000, default_flow_style=None)
    text = f"---\n{front}---\n\n" + "\n".join(body)
    return Submission(id=brief_id, lang=lang, filename=f"{brief_id}.{lang}.md", text=text,
                      sources=sources, bibtex=bibtex)


def known_keys(literature: Path) -> set[str]:
    """BibTeX keys already under literature/, lowercased (BibTeX matches keys case-insensitively)."""
    keys: set[str] = set()
    for bib in sorted(literature.glob("*.bib")):
        text = bib.read_text(encoding="utf-8", errors="replace")
        keys |= {k.lower() for k in re.findall(r"@[A-Za-z]+\s*[{(]\s*([^,\s]+)\s*,", text)}
    return keys


def write(sub: Submission, out: Path, literature: Path) -> list[Path]:
    """Write the brief (and new pasted BibTeX entries); refuse to overwrite or to cite unknown keys."""
    target = out / sub.filename
    known = known_keys(literature)
    problems = []
    if target.exists():
        problems.append(_both("form-exists", id=sub.id, path=target.as_posix()))
    new = {k: v for k, v in sub.bibtex.items() if k.lower() not in known}
    missing = [k for k in sub.sources if k.lower() not in known and k not in sub.bibtex]
    if missing:
        problems.append(_both("form-sources-missing", keys=", ".join(missing)))
    if problems:
        raise Refusal(problems)
    out.mkdir(parents=True, exist_ok=True)
    target.write_text(sub.text, encoding="utf-8")
    written = [target]
    if new:
        bib = literature / f"submitted-{sub.id}.bib"
        previous = bib.read_text(encoding="utf-8") + "\n" if bib.exists() else ""
        literature.mkdir(parents=True, exist_ok=True)
        bib.write_text(previous + "\n\n".join(new.values()) + "\n", encoding="utf-8")
        written.append(bib)
    return written
