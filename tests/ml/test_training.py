"""Training the default pipeline: a version on disk that says what it is, learns, and is reproducible."""

import json

import pytest

from ml import datasets, registry
from ml.conversation import AGENT, CUSTOMER, Turn
from ml.labels import DISSATISFIED, LABELS, NEUTRAL, SATISFIED
from ml.train import TrainingError, split, train
from tests.ml.synthetic import write_jsonl

PREFIXES = ("customer: ", "agent: ", "customer earlier: ")


def test_training_writes_the_artifact_its_manifest_and_a_model_card(trained, synthetic):
    # given
    directory = trained.directory

    # when
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    card = (directory / "MODEL_CARD.md").read_text(encoding="utf-8")

    # then
    assert directory.name == "t1"
    assert manifest["version"] == "t1"
    assert manifest["artifact"]["file"] == "model.skops"
    assert manifest["artifact"]["sha256"] == registry.sha256_of(directory / "model.skops")
    assert manifest["artifact"]["bytes"] == (directory / "model.skops").stat().st_size
    assert manifest["labels"] == list(LABELS)
    assert manifest["level"] == "turn"
    assert {"python", "scikit-learn", "numpy", "scipy", "skops"} <= set(manifest["libraries"])
    assert manifest["training_data"]["sha256"] == synthetic.sha256
    assert manifest["training_data"]["examples"] == len(synthetic.examples)
    assert manifest["training_data"]["train_examples"] + manifest["training_data"]["heldout_examples"] == len(synthetic.examples)
    assert manifest["parameters"]["seed"] == 13 and manifest["parameters"]["holdout"] == 0.2
    held = manifest["metrics"]["heldout"]
    assert {"uar", "macro_f1", "kappa", "accuracy", "n", "per_class"} <= set(held)
    assert held["n"] == manifest["training_data"]["heldout_examples"]
    assert set(held["per_class"]) == set(LABELS)
    assert all({"precision", "recall", "f1", "support"} <= set(row) for row in held["per_class"].values())
    assert manifest["metrics"]["heldout_headline"] == {k: held[k] for k in ("uar", "macro_f1", "kappa", "accuracy", "n")}
    assert "# Satisfaction model `t1`" in card
    assert f"UAR (macro recall) **{held['uar']:.3f}**" in card
    assert f"accuracy {held['accuracy']:.3f}, n = {held['n']}" in card
    assert synthetic.sha256 in card


def test_the_model_learns_well_above_chance_on_held_out_conversations(trained):
    # given
    held = trained.manifest["metrics"]["heldout"]
    whole = trained.manifest["metrics"]["heldout_conversations"]

    # then chance is one in three
    assert held["n"] >= 30
    assert held["accuracy"] >= 0.8 and held["uar"] >= 0.8
    assert whole["accuracy"] >= 0.8


def test_the_model_labels_fresh_conversations_it_never_saw(trained, tmp_path):
    # given other conversations drawn the same way
    fresh = datasets.load(write_jsonl(tmp_path / "fresh.jsonl", per_label=15, seed=99), level="conversation")

    # when
    predictions = trained.model.predict([e.turns for e in fresh.examples])

    # then
    right = sum(p.label == e.label for p, e in zip(predictions, fresh.examples, strict=True))
    assert right / len(fresh.examples) >= 0.8


def test_the_same_data_trains_to_the_same_artifact_bytes(synthetic, tmp_path):
    # when
    first = train(synthetic, models_dir=tmp_path / "one", version="same")
    second = train(synthetic, models_dir=tmp_path / "two", version="same")

    # then
    assert first.manifest["artifact"]["sha256"] == second.manifest["artifact"]["sha256"]
    assert (tmp_path / "one" / "same" / "model.skops").read_bytes() == (tmp_path / "two" / "same" / "model.skops").read_bytes()


def test_the_held_out_split_never_divides_a_conversation(synthetic):
    # given turn-level examples: two per conversation
    examples = synthetic.examples
    assert len(examples) == 2 * synthetic.conversations

    # when
    train_idx, held_idx = split(examples, 0.2, seed=13)

    # then
    train_ids = {examples[i].conversation_id for i in train_idx}
    held_ids = {examples[i].conversation_id for i in held_idx}
    assert train_ids.isdisjoint(held_ids)
    assert sorted(train_idx + held_idx) == list(range(len(examples)))
    assert 0.15 <= len(held_idx) / len(examples) <= 0.25
    assert {examples[i].label for i in held_idx} == set(LABELS)


def test_the_split_is_the_same_every_time_and_holdout_zero_keeps_everything(synthetic):
    # when
    once, twice = split(synthetic.examples, 0.2, seed=13), split(synthetic.examples, 0.2, seed=13)
    nothing_held = split(synthetic.examples, 0, seed=13)

    # then
    assert once == twice
    assert nothing_held == (list(range(len(synthetic.examples))), [])


def test_predictions_are_distributions_over_the_three_labels_and_the_label_is_the_likeliest(trained, synthetic):
    # given
    conversations = [e.turns for e in synthetic.examples[:30]]

    # when
    predictions = trained.model.predict(conversations)

    # then
    assert len(predictions) == 30
    for p in predictions:
        assert list(p.probabilities) == list(LABELS)
        assert sum(p.probabilities.values()) == pytest.approx(1.0)
        assert all(0.0 <= v <= 1.0 for v in p.probabilities.values())
        assert p.label == max(p.probabilities, key=p.probabilities.get)
        assert p.confidence == p.probabilities[p.label]
        assert p.version == "t1"


