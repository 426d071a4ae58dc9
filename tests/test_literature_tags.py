"""Literature entries are enriched in their own language, and the Literature page lists them by topic and
year with a stable anchor, their tags and the documents citing them; organisations need a name's shape;
`passerelle report --tags-diff REF` shows what a vocabulary change does (issue 14)."""
import dataclasses
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from passerelle import enrich as E
from passerelle.authoring import TagsDiffError, tags_diff, vocabulary_at
from passerelle.context import SiteContext, entry_extras
from passerelle.load import load_project
from passerelle.pages import literature as L
from passerelle.records import BibEntry, Literature

ROOT = Path(__file__).resolve().parents[1]


def test_entry_language_from_langid_language_or_the_text():
    assert E.entry_language({"langid": "french", "title": "The title"}) == "fr"
    assert E.entry_language({"language": "English", "title": "Les services d'établissement"}) == "en"
    assert E.entry_language({"langid": "fr-CA"}) == "fr"
    assert E.entry_language({"title": "Les services d'établissement pour les personnes réfugiées au Québec"}) == "fr"
    assert E.entry_language({"title": "Settlement services for refugees in rural Canada"}) == "en"


def test_entry_is_tagged_from_title_abstract_and_keywords_in_its_language():
    fields = {"title": "L'intégration des femmes réfugiées au Manitoba", "langid": "french",
              "abstract": "Nous étudions les cours de langue offerts à distance.", "keywords": "santé mentale"}
    text, lang, lead = E.entry_item(fields)
    assert lang == "fr" and "cours de langue" in text and "santé mentale" in lead
    (e,) = E.enrich_texts([(text, lang, lead)])
    got = {(t.facet, t.id) for t in e.tags}
    assert {("population", "women"), ("population", "refugees"), ("region", "CA-MB"),
            ("service", "language-training"), ("theme", "mental-health")} <= got
    # the funder named in a note is not a topic, nor IRCC's name a population
    (e,) = E.enrich_texts([E.entry_item({"title": "Settlement 2.0", "note": "Funded by Immigration, Refugees and "
                                         "Citizenship Canada (IRCC)."})])
    assert not {t.id for t in e.tags} & {"refugees", "funding-and-capacity"}


def _entry(i: int, year: int) -> BibEntry:
    key = f"Author{i:03d}:x"
    return BibEntry(key, "article", {"title": f"Refugee women in Ontario, part {i}", "author": "A. Author",
                                     "year": str(year)}, "literature/many.bib", i, "")


@pytest.fixture(scope="module")
def bundled():
    return load_project(ROOT)


def test_literature_page_by_topic_and_year_with_anchors_tags_and_citing_briefs(bundled):
    entries = list(bundled.literature.entries.values())
    ctx = SiteContext(bundled, {}, {}, entry_tags=entry_extras(zip(
        [e.key for e in entries], E.enrich_texts([E.entry_item(e.fields) for e in entries]))))
    (page,) = [p for p in L.generate(ctx) if p.path.startswith("fr/")]
    text = page.body
    assert "{#ref-peacegeeks2019settlement}" in text and "{#ref-nsct2022mobilizing}" in text
    assert text.index("{#y2022}") < text.index("{#y2019}")  # newest year first
    assert "{#by-topic}" in text and "(#ref-nsct2022mobilizing)" in text
    assert "Mobilisation des connaissances" in text  # the entry's tags, labelled in the page's language
    assert "briefs/central-hub-for-shared-learning/index.md" in text  # a brief that cites it


def test_literature_is_paginated_and_anchors_are_stable(bundled):
    many = {e.key: e for e in (_entry(i, 2000 + i % 20) for i in range(120))}
    lit = Literature(entries=many, files=["literature/many.bib"])
    doc = next(d for d in bundled.documents if d.lang == "en")
    doc = dataclasses.replace(doc, meta={**doc.meta, "sources": list(many)})
    project = dataclasses.replace(bundled, documents=(doc,), literature=lit)
    tags = {k: {"en": (), "fr": ()} for k in many}
    pages = [p for p in L.generate(SiteContext(project, {}, {}, entry_tags=tags)) if p.path.startswith("en/")]
    assert [p.path for p in pages] == ["en/literature.md", "en/literature/page-2.md", "en/literature/page-3.md"]
    anchors = [a for p in pages for a in re.findall(r"\{#(ref-[^}]+)\}", p.body)]
    assert len(anchors) == len(set(anchors)) == 120 and "ref-author007-x" in anchors
    assert L.anchor("Author007:x") == "ref-author007-x"


def test_organisations_need_a_name_shape_and_the_stop_list_drops_the_rest():
    assert E._looks_like_org("WoodGreen Community Services")
    assert E._looks_like_org("PeaceGeeks")
    assert not E._looks_like_org("Call for Proposals", "en", frozenset({"call for proposals"}))
    assert not E._looks_like_org("Immigrant settlement workers")  # a common noun phrase
    assert not E._looks_like_org("Smith and Jones")  # an in-text citation
    text = ("The Call for Proposals opened in May. WoodGreen Community Services ran the pilot with "
            "PeaceGeeks. Another Call for Proposals followed.")
    (e,) = E.enrich_texts([(text, "en")])
    orgs = {x["text"] for x in e.entities if x["label"] == "ORG"}
    assert "Call for Proposals" not in orgs


def test_tags_diff_against_a_ref_and_a_bad_ref(tmp_path, bundled):
    if shutil.which("git") is None or subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"],
                                                     capture_output=True).returncode:
        pytest.skip("not a git checkout")
    path = vocabulary_at("HEAD", tmp_path)
    assert "facets:" in path.read_text(encoding="utf-8")
    out = tags_diff(ROOT, dataclasses.replace(bundled, documents=bundled.documents[:2]), "HEAD")
    assert out.startswith("## Tags: `HEAD` → working tree") and "of 2 documents change tags" in out
    with pytest.raises(TagsDiffError):
        vocabulary_at("no-such-ref-xyz", tmp_path)
    with pytest.raises(TagsDiffError):
        vocabulary_at("--output=/tmp/x", tmp_path)
