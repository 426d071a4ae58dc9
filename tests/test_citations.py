"""Reference exports and formatted citations, on the real seed literature and on hard entries."""
from __future__ import annotations

import json
import re
from pathlib import Path

import bibtexparser
import markdown
import pytest

from passerelle.exports import citations
from passerelle.markup import from_pandoc
from passerelle.literature import load_literature

from conftest import REPO

RIS_LINE = re.compile(r"^[A-Z][A-Z0-9]  - ")


@pytest.fixture(scope="module")
def seeds():
    lit = load_literature(REPO)
    return [lit.entries["peacegeeks2019settlement"], lit.entries["nsct2022mobilizing"]]


def _lib(tmp_path: Path, text: str):
    (tmp_path / "literature").mkdir(parents=True, exist_ok=True)
    (tmp_path / "literature" / "refs.bib").write_text(text, encoding="utf-8")
    lit = load_literature(tmp_path)
    assert not [d for d in lit.diagnostics if d.severity == "error"], lit.diagnostics
    return lit


HARD = r"""
@string{ircc = {Immigration, Refugees and Citizenship Canada}}
@string{dept = ircc # { (IRCC)}}
@article{tremblay2020,
  author = {Tremblay, Jean-Fran{\c c}ois and {\'E}mile de la Roche and Smith, Jr., John},
  title = {Newcomers \& settlement: a 50\% answer},
  journal = {Canadian Ethnic Studies}, volume = 52, number = 3, pages = {1--24},
  year = 2020, month = sep, doi = {10.1353/ces.2020.0001}
}
@techreport{ircc2021,
  author = {{Immigration and Refugee Board} and {Smith and Sons Consulting}},
  title = {Annual report}, institution = dept, year = {2021}
}
"""


def test_csl_json_of_the_seeds(seeds):
    items = json.loads(json.dumps([citations.to_csl_json(e) for e in seeds]))
    pg, ns = items
    assert pg["id"] == "peacegeeks2019settlement" and pg["type"] == "report"
    assert pg["author"] == [{"literal": "PeaceGeeks Society"}]  # one corporate name, not given + family
    assert pg["issued"] == {"date-parts": [[2019, 3]]}  # month = mar
    assert pg["publisher"] == "PeaceGeeks Society" and pg["title"] == "Settlement 2.0 Project: Situational Analysis"
    assert "IRCC" in pg["note"]
    assert ns["type"] == "webpage" and ns["issued"] == {"date-parts": [[2022, 7]]}
    assert ns["author"] == [{"literal": "National Steering Committee on Technology"}]
    assert ns["URL"].startswith("https://km4s.ca/2022/07/")


def test_csl_json_names_types_and_macros(tmp_path):
    lit = _lib(tmp_path, HARD)
    art = citations.to_csl_json(lit.entries["tremblay2020"])
    assert art["type"] == "article-journal" and art["container-title"] == "Canadian Ethnic Studies"
    assert art["author"] == [{"family": "Tremblay", "given": "Jean-François"},
                             {"family": "Roche", "given": "Émile", "non-dropping-particle": "de la"},
                             {"family": "Smith", "given": "John", "suffix": "Jr."}]
    assert art["title"] == "Newcomers & settlement: a 50% answer"
    assert (art["issue"], art["volume"], art["page"], art["DOI"]) == ("3", "52", "1–24", "10.1353/ces.2020.0001")
    assert art["issued"] == {"date-parts": [[2020, 9]]}
    rep = citations.to_csl_json(lit.entries["ircc2021"])
    assert rep["author"] == [{"literal": "Immigration and Refugee Board"}, {"literal": "Smith and Sons Consulting"}]
    assert rep["publisher"] == "Immigration, Refugees and Citizenship Canada (IRCC)"  # through two macros


