"""Readability formulas, Markdown stripping and target checks, on hand-computed and real text."""
from pathlib import Path

import pytest

from conftest import REPO, SEED_000, shared_file
import yaml

from passerelle import readability as r

AUDIENCES = yaml.safe_load((Path(r.__file__).parent / "data" / "audiences.yml").read_text(encoding="utf-8"))


def seed_paragraphs() -> list[str]:
    text = shared_file(SEED_000).read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines()]
    return [line for line in lines if len(line.split()) > 40 and line.endswith(".") and line[0].isalpha()]


def test_formulas_match_hand_computation():
    # 100 words, 5 sentences, 150 syllables, 30 long words.
    assert r.fk_grade(100, 5, 150) == pytest.approx(0.39 * 20 + 11.8 * 1.5 - 15.59)  # 9.91
    assert r.fk_grade(100, 5, 150) == pytest.approx(9.91)
    assert r.kandel_moles(100, 5, 150) == pytest.approx(207 - 1.015 * 20 - 73.6 * 1.5)  # 76.3
    assert r.kandel_moles(100, 5, 150) == pytest.approx(76.3)
    assert r.lix(100, 5, 30) == pytest.approx(50.0)


def test_one_syllable_sentence_in_both_languages():
    en = r.measure("The cat sat on the mat.", "en")
    assert (en["words"], en["sentences"]) == (6, 1)
    assert en["metrics"]["fk_grade"] == pytest.approx(0.39 * 6 + 11.8 * 1 - 15.59, abs=0.01)  # -1.45
    assert en["metrics"]["lix"] == pytest.approx(6.0)
    fr = r.measure("Le chat dort.", "fr")
    assert fr["metrics"]["kandel_moles"] == pytest.approx(207 - 1.015 * 3 - 73.6 * 1, abs=0.01)  # 130.355
    assert fr["metrics"]["lix"] == pytest.approx(3.0)


def test_syllables_and_long_words_counted_from_pyphen():
    assert r.syllables("immigration", "en") == 4
    assert r.syllables("formation", "fr") == 3
    rep = r.measure("Immigration matters. We help.", "en")
    # 4 words, 2 sentences, 4 + 2 + 1 + 1 = 8 syllables, two words over six letters.
    assert (rep["words"], rep["sentences"]) == (4, 2)
    assert rep["metrics"]["fk_grade"] == pytest.approx(0.39 * 2 + 11.8 * 2 - 15.59, abs=0.01)
    assert rep["metrics"]["lix"] == pytest.approx(2 + 100 * 2 / 4)


def test_french_never_gets_flesch_kincaid():
    rep = r.measure("Les personnes réfugiées suivent des cours de langue.", "fr")
    assert set(rep["metrics"]) == {"kandel_moles", "lix"}
    assert set(r.measure("Newcomers take language classes.", "en")["metrics"]) == {"fk_grade", "lix"}


def test_markdown_syntax_is_stripped_before_measuring():
    md = ("---\nid: x\ntitle: \"Front matter is not prose\"\n---\n\n"
          "## What you need to know {#key-messages}\n\n<!-- an editor's note\nover two lines -->\n\n"
          "- **Language classes** help [newcomers](https://example.org/a-very-long-url) find work.\n"
          "* _Staff_ use `forms` daily.\n")
    plain = r.to_plain(md).text
    for junk in ("##", "{#", "**", "](", "https", "<!--", "editor", "`", "Front matter", "- ", "* "):
        assert junk not in plain
    assert "Language classes help newcomers find work." in plain
    same = r.measure("Language classes help newcomers find work.\n\nStaff use forms daily.\n", "en")
    rep = r.measure(md, "en")
    assert (rep["words"], rep["sentences"], rep["metrics"]) == (same["words"], same["sentences"], same["metrics"])


def test_sentences_survive_abbreviations_and_keep_source_lines():
    md = "Intro line.\n\nAgencies in B.C. and Ont. use tools, e.g. chat apps. Dr. Lee agrees. Fine.\n"
    sents = r.split_sentences(r.to_plain(md))
    assert [s.text for s in sents] == ["Intro line.", "Agencies in B.C. and Ont. use tools, e.g. chat apps.",
                                       "Dr. Lee agrees.", "Fine."]
    assert [s.line for s in sents] == [1, 3, 3, 3]


