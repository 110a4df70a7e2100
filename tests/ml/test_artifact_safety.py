"""A replaced artifact is refused (MODEL_INVALID) before anything in it runs, even when whoever replaced
it rewrote the manifest to match: the registry reads skops files with a trusted-types list and never
unpickles. Each payload below is shown to run when loaded the unsafe way, then shown not to run."""

import json
import shutil

import joblib
import pytest
import skops.io

from ml import registry
from ml.registry import ModelError


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
