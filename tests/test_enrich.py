"""Enrichment on real seed text and written French: concepts, regions, acronyms, entities, cache, CLI."""
import json
from pathlib import Path

import pytest

from conftest import SEED_000

from passerelle import enrich as E
from passerelle.commands.enrich import enrich_file
from passerelle.vocabulary import REQUIRED, VocabularyError, load_vocabulary

SEED = SEED_000.read_text(encoding="utf-8") if SEED_000.exists() else ""
pytestmark = pytest.mark.skipif(not SEED, reason=f"{SEED_000} is absent (the shared/ folder beside the repository)")


def seed_lines(*needles: str) -> list[str]:
    """Lines of seed 000 that contain every needle, copied at test time."""
    return [line.strip() for line in SEED.splitlines() if all(n in line for n in needles)]


def tags(e: E.Enrichment) -> dict[tuple[str, str], E.Tag]:
    return {(t.facet, t.id): t for t in e.tags}


FR_BRIEF = """## Ce qu'il faut retenir {#key-messages}

- Les cours de langue aident les personnes réfugiées à trouver un emploi.
- La formation linguistique offerte au Nouveau-Brunswick est très demandée.

## Qu'ont-ils trouvé? {#findings}

Les Partenariats locaux en matière d'immigration (PLI) coordonnent les services à Moncton. Le N.-B. finance
la formation linguistique des femmes immigrantes. Les intervenants ont accès au CLIC et ils ont peu de temps.
Financé par IRCC.
"""


@pytest.fixture(scope="module")
def seed_intro() -> str:
    """The seed's title page and first pages: "Financé par", IRCC defined, LIPs defined."""
    start = SEED.index("Settlement 2.0 Project")
    return SEED[start:SEED.index("Methodology\n", SEED.index("Key Themes and Recommendations") + 40)]


@pytest.fixture(scope="module")
def batch(seed_intro):
    """One call, both languages, models loaded once for the module."""
    return E.enrich_texts([(seed_intro, "en"), (FR_BRIEF, "fr")])


def test_vocabulary_has_every_required_concept_in_both_languages():
    vocab = load_vocabulary()
    have = {(c.facet, c.id): c for c in vocab.concepts}
    for facet, ids in REQUIRED.items():
        for cid in ids:
            c = have[(facet, cid)]
            assert c.labels["en"] and c.labels["fr"] and c.terms["en"] and c.terms["fr"]
    assert isinstance(vocab.version, int)
    assert vocab.threshold("region").needed(12) == 1 and vocab.threshold("region").needed(3000) >= 2


def test_broken_vocabulary_is_reported_with_its_line(tmp_path):
    bad = tmp_path / "vocabulary.yml"
    bad.write_text("version: 1\nfacets:\n  service:\n    employment: [oops\n", encoding="utf-8")
    with pytest.raises(VocabularyError) as err:
        load_vocabulary(bad)
    d = err.value.diagnostic
    assert d.path.endswith("vocabulary.yml") and d.line >= 4 and d.hint
    missing = tmp_path / "missing.yml"
    src = (Path(E.__file__).parent / "data" / "vocabulary.yml").read_text(encoding="utf-8")
    missing.write_text(src.replace("    CA-NU:", "    CA-XX:"), encoding="utf-8")
    with pytest.raises(VocabularyError, match="CA-NU"):
        load_vocabulary(missing)


@pytest.mark.parametrize("text,lang", [
    ("Language classes help newcomers. Many language classes are full.", "en"),
    ("LINC is free. Waiting lists for LINC are long.", "en"),
    ("La formation linguistique aide les nouveaux arrivants. Les formations linguistiques sont pleines.", "fr"),
    ("Les cours de langue aident. Les cours de langue du soir sont complets.", "fr"),
])
def test_four_ways_of_saying_language_training_land_on_one_concept(text, lang):
    (e,) = E.enrich_texts([(text, lang)])
    tag = tags(e)[("service", "language-training")]
    assert tag.count == 2
    assert tag.label == ("Language assessment and training" if lang == "en" else "Évaluation et formation linguistiques")


