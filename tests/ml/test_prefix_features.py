"""Linear-time scoring gives what the reference (each prefix through the pipeline, explanations row by
row) gives: the same feature rows to the last bit, the same labels, probabilities and explanations,
for whole conversations and for every customer turn."""

import numpy as np
import pytest

from ml import datasets, reference_scoring
from ml.conversation import AGENT, CUSTOMER, Turn
from ml.corpus_builder import CORPUS_DIR
from ml.registry import DEFAULT_MODELS_DIR, load
from ml.serving import ModelServer

C, A = CUSTOMER, AGENT
# Shapes the corpus may not hold: no customer turn, agents speaking twice, a long history, odd texts.
ODD = [
    [Turn(A, "Hola, ¿en qué puedo ayudarte?")],
    [Turn(A, "Olá!"), Turn(A, "Tudo bem?"), Turn(C, "péssimooo!!! 😡"), Turn(A, "Sinto muito."), Turn(A, "Já resolvo.")],
    [Turn(C, ""), Turn(A, ""), Turn(C, "   ")],
    [Turn(C if i % 3 else A, f"turn {i}: {'thanks so much' if i % 4 else 'this is useless'}") for i in range(40)],
    [Turn(C, "NO ES TAN BUENO, gracias por nada… Perfecto servicio"), Turn(C, "nada mal 👍"), Turn(C, "x" * 5000)],
]


@pytest.fixture(scope="module")
def shipped():
    return load("support-v1", DEFAULT_MODELS_DIR)


@pytest.fixture(scope="module")
def conversations():
    """Every fourth conversation of the corpus (all its languages, registers and lengths), and the odd ones."""
    return [e.turns for e in datasets.load(CORPUS_DIR, level="conversation").examples[::4]] + ODD


def test_every_prefix_row_equals_the_pipelines_own_to_the_last_bit(shipped, conversations):
    # given every customer-turn prefix, as the reference scores them
    prefixes = [turns[: i + 1] for turns in conversations for i, t in enumerate(turns) if t.role == CUSTOMER]

    # when
    fast = shipped.featurizer.rows(conversations, every_turn=True).X
    reference = shipped.pipeline[:-1].transform(prefixes).tocsr()

    # then
    assert fast.shape == reference.shape
    assert np.array_equal(fast.toarray(), reference.toarray())


def test_whole_conversation_verdicts_are_the_references(shipped, conversations):
    # when
    fast = shipped.predict(conversations)
    slow = reference_scoring.predict(shipped, conversations)

    # then
    assert [p.label for p in fast] == [p.label for p in slow]
    assert [list(p.probabilities.values()) for p in fast] == [list(p.probabilities.values()) for p in slow]
    assert [p.explanation for p in fast] == [p.explanation for p in slow]


def test_every_customer_turns_verdict_is_the_references(shipped, conversations):
    # when
    fast = ModelServer.score(shipped, conversations)
    slow = reference_scoring.predict_turns(shipped, conversations)

    # then
    assert [s is None for s in fast] == [s is None for s in slow]
    for scored, (whole, turns) in ((f, s) for f, s in zip(fast, slow, strict=True) if s is not None):
        assert scored.conversation == whole
        assert scored.turns == turns


def test_the_synthetic_model_agrees_too(trained, synthetic):
    # given
    conversations = [e.turns for e in synthetic.whole] + ODD

    # when
    fast = ModelServer.score(trained.model, conversations)
    slow = reference_scoring.predict_turns(trained.model, conversations)

    # then
    assert [None if f is None else (f.conversation, f.turns) for f in fast] == slow


def test_a_conversation_is_judged_at_its_last_customer_turn_whatever_the_agent_says_after(shipped):
    # given
    turns = [Turn(C, "el pedido llegó roto, qué vergüenza"), Turn(A, "Lo siento mucho.")]

    # when
    [whole] = shipped.predict([turns])
    [last] = shipped.predict([turns[:1]])

    # then
    assert whole == last
    assert whole.label == "DISSATISFIED"
