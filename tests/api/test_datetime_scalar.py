"""The DateTime scalar's faster parser reads every input exactly as Strawberry's isoparse did."""

from datetime import UTC, datetime, timedelta, timezone

from dateutil.parser import isoparse
from hypothesis import given, settings
from hypothesis import strategies as st

from api.types.scalars import parse_datetime


def _verdict(parse, text: str):
    try:
        value = parse(text)
    except (ValueError, OverflowError):
        return "refused"
    return value, value.utcoffset()


# ISO 8601 look-alikes: the characters and pieces clients send, shuffled into near misses too.
PIECES = st.sampled_from(
    ["2026", "-", "12", "01", "T", " ", "10", ":", "00", "59", "60", "24", ".", ",", "123", "123456789", "Z", "z",
     "+", "03", "05:30", "0530", "W", "W01", "-2", "335", "+00:00", "-03:00", "1", "99", ""]
)


@settings(max_examples=1000, deadline=None)
@given(st.lists(PIECES, max_size=12).map("".join) | st.from_regex(
    r"\A\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?\Z"))
def test_any_text_is_accepted_or_refused_as_isoparse_decides(text):
    assert _verdict(parse_datetime, text) == _verdict(isoparse, text)


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)),
    st.sampled_from([None, UTC, timezone(timedelta(hours=-3)), timezone(timedelta(hours=5, minutes=30))]),
    st.sampled_from(["T", " "]),
    st.sampled_from(["auto", "seconds", "milliseconds", "microseconds", "minutes"]),
)
def test_the_forms_clients_send_mean_the_same_instant(moment, zone, separator, precision):
    text = moment.replace(tzinfo=zone).isoformat(sep=separator, timespec=precision)
    for variant in {text, text.replace("+00:00", "Z")}:
        assert _verdict(parse_datetime, variant) == _verdict(isoparse, variant)
