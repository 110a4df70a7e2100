"""One model trained once on the synthetic conversations, shared (read-only) by the ml tests."""

import pytest

from ml import datasets
from ml.train import TrainResult, train
from tests.ml.synthetic import write_jsonl


@pytest.fixture(scope="session")
def synthetic_file(tmp_path_factory: pytest.TempPathFactory):
    return write_jsonl(tmp_path_factory.mktemp("data") / "synthetic.jsonl")


@pytest.fixture(scope="session")
def synthetic(synthetic_file) -> datasets.Dataset:
    return datasets.load(synthetic_file, level="turn")


@pytest.fixture(scope="session")
def trained(synthetic, tmp_path_factory: pytest.TempPathFactory) -> TrainResult:
    """Version t1 in its own models directory. Tests that damage it work on a copy."""
    return train(synthetic, models_dir=tmp_path_factory.mktemp("models"), version="t1")
