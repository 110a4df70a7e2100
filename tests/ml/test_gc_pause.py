"""Scoring pauses the cyclic garbage collector for the batch only, and leaves it as it found it."""

import gc

import pytest

from ml.conversation import CUSTOMER, Turn
from ml.gc_pause import cyclic_gc_paused
from ml.serving import ModelServer


def test_the_collector_runs_again_after_a_batch_and_after_a_failure(trained):
    # given
    assert gc.isenabled()

    # when
    ModelServer.score(trained.model, [[Turn(CUSTOMER, "muchas gracias")]])
    after_batch = gc.isenabled()
    with pytest.raises(RuntimeError), cyclic_gc_paused():
        paused = not gc.isenabled()
        raise RuntimeError("scoring failed")

    # then
    assert after_batch and paused
    assert gc.isenabled()


def test_a_collector_turned_off_by_the_application_stays_off(trained):
    # given
    gc.disable()
    try:
        # when
        trained.model.predict([[Turn(CUSTOMER, "ok")]])

        # then
        assert not gc.isenabled()
    finally:
        gc.enable()