def test_ris_records(seeds, tmp_path):
    lit = _lib(tmp_path, HARD)
    for entry in [*seeds, *lit.entries.values()]:
        ris = citations.to_ris(entry)
        assert ris.endswith("ER  - \r\n") and "\n" not in ris.replace("\r\n", "")
        lines = ris.split("\r\n")[:-1]
        assert lines[0].startswith("TY  - ") and lines[-1] == "ER  - "
        assert all(RIS_LINE.match(line) for line in lines), lines
    pg = citations.to_ris(seeds[0]).split("\r\n")
    assert {"TY  - RPRT", "AU  - PeaceGeeks Society", "PY  - 2019", "DA  - 2019/03//",
            "PB  - PeaceGeeks Society"} <= set(pg)
    assert "TY  - ELEC" in citations.to_ris(seeds[1])
    art = citations.to_ris(lit.entries["tremblay2020"]).split("\r\n")
    assert {"TY  - JOUR", "AU  - Tremblay, Jean-François", "AU  - de la Roche, Émile", "AU  - Smith, John, Jr.",
            "SP  - 1", "EP  - 24", "IS  - 3", "DO  - 10.1353/ces.2020.0001"} <= set(art)


def test_bibtex_export_parses_back_with_its_macros(seeds, tmp_path):
    text = citations.to_bibtex(seeds)
    lib = bibtexparser.parse_string(text)
    assert not lib.failed_blocks
    assert [e.key for e in lib.entries] == ["peacegeeks2019settlement", "nsct2022mobilizing"]

    lit = _lib(tmp_path, HARD)
    text = citations.to_bibtex([lit.entries["ircc2021"]], lit.strings)
    assert text.index("@string{ircc") < text.index("@string{dept") < text.index("@techreport")
    lib = bibtexparser.parse_string(text)
    assert not lib.failed_blocks and [e.key for e in lib.entries] == ["ircc2021"]
    back = _lib(tmp_path / "back", text).entries["ircc2021"]  # bibtexparser leaves '#' to the reader
    assert back.fields["institution"] == "Immigration, Refugees and Citizenship Canada (IRCC)"
    alone = citations.to_bibtex([lit.entries["tremblay2020"]], lit.strings)
    assert "@string" not in alone  # only the macros an entry uses


def test_formatted_citations_in_both_languages(seeds):
    en = citations.format_citations(seeds, "en")
    fr = citations.format_citations(seeds, "fr")
    assert set(en) == set(fr) == {"peacegeeks2019settlement", "nsct2022mobilizing"}
    for refs in (en, fr):
        assert "Settlement 2.0 Project: Situational Analysis" in refs["peacegeeks2019settlement"]
        assert "2019" in refs["peacegeeks2019settlement"] and "2022" in refs["nsct2022mobilizing"]
        assert "<https://km4s.ca/2022/07/" in refs["nsct2022mobilizing"]
    # French typography and terms where they differ: guillemets and the month's name.
    assert "« Mobilizing Knowledge in the Immigrant and Refugee-serving Sector »" in fr["nsct2022mobilizing"]
    assert "juillet" in fr["nsct2022mobilizing"] and "July" not in fr["nsct2022mobilizing"]
    assert "“Mobilizing Knowledge" in en["nsct2022mobilizing"] and "July" in en["nsct2022mobilizing"]
    assert citations.format_citations(seeds, "en") == en  # deterministic


def test_french_terms_for_access_and_missing_dates(seeds, tmp_path):
    """Chicago shows the access date of an undated web page: the terms must follow the language."""
    raw = seeds[1].raw.replace("date    = {2022-07},", "urldate = {2024-05-02},")
    entry = _lib(tmp_path, raw).entries["nsct2022mobilizing"]
    fr = citations.format_citations([entry], "fr")["nsct2022mobilizing"]
    en = citations.format_citations([entry], "en")["nsct2022mobilizing"]
    assert "s. d." in fr and "Consulté le 2 mai 2024" in fr
    assert "n.d." in en and "Accessed May 2, 2024" in en


def test_formatted_citations_are_inert_markdown(tmp_path):
    lit = _lib(tmp_path, r"""@online{evil,
  author = {Doe, Jane}, year = 2021, url = {javascript:alert(1)},
  title = {Costs \$5 <script>alert(1)</script> {onclick=alert(1)} [x](javascript:alert(2)) *star* me@x.org}
}""")
    text = from_pandoc(citations.format_citations(lit.entries.values(), "fr")["evil"])  # as the pages write it
    html = markdown.markdown(text, extensions=["attr_list", "md_in_html", "tables", "abbr"])
    assert "<script" not in html and "<a" not in html  # the javascript: URL is dropped, the [x](...) is text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "[x](javascript:alert(2))" in html
    assert "*star*" in html and "$5" in html and "me@x.org" in html
    assert "\\" not in html  # no backslash left visible by an escape Python-Markdown does not know
