"""The project's corpus: large and varied enough, every customer turn labelled, its generated part
what the builder writes, and none of the probes in it."""

import json
from collections import Counter

import pytest

from ml import corpus_builder, datasets
from ml.corpus_builder import CORPUS_DIR
from ml.text import read
from tests.ml.probes import probes

LANGUAGES = ("es", "pt", "en")


@pytest.fixture(scope="module")
def records():
    return [json.loads(line) for path in sorted(CORPUS_DIR.glob("*.jsonl")) for line in path.read_text(encoding="utf-8").splitlines()]


def test_the_corpus_holds_three_times_the_first_one_with_every_customer_turn_labelled(records):
    # when
    dataset = datasets.load(CORPUS_DIR, level="turn")
    customer_turns = [t for r in records for t in r["turns"] if t["role"] == "CUSTOMER"]

    # then
    assert dataset.conversations >= 3 * 720
    assert all("label" in t for t in customer_turns)
    assert len(dataset.examples) == len(customer_turns)
    per_language = Counter(r["language"] for r in records)
    assert all(per_language[language] >= 700 for language in LANGUAGES)
    assert set(Counter(t["label"] for t in customer_turns)) == {"DISSATISFIED", "NEUTRAL", "SATISFIED"}


def test_the_generated_files_are_what_the_builder_writes():
    # when
    written = corpus_builder.files()

    # then
    for name, content in written.items():
        assert (CORPUS_DIR / name).read_text(encoding="utf-8") == content, f"{name} is stale: run python -m ml.corpus_builder"


def test_the_generated_part_covers_every_arc_and_register_in_every_language(records):
    # given
    generated = [r for r in records if r["id"].startswith("gen-")]

    # when
    arcs = {(r["language"], r["arc"]) for r in generated}
    registers = {(r["language"], r["register"]) for r in generated}

    # then
    kinds = {"info", "solved", "angry_to_happy", "happy_to_angry", "escalation", "sarcasm", "one_liner", "insult", "resigned",
             "fixed_then_not", "email"}
    assert arcs == {(language, arc) for language in LANGUAGES for arc in kinds}
    assert registers == {(language, reg) for language in LANGUAGES for reg in ("whatsapp", "sms", "email", "chat")}
    one_liners = {t["text"] for r in generated if r["arc"] == "one_liner" for t in r["turns"] if t["role"] == "CUSTOMER"}
    assert {"ok", "obg", "👍"} <= {text.lower() for text in one_liners}


def test_the_generated_part_opens_angry_and_ends_satisfied_and_the_reverse(records):
    # when
    paths = Counter(
        (labels[0], labels[-1])
        for r in records
        if r["id"].startswith("gen-")
        for labels in [[t["label"] for t in r["turns"] if t["role"] == "CUSTOMER"]]
        if len(labels) > 1
    )

    # then
    assert paths[("DISSATISFIED", "SATISFIED")] >= 100
    assert paths[("SATISFIED", "DISSATISFIED")] >= 100


def test_no_probed_complaint_or_praise_is_in_the_corpus(records):
    # given: turns compared by their words, so that case, accents and punctuation do not hide one
    said = {tuple(read(t["text"])[1]) for r in records for t in r["turns"]}

    # when
    found = [text for _, text, label in probes() if label != "NEUTRAL" and tuple(read(text)[1]) in said]

    # then
    assert found == []
