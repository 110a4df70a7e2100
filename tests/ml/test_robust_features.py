"""Punctuation and capitals alone carry no polarity: "ok" and "OK!!!" are the same features, and "!!!"
on a complaint only strengthens what its words already say. Explanations name content words or
lexicon entries, never function words."""

import numpy as np
import pytest

from ml.conversation import AGENT, CUSTOMER, Turn
from ml.explain import Explainer
from ml.pipeline import BLOCKS
from ml.stopwords import STOP_WORDS


def row(model, text: str) -> np.ndarray:
    return model.featurizer.rows([[Turn(CUSTOMER, text)]], every_turn=False).X.toarray()[0]


def emphatic_columns(model) -> set[int]:
    """The lexicon columns that emphasis scales (`emphatic_*`), in the feature row."""
    first = model.explainer.lexicon_at["lexicon"]
    return {first + 7, first + 8}


@pytest.mark.parametrize("text", ["ok", "vale", "certo", "where is my order", "cuándo llega"])
def test_shouting_and_exclamations_leave_a_neutral_turn_unchanged(trained, text):
    # when
    plain = row(trained.model, text)
    loud = [row(trained.model, variant) for variant in (text.upper(), f"{text}!!!", f"{text}?!", f"{text.upper()}!!! 🙂")]

    # then
    assert all(np.array_equal(plain, other) for other in loud)


def test_exclamations_on_a_complaint_change_only_the_emphasis_of_its_words(trained):
    # when
    plain, loud = row(trained.model, "esto es pésimo"), row(trained.model, "ESTO ES PÉSIMO!!!")

    # then
    changed = set(np.flatnonzero(plain != loud))
    assert changed and changed <= emphatic_columns(trained.model)


def test_the_model_learns_nothing_from_exclamations_on_neutral_turns(trained):
    # given
    conversations = [[Turn(CUSTOMER, "estado del pedido")], [Turn(CUSTOMER, "ESTADO DEL PEDIDO!!!")]]

    # when
    plain, loud = trained.model.predict(conversations)

    # then
    assert plain.label == loud.label
    assert plain.probabilities == loud.probabilities


def test_explanations_list_content_words_and_lexicon_entries_not_function_words(trained, synthetic):
    # when
    predictions = trained.model.predict([e.turns for e in synthetic.examples])
    terms = [t.term.split(": ", 1)[1] for p in predictions for t in p.explanation]

    # then
    assert terms
    assert all(not set(term.replace(",", " ").split()) <= STOP_WORDS for term in terms)


def test_lexicon_terms_are_named_by_the_entries_that_fired(trained):
    # given
    conversation = [Turn(CUSTOMER, "quiero un reembolso"), Turn(AGENT, "Déjame revisarlo."), Turn(CUSTOMER, "horrible, qué rabia")]

    # when
    [prediction] = trained.model.predict([conversation])

    # then
    assert prediction.label == "DISSATISFIED"
    assert "customer: horrible, que rabia" in [t.term for t in prediction.explanation]


def test_an_explainer_refuses_a_pipeline_with_other_blocks(trained):
    # given
    union = trained.model.pipeline.named_steps["features"]
    union.transformer_list.reverse()

    # when
    try:
        with pytest.raises(ValueError):
            Explainer(trained.model.pipeline, trained.model.columns)
    finally:
        union.transformer_list.reverse()

    # then
    assert tuple(name for name, _ in union.transformer_list) == BLOCKS
