"""Evaluation figures: UAR with a 95% bootstrap interval over conversations, and slices by language,
by position of the judged turn and by file."""

from ml.conversation import AGENT, CUSTOMER, Turn
from ml.datasets import Example
from ml.report import FIRST, LATER, report, uar_interval


def examples(n_conversations: int) -> list[Example]:
    """Two turns per conversation (first and later), alternating languages and labels."""
    out = []
    labels = ("DISSATISFIED", "NEUTRAL", "SATISFIED")
    for i in range(n_conversations):
        first = (Turn(CUSTOMER, "hola"),)
        later = (*first, Turn(AGENT, "hola"), Turn(CUSTOMER, "chau"))
        out += [Example(str(i), first, labels[i % 3], ("es", "pt")[i % 2], "a.jsonl"),
                Example(str(i), later, labels[(i + 1) % 3], ("es", "pt")[i % 2], ("a.jsonl", "b.jsonl")[i % 2])]
    return out


def noisy(items: list[Example], every: int) -> list[str]:
    """The true labels with every `every`-th one replaced by the next label."""
    labels = ("DISSATISFIED", "NEUTRAL", "SATISFIED")
    return [labels[(labels.index(e.label) + 1) % 3] if k % every == 0 else e.label for k, e in enumerate(items)]


def test_perfect_predictions_have_a_uar_of_one_and_an_interval_of_one():
    # given
    items = examples(30)

    # when
    figures = report(items, [e.label for e in items])

    # then
    assert figures["uar"] == 1.0
    assert figures["uar_ci95"] == [1.0, 1.0]


def test_the_interval_holds_the_uar_repeats_itself_and_narrows_with_more_conversations():
    # given
    few, many = examples(30), examples(600)

    # when
    narrow = report(many, noisy(many, 4))["uar_ci95"]
    wide = report(few, noisy(few, 4))
    again = report(few, noisy(few, 4))

    # then
    low, high = wide["uar_ci95"]
    assert low <= wide["uar"] <= high
    assert again["uar_ci95"] == wide["uar_ci95"]
    assert narrow[1] - narrow[0] < high - low


def test_resampling_whole_conversations_gives_a_wider_interval_than_pretending_turns_are_independent():
    # given two turns per conversation, both right or both wrong
    items = examples(200)
    labels = ("DISSATISFIED", "NEUTRAL", "SATISFIED")
    predicted = [e.label if int(e.conversation_id) % 4 else labels[(labels.index(e.label) + 1) % 3] for e in items]
    truth = [e.label for e in items]

    # when
    by_conversation = uar_interval(truth, predicted, [e.conversation_id for e in items])
    by_turn = uar_interval(truth, predicted, [str(k) for k in range(len(items))])

    # then
    assert by_conversation[1] - by_conversation[0] > by_turn[1] - by_turn[0]


def test_slices_split_by_language_position_and_file():
    # given
    items = examples(60)

    # when
    slices = report(items, noisy(items, 5))["slices"]

    # then
    assert set(slices) == {"language", "position", "file"}
    assert set(slices["language"]) == {"es", "pt"}
    assert set(slices["position"]) == {FIRST, LATER}
    assert slices["position"][FIRST]["n"] == slices["position"][LATER]["n"] == 60
    assert set(slices["file"]) == {"a.jsonl", "b.jsonl"}
    for row in slices["language"].values():
        assert {"uar", "macro_f1", "kappa", "accuracy", "n", "uar_ci95", "recall", "support"} <= set(row)
