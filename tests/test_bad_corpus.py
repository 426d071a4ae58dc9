"""The bad-input corpus (tests/bad_inputs/cases.yml): each bad submission, dropped into a valid project,
gets `passerelle check` to name the file and the line with a hint; each unusual-but-valid one passes."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import check_json, minimal_brief

CORPUS = Path(__file__).with_name("bad_inputs")
CASES = yaml.safe_load((CORPUS / "cases.yml").read_text(encoding="utf-8"))
WORDS = re.compile(r"\{words: (\d+)\}")


def _words(text: str) -> str:
    return WORDS.sub(lambda m: " ".join(["word"] * int(m.group(1))), text)


def _set_field(text: str, field: str, raw: str) -> str:
    """Replace a front-matter field's line with raw YAML (or add it after 'type:')."""
    line = re.compile(rf"^{re.escape(field)}:.*$", re.M)
    new = f"{field}: {raw}" if raw else f"{field}:"
    if line.search(text):
        return line.sub(lambda _: new, text, count=1)
    return text.replace("\ntype: brief\n", f"\ntype: brief\n{new}\n", 1)


def build_file(spec: dict) -> bytes:
    """The bytes of one file of a case, from its spec (see the header of cases.yml)."""
    if "file" in spec:
        return (CORPUS / "files" / spec["file"]).read_bytes()
    if "zeros" in spec:
        return b"\x89PNG\r\n\x1a\n" + bytes(spec["zeros"] - 8)
    if "brief" in spec:
        text = minimal_brief(spec["brief"])
        for field, raw in (spec.get("set") or {}).items():
            text = _set_field(text, field, str(raw))
        for field in spec.get("unset") or []:
            text = re.sub(rf"^{re.escape(field)}:.*\n", "", text, count=1, flags=re.M)
        for old, new in spec.get("replace") or []:
            assert old in text, f"replace: {old!r} is not in the test brief"
            text = text.replace(old, _words(new), 1)
        if "prepend_meta" in spec:
            text = text.replace("---\n", f"---\n{spec['prepend_meta']}\n", 1)
        text = spec.get("prepend", "") + text + _words(spec.get("append", ""))
    else:
        text = spec["text"]
    if spec.get("pad_to"):
        filler = "padding " * (spec["pad_to"] // 8 + 1 - len(text) // 8)
        text += f"\n<!-- {filler} -->\n" if spec.get("pad_in_comment") else filler
        if spec.get("pad_in_comment"):  # just under the limit: trim the comment to fit
            text = text[: spec["pad_to"] - 5].rstrip() + " -->\n"
    if spec.get("crlf"):
        text = text.replace("\n", "\r\n")
    if spec.get("cr"):
        text = text.replace("\n", "\r")
    data = text.encode(spec.get("encoding", "utf-8"))
    if spec.get("bom"):
        data = b"\xef\xbb\xbf" + data
    return data + spec.get("then_bytes", "").encode("latin-1")


def apply(project: Path, case: dict) -> dict[str, bytes]:
    written = {}
    for rel, spec in case["files"].items():
        target = project / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        written[rel] = build_file(spec)
        target.write_bytes(written[rel])
    return written


def expected_line(data: bytes, expect: dict) -> int:
    if "line" in expect:
        return expect["line"]
    text = data.decode("utf-8", errors="replace") if not data.startswith(b"\xff\xfe") else data.decode("utf-16")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        return next(i for i, line in enumerate(text.split("\n"), 1) if expect["needle"] in line)
    except StopIteration:
        text = data.decode("latin-1")
        return next(i for i, line in enumerate(text.split("\n"), 1) if expect["needle"] in line)


def _marked(case: dict):
    marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if case.get("xfail") else []
    return pytest.param(case, id=case["id"], marks=marks)


@pytest.mark.parametrize("case", [_marked(c) for c in CASES["must_fail"]])
def test_bad_input_is_named(project: Path, case: dict):
    written = apply(project, case)
    rc, data = check_json(project)
    expect = case["expect"]
    path = expect.get("path", next(iter(case["files"])))
    line = expected_line(written[path], expect)
    severity = expect.get("severity", "error")
    assert rc == case.get("exit", 1), [(d["path"], d["line"], d["code"]) for d in data["diagnostics"] if d["severity"] == "error"]
    hits = [d for d in data["diagnostics"] if d["code"] == expect["code"] and d["severity"] == severity and d["path"] == path]
    assert hits, f"no {severity} {expect['code']} on {path}: {[(d['path'], d['line'], d['code']) for d in data['diagnostics']]}"
    assert any(d["line"] == line for d in hits), f"{expect['code']} not at line {line}: {[d['line'] for d in hits]}"
    assert all(d["hint"].strip() and d["message"].strip() for d in hits)


@pytest.mark.parametrize("case", CASES["must_pass"], ids=[c["id"] for c in CASES["must_pass"]])
def test_unusual_but_valid_input_passes(project: Path, case: dict):
    apply(project, case)
    rc, data = check_json(project)
    assert rc == 0, [(d["path"], d["line"], d["code"], d["message"]) for d in data["diagnostics"] if d["severity"] == "error"]
    written = set(case["files"])
    assert data["counts"]["briefs"] >= 2 and written <= set(_files(project))


def _files(project: Path) -> list[str]:
    return [p.relative_to(project).as_posix() for d in ("content", "literature") for p in (project / d).rglob("*") if p.is_file()]


def test_corpus_size_and_limits():
    """The corpus is large enough to mean something, and its limits are the code's limits."""
    from passerelle import load

    assert len(CASES["must_fail"]) >= 60 and len(CASES["must_pass"]) >= 10
    assert len({c["id"] for c in CASES["must_fail"] + CASES["must_pass"]}) == len(CASES["must_fail"]) + len(CASES["must_pass"])
    header = (CORPUS / "cases.yml").read_text(encoding="utf-8")
    assert f"{load.MAX_DOC_BYTES:,}" in header and f"{load.MAX_MEDIA_BYTES:,}" in header
    print(f"\nbad-input corpus: {len(CASES['must_fail'])} bad cases "
          f"({sum(1 for c in CASES['must_fail'] if c.get('exit', 1) == 1)} errors, "
          f"{sum(1 for c in CASES['must_fail'] if c.get('exit', 1) == 0)} warnings), {len(CASES['must_pass'])} must-pass")
