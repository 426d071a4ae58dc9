"""Audience handouts as DOCX: real bundled briefs, both languages, identical bytes on every build."""
from __future__ import annotations

import datetime as dt
import html
import io
import re
import struct
import zipfile
import zlib
import pytest

from passerelle.exports import citations, handouts
from passerelle.load import load_project

from conftest import REPO


@pytest.fixture(scope="module")
def bundled():
    project = load_project(REPO)
    docs = {d.path.rsplit("/", 1)[1]: d for d in project.documents}
    return project, docs


def _docx(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        return {name: z.read(name).decode("utf-8") for name in z.namelist() if name.endswith(".xml")}


def _text(xml: str) -> str:
    return html.unescape("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml)))


def _png() -> bytes:
    """A valid 1x1 PNG, which pandoc would embed if it were allowed to read images."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


@pytest.mark.parametrize("name, audience, heading, phrase", [
    ("data-sharing-culture.en.md", "frontline", "For front-line workers", "Collect only what you need"),
    ("data-sharing-culture.fr.md", "managers", "Pour les gestionnaires", "Ce qu'il faut retenir"),
])
def test_handout_of_a_real_brief(bundled, name, audience, heading, phrase):
    project, docs = bundled
    doc = docs[name]
    entries = [project.literature.get(k) for k in doc.meta["sources"]]
    refs = citations.format_citations(entries, doc.lang)
    md = handouts.handout_markdown(doc, audience, [refs[e.key] for e in entries])
    assert "<!--" not in md and "{#" not in md
    published = dt.date.fromisoformat(str(doc.meta["published"]))
    data = handouts.audience_handout_docx(md, doc.meta["title"], doc.lang, published)
    assert data == handouts.audience_handout_docx(md, doc.meta["title"], doc.lang, published)  # deterministic
    xml = _docx(data)
    text = _text(xml["word/document.xml"])
    assert doc.meta["title"] in text
    assert heading in text and phrase.replace("'", "’") in text.replace("'", "’")
    assert "Settlement 2.0 Project: Situational Analysis" in text  # the source, as formatted
    lang = {"en": "en-CA", "fr": "fr-CA"}[doc.lang]
    assert f'w:val="{lang}"' in xml["word/styles.xml"] and f"<dc:language>{lang}</dc:language>" in xml["docProps/core.xml"]
    assert f"{published.isoformat()}T00:00:00Z" in xml["docProps/core.xml"]  # SOURCE_DATE_EPOCH, not today


def test_handout_is_inert_and_reads_no_files(tmp_path, monkeypatch):
    (tmp_path / "secret.png").write_bytes(_png())
    monkeypatch.chdir(tmp_path)
    md = "## Key\n\n- a *point* <script>alert(1)</script>\n\n![secret](secret.png)\n\n![ref][r]\n\n[r]: secret.png\n"
    data = handouts.audience_handout_docx(md, "Title <b>with</b> *stars*", "en")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert not [n for n in z.namelist() if n.startswith("word/media/")]  # no image read from disk
    xml = _docx(data)
    assert "a point <script>alert(1)</script>" in _text(xml["word/document.xml"])  # shown as text, inert
    assert "Title <b>with</b> *stars*" in _text(xml["word/document.xml"])  # the title is text, not markup
    assert handouts.audience_handout_docx(md, "T", "en") != handouts.audience_handout_docx(md, "T", "en", dt.date(2026, 1, 1))
