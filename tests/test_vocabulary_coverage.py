"""The vocabulary covers both languages, and no term lands on two concepts of one facet by accident."""
from collections import defaultdict

import pytest

from passerelle import enrich as E
from passerelle.records import LANGS
from passerelle.vocabulary import DEFAULT_PATH, VocabularyError, load_vocabulary

# Terms that name two concepts of one facet on purpose: (facet, lang, term) -> why. Empty today.
INTENTIONAL: dict[tuple[str, str, str], str] = {}


def test_every_concept_has_labels_and_terms_in_both_languages():
    vocab = load_vocabulary()
    for c in vocab.concepts:
        for lang in LANGS:
            assert c.labels[lang].strip(), f"{c.facet}:{c.id} has no {lang} label"
            assert c.terms[lang], f"{c.facet}:{c.id} has no {lang} term"
        if c.weak.get("en") or c.weak.get("fr"):  # a weak word in one language has a counterpart in the other
            assert c.weak["en"] and c.weak["fr"], f"{c.facet}:{c.id} has weak terms in one language only"


def _forms(lang: str, terms: list[str]) -> dict[str, str]:
    """Each term's comparable form: lower-cased lemmas (what the matcher compares), or the letters of an acronym."""
    nlp = E.load_model(E.configured_models()[lang])
    out = {}
    for term, doc in zip(terms, nlp.pipe(terms)):
        out[term] = term if E._case_sensitive(term) else " ".join(t.lemma_.lower() for t in doc)
    return out


def test_no_term_maps_to_two_concepts_of_one_facet():
    vocab = load_vocabulary()
    for lang in LANGS:
        terms = sorted({t for c in vocab.concepts for t in (*c.terms[lang], *c.weak.get(lang, ()))})
        forms = _forms(lang, terms)
        owners: dict[tuple[str, str], set[str]] = defaultdict(set)
        for c in vocab.concepts:
            for t in (*c.terms[lang], *c.weak.get(lang, ())):
                owners[(c.facet, forms[t])].add(c.id)
        clashes = {k: v for k, v in owners.items() if len(v) > 1 and (k[0], lang, k[1]) not in INTENTIONAL}
        assert not clashes, f"{lang}: terms on two concepts of one facet: {clashes}"


def test_thresholds_scale_with_length():
    vocab = load_vocabulary()
    t = vocab.threshold("theme")
    assert t.needed(5) == 1 and t.needed(100) == 1  # one clear mention tags a query or a paragraph
    assert t.needed(5000) > t.needed(800) > 1  # a long brief needs more than a passing mention
    assert vocab.weight("lead") > 1 and vocab.weight("key-messages") > 1 and vocab.weight("findings") == 1


@pytest.mark.parametrize("old, new, words", [
    ("threshold:\n  default: {short: 1,", "threshold:\n  default: {shortest: 1,", "threshold"),
    ("weights:\n  lead: 2", "weights:\n  lead: -2", "weights"),
    ("      weak:\n", "      weak: [oops]\n      unused:\n", "weak"),
])
def test_broken_thresholds_weights_and_exceptions_name_their_line(tmp_path, old, new, words):
    src = DEFAULT_PATH.read_text(encoding="utf-8")
    assert old in src
    bad = tmp_path / "vocabulary.yml"
    bad.write_text(src.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(VocabularyError) as err:
        load_vocabulary(bad)
    d = err.value.diagnostic
    assert words in d.message and d.line > 1 and d.hint
