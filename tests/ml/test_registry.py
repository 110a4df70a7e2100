"""Model versions on disk: found by version, directory or import spec; a replaced artifact never runs,
even when whoever replaced it rewrote the manifest too."""

import json
import shutil

import joblib
import pytest
import skops.io

from ml import registry
from ml.conversation import AGENT, CUSTOMER, Turn
from ml.labels import DISSATISFIED, NEUTRAL, SATISFIED
from ml.registry import ModelError

CONVERSATION = [Turn(CUSTOMER, "mi pedido no llegó"), Turn(AGENT, "Déjame revisarlo."), Turn(CUSTOMER, "muchas gracias")]


class CreatesMarker:
    """A pickle whose loading creates a file: what a swapped artifact could do instead."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


class BuildsMarker:
    """An object whose rebuilding from a file creates a file (skops sets its state through this)."""

    def __init__(self, marker):
        self.marker = marker

    def __setstate__(self, state):
        open(state["marker"], "w").close()
        self.__dict__.update(state)


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


def rewrite_manifest(directory, **artifact):
    """What whoever replaced the artifact would do next: make the manifest agree with it."""
    manifest = json.loads((directory / "manifest.json").read_text())
    manifest["artifact"].update(sha256=registry.sha256_of(directory / "model.skops"), **artifact)
    (directory / "manifest.json").write_text(json.dumps(manifest))


def test_a_changed_artifact_byte_is_refused_naming_the_sha256(models_dir):
    # given
    artifact = models_dir / "t1" / "model.skops"
    data = bytearray(artifact.read_bytes())
    data[len(data) // 2] ^= 0x01
    artifact.write_bytes(bytes(data))

    # when
    with pytest.raises(ModelError) as error:
        registry.load("t1", models_dir)

    # then
    assert error.value.code == "MODEL_INVALID"
    assert "sha256" in error.value.message and "refusing to load it" in error.value.message


def test_a_pickle_in_place_of_the_artifact_is_refused_without_running_even_with_a_matching_manifest(models_dir, tmp_path):
    # given a payload that does run code when unpickled
    control_marker = tmp_path / "control-ran"
    joblib.dump(CreatesMarker(control_marker), tmp_path / "control.joblib")
    joblib.load(tmp_path / "control.joblib")
    assert control_marker.exists()
    # and the same payload in place of t1's artifact, its manifest rewritten to carry the payload's sha256
    marker = tmp_path / "swapped-ran"
    joblib.dump(CreatesMarker(marker), models_dir / "t1" / "model.skops")
    rewrite_manifest(models_dir / "t1")

    # when
    with pytest.raises(ModelError) as error:
        registry.load("t1", models_dir)

    # then
    assert error.value.code == "MODEL_INVALID"
    assert "not a skops file" in error.value.message
    assert not marker.exists()


def test_a_manifest_naming_a_pickle_as_its_artifact_is_refused_without_running_it(models_dir, tmp_path):
    # given the payload as model.joblib, and a manifest that names it with its sha256
    marker = tmp_path / "named-ran"
    joblib.dump(CreatesMarker(marker), models_dir / "t1" / "model.joblib")
    manifest = json.loads((models_dir / "t1" / "manifest.json").read_text())
    manifest["artifact"].update(file="model.joblib", sha256=registry.sha256_of(models_dir / "t1" / "model.joblib"))
    (models_dir / "t1" / "manifest.json").write_text(json.dumps(manifest))

    # when
    with pytest.raises(ModelError) as error:
        registry.load("t1", models_dir)

    # then
    assert error.value.code == "MODEL_INVALID"
    assert not marker.exists()


def test_a_skops_artifact_naming_an_untrusted_type_is_refused_before_anything_in_it_is_built(models_dir, tmp_path):
    # given a skops file holding an object whose rebuilding creates a file (as it does when trusted)
    control_marker = tmp_path / "control-built"
    skops.io.dump(BuildsMarker(str(control_marker)), tmp_path / "control.skops")
    skops.io.load(tmp_path / "control.skops", trusted=skops.io.get_untrusted_types(file=tmp_path / "control.skops"))
    assert control_marker.exists()
    # and such a file in place of t1's artifact, with a manifest agreeing with it
    marker = tmp_path / "skops-ran"
    skops.io.dump(BuildsMarker(str(marker)), models_dir / "t1" / "model.skops")
    rewrite_manifest(models_dir / "t1")

    # when
    with pytest.raises(ModelError) as error:
        registry.load("t1", models_dir)

    # then
    assert error.value.code == "MODEL_INVALID"
    assert "not trusted" in error.value.message and "BuildsMarker" in error.value.message
    assert not marker.exists()


def test_a_version_written_as_a_joblib_pickle_before_is_refused_unread(models_dir, tmp_path):
    # given a format 1 manifest (joblib) and its pickle
    marker = tmp_path / "old-ran"
    joblib.dump(CreatesMarker(marker), models_dir / "t1" / "model.joblib")
    manifest = json.loads((models_dir / "t1" / "manifest.json").read_text())
    manifest.update(format=1, artifact={"file": "model.joblib", "sha256": registry.sha256_of(models_dir / "t1" / "model.joblib")})
    (models_dir / "t1" / "manifest.json").write_text(json.dumps(manifest))

    # when
    with pytest.raises(ModelError) as error:
        registry.load("t1", models_dir)

    # then
    assert error.value.code == "MODEL_INVALID"
    assert "format 1" in error.value.message and "retrain" in error.value.message
    assert not marker.exists()


def test_a_model_trained_with_another_lexicon_is_refused(models_dir):
    # given
    manifest = json.loads((models_dir / "t1" / "manifest.json").read_text())
    manifest["features"]["lexicon_sha256"] = "0" * 64
    (models_dir / "t1" / "manifest.json").write_text(json.dumps(manifest))

    # when
    with pytest.raises(ModelError) as error:
        registry.load("t1", models_dir)

    # then
    assert error.value.code == "MODEL_INVALID"
    assert "another polarity lexicon" in error.value.message


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


def test_an_intact_artifact_that_is_not_a_pipeline_is_invalid(models_dir):
    # given an artifact of trusted types only, whose sha256 the manifest agrees with, holding a plain dict
    skops.io.dump({"weights": [1, 2, 3]}, models_dir / "t1" / "model.skops")
    rewrite_manifest(models_dir / "t1")

    # when
    with pytest.raises(ModelError) as error:
        registry.load("t1", models_dir)

    # then
    assert error.value.code == "MODEL_INVALID"
    assert "not a scikit-learn Pipeline" in error.value.message


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
