"""The model server: loads each model once, scores conversations and their customer turns, keeps serving."""

import shutil

import pytest

from ml.conversation import AGENT, CUSTOMER, Turn
from ml.labels import DISSATISFIED, LABELS, SATISFIED
from ml.protocol import PredictionError
from ml.registry import ModelError
from ml.serving import ModelServer

HAPPY_ENDING = [
    Turn(CUSTOMER, "mi pedido sigue roto"),
    Turn(AGENT, "Déjame revisarlo."),
    Turn(AGENT, "Listo, te enviamos otro."),
    Turn(CUSTOMER, "muchas gracias, excelente atención"),
    Turn(AGENT, "¡A vos!"),
]
ONLY_AGENT = [Turn(AGENT, "Olá, como posso ajudar?")]
ONE_TURN = [Turn(CUSTOMER, "this is terrible")]


@pytest.fixture
def models_dir(trained, tmp_path):
    target = tmp_path / "models"
    shutil.copytree(trained.directory, target / "t1")
    return target


def damage(models_dir, version="t1"):
    artifact = models_dir / version / "model.skops"
    data = bytearray(artifact.read_bytes())
    data[-1] ^= 0xFF
    artifact.write_bytes(bytes(data))


def test_a_model_is_loaded_once_and_then_kept(models_dir):
    # given
    server = ModelServer(models_dir=models_dir, default_spec="t1")
    first = server.model("t1")

    # when the artifact is damaged after the first load
    damage(models_dir)
    second = server.model("t1")

    # then
    assert second is first
    assert second.version == "t1"


def test_score_judges_each_conversation_whole_and_at_each_customer_turn(models_dir):
    # given
    server = ModelServer(models_dir=models_dir, default_spec="t1")
    model = server.model("t1")

    # when
    scored = ModelServer.score(model, [HAPPY_ENDING, ONLY_AGENT, ONE_TURN])

    # then
    happy, silent, short = scored
    assert silent is None
    assert set(happy.turns) == {0, 3}
    assert happy.turns[0].label == DISSATISFIED
    assert happy.turns[3].label == SATISFIED
    assert happy.conversation.label == SATISFIED
    assert set(short.turns) == {0}
    assert short.conversation.label == short.turns[0].label == DISSATISFIED


def test_a_customer_turn_is_judged_on_the_conversation_up_to_it_only(models_dir):
    # given
    model = ModelServer(models_dir=models_dir, default_spec="t1").model("t1")

    # when
    [scored] = ModelServer.score(model, [HAPPY_ENDING])
    [alone] = ModelServer.predict(model, [HAPPY_ENDING[:1]])
    [whole] = ModelServer.predict(model, [HAPPY_ENDING])

    # then
    assert scored.turns[0].probabilities == pytest.approx(alone.probabilities)
    assert scored.conversation.probabilities == pytest.approx(whole.probabilities)


def test_scoring_nothing_or_only_silent_conversations_gives_no_verdicts(models_dir):
    # given
    model = ModelServer(models_dir=models_dir, default_spec="t1").model("t1")

    # when
    nothing = ModelServer.score(model, [])
    silent = ModelServer.score(model, [ONLY_AGENT, []])

    # then
    assert nothing == []
    assert silent == [None, None]


def test_a_scope_keeps_its_previous_model_when_the_new_spec_fails_to_load(models_dir):
    # given
    server = ModelServer(models_dir=models_dir, default_spec="t1")
    serving = server.serve("workspace-1", "t1")

    # when
    missing = server.serve("workspace-1", "t9")
    broken = server.serve("workspace-1", "tests.ml.custom_model:build_failing")

    # then
    assert missing is serving and broken is serving
    assert missing.version == "t1"


def test_a_scope_without_a_previous_model_gets_the_load_error(models_dir):
    # given another scope served t1
    server = ModelServer(models_dir=models_dir, default_spec="t1")
    server.serve("workspace-1", "t1")

    # when
    with pytest.raises(ModelError) as error:
        server.serve("workspace-2", "t9")

    # then
    assert error.value.code == "NOT_FOUND"


def test_a_scope_moves_to_a_new_spec_that_loads(models_dir):
    # given
    server = ModelServer(models_dir=models_dir, default_spec="t1")
    server.serve("workspace-1", "t1")

    # when
    custom = server.serve("workspace-1", "tests.ml.custom_model:build")
    after_failure = server.serve("workspace-1", "t9")

    # then
    assert custom.version == "keywords-1"
    assert after_failure is custom


def test_a_model_that_failed_to_load_is_not_retried_at_once_but_check_retries_it(models_dir, trained):
    # given
    server = ModelServer(models_dir=models_dir, default_spec="t1")
    damage(models_dir)
    with pytest.raises(ModelError):
        server.model("t1")
    shutil.copy(trained.directory / "model.skops", models_dir / "t1" / "model.skops")  # repaired

    # when
    with pytest.raises(ModelError) as again:
        server.model("t1")
    checked = server.check("t1")

    # then
    assert again.value.code == "MODEL_INVALID"
    assert checked.version == "t1"
    assert server.model("t1") is checked


@pytest.mark.parametrize(
    ("spec", "error", "complaint"),
    [
        ("tests.ml.custom_model:build_bad_probabilities", PredictionError, "not a distribution"),
        ("tests.ml.custom_model:build_unknown_label", PredictionError, "returned label 'HAPPY'"),
        ("tests.ml.custom_model:build_forgetful", ModelError, "returned 1 verdicts for 2 conversations"),
    ],
)
def test_a_custom_model_returning_no_proper_verdicts_is_rejected(models_dir, spec, error, complaint):
    # given
    model = ModelServer(models_dir=models_dir, default_spec="t1").model(spec)

    # when
    with pytest.raises(error) as raised:
        ModelServer.predict(model, [ONE_TURN, HAPPY_ENDING])

    # then
    assert complaint in str(raised.value)


def test_a_custom_model_with_proper_verdicts_serves(models_dir):
    # given
    model = ModelServer(models_dir=models_dir, default_spec="t1").model("tests.ml.custom_model:build")

    # when
    [scored] = ModelServer.score(model, [HAPPY_ENDING])

    # then
    assert scored.conversation.label == SATISFIED
    assert set(scored.conversation.probabilities) == set(LABELS)
    assert scored.turns[0].label == DISSATISFIED
    assert scored.turns[0].version == "keywords-1"


def test_the_server_lists_versions_and_describes_one(models_dir):
    # given
    server = ModelServer(models_dir=models_dir, default_spec="t1")

    # when
    versions = server.versions()
    info = server.info("t1")

    # then
    assert [v.version for v in versions] == ["t1"]
    assert info.path == models_dir / "t1"
    assert info.manifest["artifact"]["file"] == "model.skops"