def test_regions_from_names_abbreviations_and_cities_in_both_languages():
    en, fr = E.enrich_texts([
        ("Agencies in B.C. share tools. Staff in Vancouver train peers. Toronto, Ont., has a hub.", "en"),
        ("Au Nouveau-Brunswick, les services de Moncton s'adaptent. Le N.-B. finance. "
         "En Colombie-Britannique et à Vancouver, les organismes ont des outils.", "fr"),
    ])
    assert tags(en)[("region", "CA-BC")].evidence == [E.Evidence("B.C.", 1), E.Evidence("Vancouver", 1)]
    assert {e.text for e in tags(en)[("region", "CA-ON")].evidence} == {"Toronto", "Ont."}
    assert tags(fr)[("region", "CA-NB")].count == 3
    assert tags(fr)[("region", "CA-BC")].label == "Colombie-Britannique"
    assert ("region", "CA-ON") not in tags(fr)  # "ont" (the verb) is not "Ont."


PLACES = ("Ontario", "Toronto", "Ottawa", "Canada", "Quebec", "British Columbia", "Alberta", "Manitoba", "Nova Scotia",
          "Vancouver", "Montreal", "Calgary", "national", "federal", "B.C.", "Saskatchewan", "Hamilton", "Windsor")


def long_filler(words: int) -> str:
    """Seed paragraphs naming no place, about ``words`` words, as a long brief's findings."""
    paras, n = [], 0
    for para in (" ".join(p.split()) for p in SEED.split("\n\n")):
        if len(para.split()) >= 40 and para.endswith(".") and not any(pl.lower() in para.lower() for pl in PLACES):
            paras.append(para)
            n += len(para.split())
        if n >= words:
            break
    return "\n\n".join(paras)


def test_passing_mention_in_a_long_brief_and_reference_list_do_not_tag_ontario():
    body = "## What did they find? {#findings}\n\n" + long_filler(1600) + "\n\nOne pilot ran in Ontario.\n"
    refs = ("\n## References {#references}\n\n"
            "- Ontario Council of Agencies Serving Immigrants (2019). Settlement in Ontario. Toronto, Ontario: OCASI.\n"
            "- Government of Ontario (2018). Newcomers in Ontario. Toronto.\n")
    control = body.replace("One pilot ran in Ontario.", "One pilot ran in Ontario, in Toronto and Ottawa; "
                           "Ontario agencies ran it.")
    short = "## What did they find? {#findings}\n\nOne pilot ran in Ontario.\n"
    passing, listed, tagged, brief = E.enrich_texts([(body, "en"), (body + refs, "en"), (control, "en"), (short, "en")])
    assert ("region", "CA-ON") not in tags(passing)  # one passing mention in ~1,600 words
    assert ("region", "CA-ON") not in tags(listed)  # the reference list does not count
    assert tags(tagged)[("region", "CA-ON")].count == 4  # the same long body with four mentions does tag
    assert ("region", "CA-ON") in tags(brief)  # one clear mention tags a short text


def test_title_and_summary_weigh_more_than_the_body():
    body = "## What did they find? {#findings}\n\n" + long_filler(1600) + "\n\nOne pilot ran in Ontario.\n"
    (plain,) = E.enrich_texts([(body, "en")])
    (led,) = E.enrich_texts([(body, "en", "Pooling client data in Ontario\n\nA pilot in one province.")])
    assert ("region", "CA-ON") not in tags(plain) and ("region", "CA-ON") in tags(led)
    assert led.readability == plain.readability  # the lead is not measured as part of the body
    assert tags(led)[("region", "CA-ON")].count == 2


def test_tag_text_short_inputs_both_languages():
    assert {(t.facet, t.id) for t in E.tag_text("language classes in Halifax", "en")} == {
        ("service", "language-training"), ("region", "CA-NS")}
    assert {(t.facet, t.id) for t in E.tag_text("santé mentale des réfugiés", "fr")} == {
        ("theme", "mental-health"), ("population", "refugees")}
    assert E.tag_text("", "fr") == []


