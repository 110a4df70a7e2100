"""Model versions on disk: found by version, directory or import spec; damaged or unusable ones refused
(a replaced artifact that would run code: tests/ml/test_artifact_safety.py)."""

import json
import shutil

import pytest

from ml import registry
from ml.conversation import AGENT, CUSTOMER, Turn
from ml.labels import DISSATISFIED, NEUTRAL, SATISFIED
from ml.registry import ModelError

CONVERSATION = [Turn(CUSTOMER, "mi pedido no llegó"), Turn(AGENT, "Déjame revisarlo."), Turn(CUSTOMER, "muchas gracias")]


@pytest.fixture
def models_dir(trained, tmp_path):
    """A private copy of the trained version t1, free to damage."""
    target = tmp_path / "models"
    shutil.copytree(trained.directory, target / "t1")
    return target


def test_a_version_loads_by_name_and_by_directory_and_predicts_as_trained(trained, models_dir):
    # when
    by_name = registry.load("t1", models_dir)
    by_directory = registry.load(str(models_dir / "t1"), models_dir=models_dir / "elsewhere")

    # then
    expected = trained.model.predict([CONVERSATION])[0]
    for model in (by_name, by_directory):
        assert model.version == "t1"
        [prediction] = model.predict([CONVERSATION])
        assert prediction.label == expected.label == SATISFIED
        assert prediction.probabilities == pytest.approx(expected.probabilities)


def test_a_manifest_pointing_outside_its_directory_is_refused(models_dir, trained, tmp_path):
    # given another directory holding a real artifact, named by a relative path
    shutil.copytree(trained.directory, tmp_path / "other")
    manifest = json.loads((models_dir / "t1" / "manifest.json").read_text())
    manifest["artifact"]["file"] = "../../other/model.joblib"
    (models_dir / "t1" / "manifest.json").write_text(json.dumps(manifest))

    # when
    with pytest.raises(ModelError) as error:
        registry.load("t1", models_dir)

    # then
    assert error.value.code == "MODEL_INVALID"
    assert "is missing" in error.value.message


@pytest.mark.parametrize(
    ("damage", "complaint"),
    [
        (lambda d: (d / "model.skops").unlink(), "is missing"),
        (lambda d: (d / "manifest.json").write_text("{not json"), "is not readable JSON"),
        (lambda d: (d / "manifest.json").write_text('{"format": 99, "artifact": {}}'), "is not a Rapport model manifest"),
    ],
)
def test_a_version_missing_its_artifact_or_with_a_broken_manifest_is_invalid(models_dir, damage, complaint):
    # given
    damage(models_dir / "t1")

    # when
    with pytest.raises(ModelError) as error:
        registry.load("t1", models_dir)

    # then
    assert error.value.code == "MODEL_INVALID"
    assert complaint in error.value.message


@pytest.mark.parametrize("version", ["../x", "../../etc", "a/b", ".hidden", "-rf", "x" * 65, "v 1"])
def test_a_version_that_is_not_a_plain_name_is_bad_user_input(models_dir, version):
    # when
    with pytest.raises(ModelError) as error:
        registry.load(version, models_dir)

    # then
    assert error.value.code == "BAD_USER_INPUT"
    assert "invalid model version" in error.value.message


def test_an_unknown_version_is_not_found(models_dir):
    # when
    with pytest.raises(ModelError) as error:
        registry.load("t2", models_dir)

    # then
    assert error.value.code == "NOT_FOUND"
    assert "no model version 't2'" in error.value.message


def test_an_import_spec_loads_a_custom_model():
    # when
    model = registry.load("tests.ml.custom_model:build")

    # then
    assert model.version == "keywords-1"
    predictions = model.predict(
        [
            [Turn(CUSTOMER, "Muchas gracias!")],
            [Turn(CUSTOMER, "hola"), Turn(AGENT, "hola"), Turn(CUSTOMER, "this is terrible")],
            [Turn(CUSTOMER, "what time do you open?")],
        ]
    )
    assert [p.label for p in predictions] == [SATISFIED, DISSATISFIED, NEUTRAL]
    assert predictions[0].explanation[0].term == "customer: gracias"


@pytest.mark.parametrize(
    ("spec", "complaint"),
    [
        ("tests.ml.custom_model:build_not_a_model", "is not a satisfaction model"),
        ("tests.ml.custom_model:build_failing", "RuntimeError: keyword list not found"),
        ("tests.ml.custom_model:no_such_factory", "failed to load (AttributeError"),
        ("tests.ml.no_such_module:build", "failed to load (ModuleNotFoundError"),
    ],
)
def test_an_import_spec_that_does_not_give_a_model_is_invalid(spec, complaint):
    # when
    with pytest.raises(ModelError) as error:
        registry.load(spec)

    # then
    assert error.value.code == "MODEL_INVALID"
    assert complaint in error.value.message


@pytest.mark.parametrize("spec", ["tests.ml.custom_model:", ":build", "tests.ml.custom_model:build()", "os:system:ls"])
def test_a_malformed_import_spec_is_bad_user_input(spec):
    # when
    with pytest.raises(ModelError) as error:
        registry.load(spec)

    # then
    assert error.value.code == "BAD_USER_INPUT"


def test_listing_shows_readable_versions_newest_first_and_skips_the_rest(models_dir):
    # given an older copy, a directory without a manifest and one with an unusable name
    shutil.copytree(models_dir / "t1", models_dir / "t0")
    manifest = json.loads((models_dir / "t0" / "manifest.json").read_text())
    manifest.update(version="t0", created_at="2000-01-01T00:00:00+00:00")
    (models_dir / "t0" / "manifest.json").write_text(json.dumps(manifest))
    (models_dir / "empty").mkdir()
    shutil.copytree(models_dir / "t1", models_dir / ".hidden")

    # when
    listed = registry.list_models(models_dir)

    # then
    assert [m.version for m in listed] == ["t1", "t0"]
    assert listed[0].metrics["n"] > 0 and 0 <= listed[0].metrics["uar"] <= 1
    assert "synthetic.jsonl" in listed[0].trained_on
    assert registry.list_models(models_dir / "nothing-here") == []


def test_a_version_folder_copied_under_another_name_is_refused_and_not_listed(models_dir):
    # given t1 copied to a folder named t2 (its manifest still says t1)
    shutil.copytree(models_dir / "t1", models_dir / "t2")

    # when it is asked for by the folder's name
    with pytest.raises(ModelError) as refused:
        registry.load("t2", models_dir)

    # then it is refused rather than served under a name its verdicts would not carry
    assert refused.value.code == "MODEL_INVALID"
    assert "t1" in refused.value.message
    assert [m.version for m in registry.list_models(models_dir)] == ["t1"]
