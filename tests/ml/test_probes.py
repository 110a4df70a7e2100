"""The shipped model (models/support-v1) on short strong complaints and praise in es, pt and en, as
written, shouted, with "!!!" or "?!", and with an emoji: each must get the obvious label, alone as
the opening turn and after a neutral exchange. Bare acknowledgements ("ok", "OK!!!") stay NEUTRAL.

The model is loaded once, through the registry (sha256 and trusted types checked), as a server would.
"""

import pytest

from ml.conversation import Turn
from ml.registry import DEFAULT_MODELS_DIR, load
from tests.ml.probes import BEFORE, probes

PROBES = probes()


@pytest.fixture(scope="module")
def shipped():
    return load("support-v1", DEFAULT_MODELS_DIR)


@pytest.fixture(scope="module")
def verdicts(shipped):
    """(alone, after a neutral exchange) per probe, scored in two batches."""
    alone = shipped.predict([[Turn("CUSTOMER", text)] for _, text, _ in PROBES])
    after = shipped.predict([[Turn(role, said) for role, said in BEFORE[language]] + [Turn("CUSTOMER", text)]
                             for language, text, _ in PROBES])
    return dict(zip(PROBES, zip(alone, after, strict=True), strict=True))


def _why(prediction) -> str:
    probabilities = ", ".join(f"{label} {p:.2f}" for label, p in prediction.probabilities.items())
    terms = ", ".join(f"{t.term} ({t.weight})" for t in prediction.explanation or ())
    return f"got {prediction.label} ({probabilities}) because of: {terms or 'nothing listed'}"


@pytest.mark.parametrize("probe", PROBES, ids=[f"{language}-{expected[:3]}-{text}" for language, text, expected in PROBES])
def test_a_probe_gets_the_obvious_label_alone_and_after_a_neutral_exchange(verdicts, probe):
    # given
    language, text, expected = probe

    # when
    alone, after = verdicts[probe]

    # then
    assert alone.label == expected, f"{text!r} ({language}) as the opening turn should be {expected}: {_why(alone)}"
    assert after.label == expected, f"{text!r} ({language}) after a neutral exchange should be {expected}: {_why(after)}"


def test_every_language_and_label_is_probed_with_every_variant():
    # given
    combinations = {(language, expected) for language, _, expected in PROBES}

    # then
    assert combinations == {(lang, label) for lang in ("es", "pt", "en") for label in ("DISSATISFIED", "NEUTRAL", "SATISFIED")}
    assert any(text.endswith("!!!") and text.isupper() for _, text, _ in PROBES)
    assert any(text.endswith("?!") for _, text, _ in PROBES)
    assert any("😡" in text for _, text, _ in PROBES) and any("😍" in text for _, text, _ in PROBES)