def test_per_concept_exceptions_not_in_and_weak():
    # "évaluation des besoins" is a service, not the data-and-evaluation theme
    got = {(t.facet, t.id) for t in E.tag_text("Je fais l'évaluation des besoins de la famille.", "fr")}
    assert ("service", "needs-assessment-referrals") in got and ("theme", "data-and-evaluation") not in got
    # "Partnership" inside a program's name is not the collaboration theme
    got = {(t.facet, t.id) for t in E.tag_text("The Nurse-Family Partnership changed its services.", "en")}
    assert ("theme", "collaboration") not in got
    # a weak word counts half: one mention does not tag a sentence, two do
    assert not E.tag_text("Our funders asked a question.", "en")
    assert ("theme", "funding-and-capacity") in {(t.facet, t.id) for t in E.tag_text(
        "Our funders asked a question, and other funders agreed.", "en")}


def test_acronyms_defined_in_text_both_forms():
    found = {a.short: a.long for a in E.defined_acronyms(
        "Local Immigration Partnerships (LIPs) help. A LIP (Local Immigration Partnership) meets monthly. "
        "The Refugee Career Jumpstart Project (RCJP) and the national Community of Practice (CoP) too. "
        "Clients (many of them) came in 2019 (IRCC, 2019).")}
    assert found == {"LIPs": "Local Immigration Partnerships", "RCJP": "Refugee Career Jumpstart Project",
                     "CoP": "Community of Practice"}


def test_seed_text_acronyms_entities_and_tags(batch, seed_intro):
    en = batch[0]
    acr = {a.short: a.long for a in en.acronyms}
    assert acr["IRCC"] == "Immigration, Refugees and Citizenship Canada"
    assert acr["LIP"] == "Local Immigration Partnership"  # defined as "LIPs" in the seed, known to the vocabulary
    assert "Financé par" in seed_intro
    places = [e for e in en.entities if e["label"] in ("GPE", "LOC")]
    assert places and all(e["id"] for e in places) and not any("Financ" in e["text"] for e in en.entities)
    orgs = {e["id"]: e for e in en.entities if e["label"] == "ORG"}
    assert orgs["IRCC"]["count"] >= 3
    t = tags(en)
    assert ("principle", "client-centred") in t and ("service", "indirect-services") in t
    assert all(ev.count >= 1 and ev.text for tag in en.tags for ev in tag.evidence)


def test_french_brief(batch):
    fr = batch[1]
    t = tags(fr)
    assert {e.text for e in t[("service", "language-training")].evidence} >= {"cours de langue", "formation linguistique"}
    assert ("region", "CA-NB") in t and ("region", "CA-ON") not in t
    assert {a.short: a.long for a in fr.acronyms}["PLI"] == "Partenariat local en matière d'immigration"
    assert set(fr.readability["metrics"]) == {"kandel_moles", "lix"}
    assert [s["id"] for s in fr.readability["sections"]] == ["key-messages", "findings"]
    assert not any(e["text"].startswith("Financ") for e in fr.entities)


def test_key_sentences_carry_the_most_concepts(batch):
    fr = batch[1]
    assert 1 <= len(fr.key_sentences) <= 3
    assert fr.key_sentences[0] in FR_BRIEF.replace("\n", " ")
    assert "formation linguistique" in fr.key_sentences[0] or "cours de langue" in fr.key_sentences[0]


def test_json_shape_and_same_output_twice(seed_intro):
    first = [e.to_json() for e in E.enrich_texts([(seed_intro, "en"), (FR_BRIEF, "fr")])]
    second = [e.to_json() for e in E.enrich_texts([(seed_intro, "en"), (FR_BRIEF, "fr")])]
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    assert set(first[0]) == {"lang", "tags", "entities", "acronyms", "readability", "key_sentences"}
    assert set(first[0]["tags"][0]) == {"facet", "id", "label", "evidence"}
    assert set(first[0]["tags"][0]["evidence"][0]) == {"text", "count"}
    assert E.Enrichment.from_json(first[1]).to_json() == first[1]


