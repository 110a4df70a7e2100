"""The polarity lexicon: strong words, negations, intensifiers, sarcasm and emojis read as a person
reads them, and emphasis that only ever scales what the words say."""

import pytest

from ml import lexicon


def kinds(text: str) -> dict[str, float]:
    return {k: v for k, v in zip(lexicon.KINDS, lexicon.read(text).values, strict=True) if v}


@pytest.mark.parametrize("text", ["es una estafa", "isso é golpe", "this is a scam", "pésimo", "que raiva", "absolutely useless"])
def test_a_strong_complaint_reads_as_strongly_negative(text):
    # when
    read = kinds(text)

    # then
    assert read.get("negative", 0) >= 2 and "positive" not in read


@pytest.mark.parametrize(("text", "kind", "shown"), [
    ("no es tan bueno", "negated_positive", "no bueno"),
    ("não gostei nada", "negated_positive", "nao gostei"),
    ("not happy at all", "negated_positive", "not happy"),
    ("nada mal", "negated_negative", "nada mal"),
    ("not bad", "negated_negative", "not bad"),
])
def test_a_negation_turns_the_entry_after_it(text, kind, shown):
    # when
    read = lexicon.read(text)

    # then
    assert kinds(text) == {kind: 1.0}
    assert read.shown == ((kind, shown),)


def test_a_negation_does_not_reach_past_the_end_of_a_clause():
    # when
    read = kinds("no, excelente")

    # then
    assert read == {"positive": 2.0}


def test_an_intensifier_counts_the_entry_it_leans_on_once_more():
    # when
    plain, intensified = kinds("malo"), kinds("muy malo")

    # then
    assert plain == {"negative": 1.0}
    assert intensified == {"negative": 1.0, "intensified_negative": 1.0}


@pytest.mark.parametrize("text", ["Gracias por nada… Perfecto servicio", "obrigado por nada", "thanks for nothing, great service"])
def test_praise_beside_a_sarcasm_marker_counts_as_sarcasm(text):
    # when
    read = kinds(text)

    # then
    assert read.get("sarcasm", 0) >= 2
    assert "positive" not in read


@pytest.mark.parametrize("text", ["ok", "where is my order", "vale", "bom dia, tudo bem?", "good morning"])
def test_emphasis_alone_is_worth_nothing(text):
    # when
    shouted = [kinds(text), kinds(text.upper() + "!!!"), kinds(text + "?!")]

    # then
    assert shouted == [{}, {}, {}]


def test_emphasis_scales_the_polarity_of_the_words_and_nothing_else():
    # when
    calm, loud, stretched = kinds("horrible"), kinds("HORRIBLE!!!"), kinds("horribleeeee")

    # then
    assert calm == {"negative": 2.0}
    assert loud == stretched == {"negative": 2.0, "emphatic_negative": 2.0}


def test_emojis_are_read_by_their_polarity_and_acknowledgements_are_not():
    # when
    angry, delighted, thumbs = kinds("😡"), kinds("gracias 😍"), kinds("👍")

    # then
    assert angry == {"negative": 2.0}
    assert delighted == {"positive": 3.0}
    assert thumbs == {}


def test_greetings_are_not_praise():
    # when
    read = [kinds("buenos días"), kinds("boa tarde"), kinds("good morning")]

    # then
    assert read == [{}, {}, {}]


def test_the_digest_names_the_lexicon():
    # when
    first, second = lexicon.digest(), lexicon.digest()

    # then
    assert first == second and len(first) == 64