def test_per_section_report_and_hardest_sentences_on_real_text():
    paras = seed_paragraphs()
    hard = max(paras[:40], key=lambda p: len(p.split()))
    md = (f"## What you need to know {{#key-messages}}\n\n- Staff need time to learn new tools.\n\n"
          f"## What did they find? {{#findings}}\n\n{hard}\n")
    rep = r.measure(md, "en")
    assert [s["id"] for s in rep["sections"]] == ["key-messages", "findings"]
    assert rep["sections"][0]["heading"] == "What you need to know"
    easy, found = rep["sections"][0], rep["sections"][1]
    assert easy["metrics"]["fk_grade"] < found["metrics"]["fk_grade"]
    assert rep["avg_sentence_length"] == pytest.approx(rep["words"] / rep["sentences"], abs=0.01)
    top = rep["hardest_sentences"][0]
    assert top["section"] == "findings" and top["line"] == 7 and top["text"] in hard
    scores = [h["score"] for h in rep["hardest_sentences"]]
    assert scores == sorted(scores, reverse=True)


def test_targets_from_audiences_flag_hard_text_with_its_sentences():
    frontline = AUDIENCES["audiences"]["frontline"]
    assert r.check_text("We help you find a job. Come to our office on Monday.", "en", frontline) == []
    hard = " ".join(seed_paragraphs()[:5])
    misses = r.check_text(hard, "en", frontline)
    assert {m.metric for m in misses} >= {"en_grade", "lix"}
    grade = next(m for m in misses if m.metric == "en_grade")
    assert grade.value > grade.target == 8 and grade.sentences and grade.sentences[0].text in hard


def test_french_targets_use_kandel_moles_minimum():
    frontline = AUDIENCES["audiences"]["frontline"]
    assert r.check_text("Nous vous aidons. Venez lundi.", "fr", frontline) == []
    hard = ("L'institutionnalisation des mécanismes intersectoriels de gouvernance collaborative nécessite "
            "une reconfiguration substantielle des responsabilités administratives, financières et organisationnelles "
            "des organisations communautaires subventionnées.")
    misses = r.check_text(hard, "fr", frontline)
    km = next(m for m in misses if m.metric == "fr_kandel_moles")
    assert km.value < km.target == 60
    assert "en_grade" not in {m.metric for m in misses}


def test_reference_sections_are_not_measured():
    body = "We help you find a job.\n"
    with_refs = body + "\n## References\n\nSmith, J. (2019). Institutionalization of intersectoral governance. Toronto.\n"
    assert r.measure(with_refs, "en")["words"] == r.measure(body, "en")["words"]


def test_unknown_language_is_refused():
    with pytest.raises(ValueError):
        r.measure("Hallo Welt.", "de")


def test_measures_kept_in_memory_are_bounded_and_the_rest_read_from_the_cache(tmp_path, monkeypatch):
    """The process keeps its last measures (check and a document's pages measure the same parts), not every
    one of the build: at 3,000 briefs that was 32 MB to the end of the build. Older ones come from the cache."""
    from passerelle import cache
    from passerelle.load import load_project

    texts = [s.body for d in load_project(REPO).documents for s in d.sections if s.body.strip()]
    monkeypatch.setattr(r, "RECENT_MEASURES", 10)
    monkeypatch.setattr(r, "_recent", {})
    store = cache.Cache(tmp_path / "readability", ".json")
    monkeypatch.setattr(r, "_measured", store)
    first = [r.measure(text, "en") for text in texts]
    assert len(texts) > 30 and len(r._recent) == 10
    reads = []
    real_get = cache.Cache.get
    monkeypatch.setattr(cache.Cache, "get", lambda self, address: reads.append(address) or real_get(self, address))
    assert r.measure(texts[-1], "en") == first[-1] and reads == []  # recent: from memory
    assert r.measure(texts[0], "en") == first[0] and len(reads) == 1  # older: from the cache
