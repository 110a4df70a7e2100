"""`rapport model train | evaluate | list` as an operator runs them in a terminal."""

import json

import pytest
from typer.testing import CliRunner

from api.cli import app as cli
from domain.settings import get_settings
from ml.labels import LABELS
from tests.ml.synthetic import write_jsonl, write_uss

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def invoke(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args])


def one_line(text: str) -> str:
    """Rich wraps long messages at the terminal width; read them as one line."""
    return " ".join(text.split())


@pytest.fixture(autouse=True)
def database_url(tmp_path, monkeypatch):
    """A scratch SQLite file, so that no command touches var/."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


@pytest.fixture
def data_dir(tmp_path):
    directory = tmp_path / "data"
    directory.mkdir()
    write_jsonl(directory / "chats.jsonl", per_label=30, seed=3)
    return directory


@pytest.fixture
def trained_v1(data_dir, tmp_path):
    models = tmp_path / "models"
    result = invoke("model", "train", "--data", data_dir, "--format", "jsonl", "--level", "turn", "--version", "v1", "--models-dir", models)
    assert result.exit_code == 0, result.output
    return models


def test_train_writes_the_version_and_prints_its_held_out_metrics(data_dir, tmp_path):
    # given
    models = tmp_path / "models"

    # when
    result = invoke("model", "train", "--data", data_dir, "--format", "jsonl", "--level", "turn", "--version", "v1", "--models-dir", models)

    # then
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (models / "v1").iterdir()) == ["MODEL_CARD.md", "manifest.json", "model.skops"]
    manifest = json.loads((models / "v1" / "manifest.json").read_text())
    assert manifest["version"] == "v1" and manifest["level"] == "turn"
    assert manifest["training_data"]["files"] == ["chats.jsonl"]
    out = one_line(result.stdout)
    assert "trained v1 in" in out
    assert "held-out: UAR" in out
    assert all(label in out for label in LABELS)


def test_evaluate_prints_one_json_object_and_writes_metrics_and_plots(trained_v1, tmp_path):
    # given
    data = write_jsonl(tmp_path / "fresh.jsonl", per_label=10, seed=7)
    output = tmp_path / "eval"

    # when
    result = invoke("model", "evaluate", "--model", trained_v1 / "v1", "--data", data, "--json", "--output", output)

    # then
    assert result.exit_code == 0, result.output
    assert len(result.stdout.strip().splitlines()) == 1
    metrics = json.loads(result.stdout)
    assert {"uar", "uar_ci95", "macro_f1", "kappa", "accuracy", "n", "per_class", "confusion_matrix", "brier", "slices"} <= set(metrics)
    assert metrics["uar_ci95"][0] <= metrics["uar"] <= metrics["uar_ci95"][1]
    assert set(metrics["slices"]["language"]) == {"es", "pt", "en"}
    assert set(metrics["slices"]["position"]) == {"first customer turn", "later customer turns"}
    assert metrics["n"] == 60  # two labelled customer turns per conversation
    assert metrics["model"] == "v1"
    assert set(metrics["per_class"]) == set(LABELS)
    for row in metrics["per_class"].values():
        assert {"precision", "recall", "f1"} <= set(row)
        assert all(0.0 <= row[k] <= 1.0 for k in ("precision", "recall", "f1"))
    assert metrics["accuracy"] >= 0.8
    assert json.loads((output / "metrics.json").read_text()) == metrics
    for plot in ("confusion_matrix.png", "calibration.png"):
        assert (output / plot).read_bytes()[:8] == PNG_MAGIC


def test_evaluate_reads_a_uss_file_at_conversation_level(trained_v1, tmp_path):
    # given
    data = write_uss(tmp_path / "dialogues.txt", per_label=6, seed=11)

    # when
    result = invoke(
        "model", "evaluate", "--model", trained_v1 / "v1", "--data", data, "--level", "conversation",
        "--json", "--output", tmp_path / "eval",
    )

    # then
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    assert metrics["n"] == 18
    assert "uss, conversation level, 18 examples from 18 conversations" in metrics["data"]
    assert metrics["accuracy"] >= 0.8


def test_evaluate_without_json_prints_a_table_and_where_the_files_are(trained_v1, tmp_path):
    # given
    data = write_jsonl(tmp_path / "fresh.jsonl", per_label=5, seed=7)

    # when
    result = invoke("model", "evaluate", "--model", trained_v1 / "v1", "--data", data, "--output", tmp_path / "eval")

    # then
    assert result.exit_code == 0, result.output
    out = one_line(result.stdout)
    assert "model v1 on fresh.jsonl" in out
    assert "confusion matrix" in out and "Brier score" in out
    assert "95% CI" in out and "language: pt" in out and "position: first customer turn" in out
    assert (tmp_path / "eval" / "metrics.json").is_file()


def test_evaluate_takes_a_custom_model_by_import_spec(tmp_path):
    # given
    data = write_jsonl(tmp_path / "fresh.jsonl", per_label=5, seed=7)

    # when
    result = invoke("model", "evaluate", "--model", "tests.ml.custom_model:build", "--data", data, "--json", "--output", tmp_path / "eval")

    # then
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["model"] == "keywords-1"


def test_list_shows_the_trained_version_with_its_held_out_uar(trained_v1):
    # given
    uar = json.loads((trained_v1 / "v1" / "manifest.json").read_text())["metrics"]["heldout"]["uar"]

    # when
    result = invoke("model", "list", "--models-dir", trained_v1)

    # then
    assert result.exit_code == 0, result.output
    out = one_line(result.stdout)
    assert "v1" in out
    assert f"{uar:.3f}" in out
    assert "no versions" not in out


def test_list_of_an_empty_models_directory_says_how_to_train(tmp_path):
    # when
    result = invoke("model", "list", "--models-dir", tmp_path / "models")

    # then
    assert result.exit_code == 0, result.output
    assert "no versions; train one with `rapport model train --data PATH`" in one_line(result.stdout)


def test_train_on_a_bad_data_file_exits_2_saying_where_and_writes_nothing(tmp_path):
    # given
    data = tmp_path / "bad.jsonl"
    data.write_text('{"id": "1", "label": "NEUTRAL", "turns": [{"role": "CUSTOMER", "text": "hi"}]}\n{"id": 2,\n', encoding="utf-8")
    models = tmp_path / "models"

    # when
    result = invoke("model", "train", "--data", data, "--version", "v1", "--models-dir", models)

    # then
    assert result.exit_code == 2
    assert "error: bad.jsonl line 2: not JSON" in one_line(result.stderr)
    assert result.stdout == ""
    assert not models.exists()


def test_train_on_too_few_examples_of_a_label_exits_2_and_writes_nothing(tmp_path):
    # given
    data = tmp_path / "tiny.jsonl"
    data.write_text(
        "".join(
            json.dumps({"id": str(i), "label": label, "turns": [{"role": "CUSTOMER", "text": f"texto {label.lower()}"}]}) + "\n"
            for i, label in enumerate(["SATISFIED"] * 5 + ["NEUTRAL"] * 5 + ["DISSATISFIED"])
        ),
        encoding="utf-8",
    )
    models = tmp_path / "models"

    # when
    result = invoke("model", "train", "--data", data, "--version", "v1", "--holdout", "0", "--models-dir", models)

    # then
    assert result.exit_code == 2
    assert "every label needs at least 3 training examples" in one_line(result.stderr)
    assert not (models / "v1").exists()


def test_training_an_existing_version_again_exits_2_and_keeps_it(trained_v1, data_dir):
    # given
    before = (trained_v1 / "v1" / "model.skops").read_bytes()

    # when
    result = invoke("model", "train", "--data", data_dir, "--version", "v1", "--models-dir", trained_v1)

    # then
    assert result.exit_code == 2
    assert "model version 'v1' already exists" in one_line(result.stderr)
    assert (trained_v1 / "v1" / "model.skops").read_bytes() == before


def test_evaluate_on_a_bad_data_file_exits_2_and_writes_nothing(trained_v1, tmp_path):
    # given
    data = tmp_path / "bad.csv"
    data.write_text("id,role,text,label\na,CUSTOMER,hola,FELIZ\n", encoding="utf-8")
    output = tmp_path / "eval"

    # when
    result = invoke("model", "evaluate", "--model", trained_v1 / "v1", "--data", data, "--json", "--output", output)

    # then
    assert result.exit_code == 2
    assert "error: bad.csv line 2: unknown label 'FELIZ'" in one_line(result.stderr)
    assert result.stdout == ""
    assert not output.exists()


@pytest.mark.parametrize(("model", "complaint"), [("v9", "no model version 'v9'"), ("../v1", "invalid model version '../v1'")])
def test_evaluate_with_a_model_that_does_not_load_exits_2(trained_v1, data_dir, tmp_path, model, complaint):
    # when
    result = invoke("model", "evaluate", "--model", model, "--models-dir", trained_v1, "--data", data_dir, "--output", tmp_path / "eval")

    # then
    assert result.exit_code == 2
    assert complaint in one_line(result.stderr)
    assert not (tmp_path / "eval").exists()


def test_train_takes_pipeline_parameters_and_records_them(data_dir, tmp_path):
    # given
    models = tmp_path / "models"

    # when
    result = invoke(
        "model", "train", "--data", data_dir, "--version", "v2", "--param", "C=1", "--param", "min_df=1", "--models-dir", models
    )

    # then
    assert result.exit_code == 0, result.output
    parameters = json.loads((models / "v2" / "manifest.json").read_text())["parameters"]
    assert parameters["C"] == 1.0 and parameters["min_df"] == 1
    assert parameters["seed"] == 13


@pytest.mark.parametrize(("param", "complaint"), [("nope=1", "expected KEY=VALUE"), ("min_df=many", "expected a value like 2")])
def test_train_with_an_unknown_or_mistyped_parameter_exits_2_and_writes_nothing(data_dir, tmp_path, param, complaint):
    # when
    result = invoke("model", "train", "--data", data_dir, "--version", "v2", "--param", param, "--models-dir", tmp_path / "models")

    # then
    assert result.exit_code == 2
    assert complaint in one_line(result.stderr)
    assert not (tmp_path / "models").exists()