def test_cache_re_enriches_exactly_the_edited_text(tmp_path):
    docs = [("Language classes help. Language classes are full in Winnipeg and Manitoba.", "en"),
            ("Les cours de langue aident. Les cours de langue sont pleins.", "fr"),
            ("Employment services help. Employment counsellors meet employers.", "en")]
    cold = E.enrich_texts(docs, cache_dir=tmp_path)
    assert E.last_run_stats == {"enriched": 3, "cached": 0}
    warm = E.enrich_texts(docs, cache_dir=tmp_path)
    assert E.last_run_stats == {"enriched": 0, "cached": 3}
    assert [w.to_json() for w in warm] == [c.to_json() for c in cold]
    docs[0] = (docs[0][0] + " Language classes in Brandon too.", "en")
    edited = E.enrich_texts(docs, cache_dir=tmp_path)
    assert E.last_run_stats == {"enriched": 1, "cached": 2}
    assert tags(edited[0])[("service", "language-training")].count == 3
    assert edited[1].to_json() == cold[1].to_json()


def test_plain_texts_are_made_as_spacy_asks_for_them_and_two_processes_keep_the_order(tmp_path, monkeypatch):
    """A language's plain texts are not all held while spaCy works (about 30 KB each: 340 MB for 11,000
    French documents): each is made when spaCy asks for its text, so at most a few batches are ahead of
    the document being enriched. With two worker processes, each result still lands on its own item."""
    from passerelle import readability

    texts = [("Language classes help newcomers in Winnipeg. " + "Counsellors meet employers. " * i, "en") for i in range(48)]
    made, ahead = [0], []
    to_plain, enrich_doc = readability.to_plain, E._enrich_doc
    monkeypatch.setattr(readability, "to_plain", lambda text: made.__setitem__(0, made[0] + 1) or to_plain(text))
    monkeypatch.setattr(E, "_enrich_doc", lambda *a: ahead.append(made[0] - len(ahead) - 1) or enrich_doc(*a))
    one = E.enrich_texts(texts, n_process=1, cache_dir=tmp_path / "one")
    assert made[0] == len(texts) and len(ahead) == len(texts)
    assert max(ahead) <= 2 * E.BATCH_SIZE  # all 48 were made before the first document, before
    two = E.enrich_texts(texts, n_process=2, cache_dir=tmp_path / "two")
    assert [e.to_json() for e in two] == [e.to_json() for e in one]
    words = [e.readability["words"] for e in two]
    assert words == sorted(set(words))  # each text is longer than the one before it


def test_vocabulary_edit_and_threshold_setting(tmp_path):
    src = (Path(E.__file__).parent / "data" / "vocabulary.yml").read_text(encoding="utf-8")
    two = tmp_path / "vocabulary.yml"
    assert "threshold:\n  default: {" in src
    two.write_text(src.replace("threshold:\n  default: {", "threshold:\n  region: 2\n  default: {", 1), encoding="utf-8")
    text = "One pilot ran in Ontario."
    (loose,) = E.enrich_texts([(text, "en")])
    (strict,) = E.enrich_texts([(text, "en")], vocabulary_path=two)
    assert ("region", "CA-ON") in tags(loose) and ("region", "CA-ON") not in tags(strict)


def test_missing_model_is_a_diagnostic_with_a_hint():
    with pytest.raises(E.EnrichError) as err:
        E.enrich_texts([("Some text.", "en")], models={"en": "no_such_model_xyz"})
    assert "pip install" in err.value.diagnostic.hint


def test_cli_json_text_and_errors(tmp_path, capsys):
    good = tmp_path / "notes.txt"
    good.write_text("Local Immigration Partnerships (LIPs) coordinate services in Ontario and Toronto.\n",
                    encoding="utf-8")
    assert enrich_file(str(good), "en", "json") == 0
    out = json.loads(capsys.readouterr().out)
    assert ("region", "CA-ON") in {(t["facet"], t["id"]) for t in out["tags"]}
    assert {"short": "LIP", "long": "Local Immigration Partnership"} in out["acronyms"]
    assert enrich_file(str(good), "en", "text") == 0
    assert "tag region:CA-ON" in capsys.readouterr().out

    assert enrich_file(str(tmp_path / "nope.md"), "en", "json") == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{tmp_path / 'nope.md'}:1: error:") and "hint" in err and "Traceback" not in err
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Premi\u00e8re ligne\nFinanc\u00e9 par".encode("latin-1"))
    assert enrich_file(str(latin), "fr", "json") == 1
    assert f"{latin}:1: error: not UTF-8" in capsys.readouterr().err
    assert enrich_file(str(good), "de", "json") == 2
    assert enrich_file(str(good), "en", "xml") == 2
