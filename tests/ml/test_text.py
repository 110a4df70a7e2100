"""Text folding: the spellings customers use for one word become one token."""

import pytest

from ml.text import TEXT_CHARS, fold, read


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("ATENÇÃO", "atencao"),
        ("Atención", "atencion"),
        ("atencion", "atencion"),
        ("Não FUNCIONA", "nao funciona"),
        ("pésimo", "pesimo"),
        ("Thanks", "thanks"),
    ],
)
def test_fold_drops_case_and_accents_in_spanish_portuguese_and_english(written, folded):
    # when
    result = fold(written)

    # then
    assert result == folded


def test_portuguese_and_spanish_spellings_of_one_word_fold_alike():
    # given
    spellings = ["ATENÇÃO", "atenção", "Atencao", "atençao"]

    # when
    folded = {fold(s) for s in spellings}

    # then
    assert folded == {"atencao"}


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("pedido 48213", "pedido 00000"),
        ("Pedido Nº 48213, R$ 19,90", "pedido no 00000, r$ 00,00"),
        ("order #7 on 2025-02-08", "order #0 on 0000-00-00"),
    ],
)
def test_fold_turns_every_digit_into_zero(written, folded):
    # when
    result = fold(written)

    # then
    assert result == folded


def test_two_order_numbers_look_alike_after_folding():
    # when
    first, second = fold("pedido 48213"), fold("Pedido 99120")

    # then
    assert first == second


@pytest.mark.parametrize(
    ("written", "words"),
    [
        ("Obrigado 😀 ÓTIMO!!!", ["obrigado", "otimo"]),
        ("gracias 🙏👍", ["gracias"]),
        ("PÉSSIMO?! atendimento...", ["pessimo", "atendimento"]),
        ("don't", ["don", "t"]),
    ],
)
def test_punctuation_capitals_and_emojis_never_reach_the_words(written, words):
    # when
    _, result, _ = read(written)

    # then
    assert result == words


@pytest.mark.parametrize(("written", "word"), [("pessimooooo", "pessimoo"), ("muuuuito obrigado", "muuito"), ("goooood", "good")])
def test_stretched_letters_are_cut_to_two_and_noticed(written, word):
    # when
    _, words, stretched = read(written)

    # then
    assert words[0] == word
    assert stretched


def test_a_turn_is_read_as_far_as_text_chars():
    # given
    long = "ok " * TEXT_CHARS

    # when
    folded, words, _ = read(long)

    # then
    assert len(folded) == TEXT_CHARS
    assert len(words) == TEXT_CHARS // 3 + 1
