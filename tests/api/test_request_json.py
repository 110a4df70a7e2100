"""The JSON checks every request passes (api/request_json.py): nesting and lone surrogates are refused
whatever the shape of the value, and well-formed text passes, including escapes that only look alike."""

import pytest

from api.request_json import MAX_JSON_DEPTH, BadJson, decode


@pytest.mark.parametrize("text", [
    b'{"a": "\\ud800"}',                       # a lone escaped surrogate in a value
    b'{"\\udfff": 1}',                         # ... in a key
    b'[[{"x": ["ok", "\\uDBFF"]}]]',           # ... deep in a list, upper-case hex
    '{"a": "\ud800"}',                         # a raw surrogate in text (never valid UTF-8 bytes)
    b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1),  # too deep, no string at all
    b'{"e": [' + b'{"a": ' * MAX_JSON_DEPTH + b"1" + b"}" * MAX_JSON_DEPTH + b"]}",
])
def test_bad_json_is_refused(text):
    with pytest.raises(BadJson):
        decode(text)


@pytest.mark.parametrize(("text", "value"), [
    (b'{"a": "\\\\ud800"}', {"a": "\\ud800"}),      # an escaped backslash, then letters: no surrogate
    (b'{"a": "\\ud83d\\ude00"}', {"a": "\U0001F600"}),  # a surrogate pair is one character
    (b'{"events": [{"id": "m1"}, {"id": "m2"}]}', {"events": [{"id": "m1"}, {"id": "m2"}]}),
    (b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH, None),
])
def test_good_json_passes(text, value):
    decoded = decode(text)
    if value is not None:
        assert decoded == value