def test_explanations_name_terms_by_who_wrote_them_with_positive_weights_strongest_first(trained):
    # given
    conversation = [
        Turn(CUSTOMER, "quiero un reembolso, pedido 4821"),
        Turn(AGENT, "Hola, ¿en qué puedo ayudar?"),
        Turn(CUSTOMER, "esto es pésimo, sigue roto"),
    ]

    # when
    [prediction] = trained.model.predict([conversation])

    # then
    terms = prediction.explanation
    assert prediction.label == "DISSATISFIED"
    assert 0 < len(terms) <= 8
    assert all(t.term.startswith(PREFIXES) for t in terms)
    assert all(t.weight > 0 for t in terms)
    assert [t.weight for t in terms] == sorted((t.weight for t in terms), reverse=True)
    # folded words of the customer's last turn are what speaks loudest
    assert terms[0].term.startswith("customer: ")
    assert "customer: pesimo" in [t.term for t in terms]


def test_an_empty_batch_gives_no_predictions(trained):
    # when
    predictions = trained.model.predict([])

    # then
    assert predictions == []


def test_a_label_with_fewer_than_three_examples_cannot_train(tmp_path):
    # given two NEUTRAL conversations among many of the other labels
    records = [json.loads(line) for line in write_jsonl(tmp_path / "all.jsonl", per_label=20).read_text().splitlines()]
    neutral = [r for r in records if r["label"] == NEUTRAL][:1]
    kept = [r for r in records if r["label"] != NEUTRAL] + neutral  # one conversation: two NEUTRAL examples
    path = tmp_path / "few.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in kept), encoding="utf-8")
    dataset = datasets.load(path)

    # when
    with pytest.raises(TrainingError) as error:
        train(dataset, models_dir=tmp_path / "models", version="few", holdout=0)

    # then
    assert "every label needs at least 3 training examples" in str(error.value)
    assert "'NEUTRAL': 2" in str(error.value)
    assert not (tmp_path / "models" / "few").exists()


def test_training_a_version_that_exists_is_a_conflict_and_leaves_it_alone(trained, synthetic):
    # given
    before = (trained.directory / "manifest.json").read_bytes()

    # when
    with pytest.raises(registry.ModelError) as error:
        train(synthetic, models_dir=trained.directory.parent, version="t1")

    # then
    assert error.value.code == "CONFLICT"
    assert "'t1' already exists" in error.value.message
    assert (trained.directory / "manifest.json").read_bytes() == before


@pytest.mark.parametrize("version", ["../escape", "a/b", ".hidden", "x" * 65])
def test_a_version_name_that_is_not_a_plain_name_is_refused_before_training(synthetic, tmp_path, version):
    # when
    with pytest.raises(registry.ModelError) as error:
        train(synthetic, models_dir=tmp_path / "models", version=version)

    # then
    assert error.value.code == "BAD_USER_INPUT"
    assert not (tmp_path / "models").exists() and not (tmp_path / "escape").exists()


def test_without_a_version_the_name_comes_from_the_data_and_repeats_for_the_same_data(synthetic, tmp_path):
    # when
    first = train(synthetic, models_dir=tmp_path / "one", data_name="my data")
    second = train(synthetic, models_dir=tmp_path / "two", data_name="my data")

    # then
    assert first.version == second.version
    assert first.version.startswith("my-data-") and len(first.version) == len("my-data-") + 8


def test_training_without_a_held_out_part_says_so_in_the_card(synthetic, tmp_path):
    # when
    result = train(synthetic, models_dir=tmp_path, version="all-in", holdout=0)

    # then
    assert result.manifest["metrics"]["heldout"] is None
    assert result.manifest["training_data"]["train_examples"] == len(synthetic.examples)
    assert "trained without a held-out part" in (result.directory / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert registry.list_models(tmp_path)[0].metrics == {}


def test_an_explained_agent_term_weighs_what_it_added_to_the_label_score(tmp_path):
    # given a model that can only tell the labels apart by what the agent said
    agent_says = {DISSATISFIED: "lamentamos", SATISFIED: "felicitaciones", NEUTRAL: "horario"}
    acks = ["ok", "vale", "entendi", "certo", "sure", "bueno"]
    records = [
        {
            "id": f"{label}-{i}",
            "label": label,
            "turns": [
                {"role": "CUSTOMER", "text": acks[i % 6]},
                {"role": "AGENT", "text": word},
                {"role": "CUSTOMER", "text": acks[(i + 1) % 6], "label": label},
            ],
        }
        for label, word in agent_says.items()
        for i in range(30)
    ]
    path = tmp_path / "agents.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    model = train(datasets.load(path), models_dir=tmp_path / "models", version="agents", holdout=0).model
    conversation = [Turn(CUSTOMER, "ok"), Turn(AGENT, "lamentamos"), Turn(CUSTOMER, "vale")]
    without_agent_words = [Turn(CUSTOMER, "ok"), Turn(AGENT, ""), Turn(CUSTOMER, "vale")]

    # when
    [prediction] = model.predict([conversation])

    # then the listed weight is the rise of the label's (centred) score that the agent's word caused
    regression = model.pipeline.named_steps["classifier"].calibrated_classifiers_[0].estimator
    column = list(model.pipeline.classes_).index(prediction.label)

    def centred_score(turns):
        scores = regression.decision_function(model.pipeline[:-1].transform([turns]))[0]
        return scores[column] - scores.mean()

    added = centred_score(conversation) - centred_score(without_agent_words)
    weights = {t.term: t.weight for t in prediction.explanation}
    assert prediction.label == DISSATISFIED
    assert weights["agent: lamentamos"] == pytest.approx(added, abs=1e-3)
