"""domain.metrics: what each rate divides, which channels it covers, and the window it spans."""

from datetime import UTC, date, datetime

import pytest

from domain.enums import Channel
from domain.metrics import Counters, compute_metrics, validate_window, window_start

SMS, EMAIL, WHATSAPP, RCS = Channel.SMS, Channel.EMAIL, Channel.WHATSAPP, Channel.RCS


def channels_of(metrics, rate: str) -> list[Channel]:
    return [c.channel for c in metrics.rates[rate].by_channel]


def on(metrics, rate: str, channel: Channel) -> tuple[float | None, int, int]:
    (found,) = [c.ratio for c in metrics.rates[rate].by_channel if c.channel == channel]
    return found.value, found.numerator, found.denominator


def overall(metrics, rate: str) -> tuple[float | None, int, int]:
    ratio = metrics.rates[rate].ratio
    return ratio.value, ratio.numerator, ratio.denominator


def test_each_rate_lists_only_the_channels_it_applies_to():
    # given counters on every channel, so nothing is missing for lack of data
    counters = {ch: Counters(sent=4, delivered=4, read=2, clicked=1, replied=1) for ch in Channel}

    # when
    metrics = compute_metrics(counters, 90)

    # then SMS cannot be opened or clicked; e-mail and RCS have no replies to measure
    assert set(channels_of(metrics, "deliveryRate")) == {SMS, EMAIL, WHATSAPP, RCS}
    assert SMS not in channels_of(metrics, "openRate")
    assert SMS not in channels_of(metrics, "clickRate")
    assert set(channels_of(metrics, "openRate")) == {EMAIL, WHATSAPP, RCS}
    assert set(channels_of(metrics, "responseRate")) == {SMS, WHATSAPP}
    assert EMAIL not in channels_of(metrics, "responseRate")
    assert RCS not in channels_of(metrics, "responseRate")


def test_without_data_every_value_is_null_over_zero():
    # given no message at all
    metrics = compute_metrics({}, 90)

    # then nothing is invented: no 0 % and no 100 %, just 0/0 and a null value
    for name in ("deliveryRate", "openRate", "clickRate", "responseRate"):
        assert overall(metrics, name) == (None, 0, 0)
        for channel in channels_of(metrics, name):
            assert on(metrics, name, channel) == (None, 0, 0)
    assert metrics.window_days == 90


def test_a_channel_without_sends_is_null_while_others_have_values():
    # given only WhatsApp traffic
    metrics = compute_metrics({WHATSAPP: Counters(sent=2, delivered=1)}, 30)

    # then
    assert on(metrics, "deliveryRate", WHATSAPP) == (0.5, 1, 2)
    assert on(metrics, "deliveryRate", EMAIL) == (None, 0, 0)
    assert overall(metrics, "deliveryRate") == (0.5, 1, 2)


def test_blocked_sends_count_as_sends_but_never_as_deliveries():
    # given 3 messages went out, 2 arrived, and 2 more were blocked because the contact unsubscribed
    counters = {SMS: Counters(sent=3, delivered=2, blocked=2)}

    # when
    metrics = compute_metrics(counters, 90)

    # then the blocked ones lower the delivery rate: 2 of 5
    assert on(metrics, "deliveryRate", SMS) == (0.4, 2, 5)
    assert overall(metrics, "deliveryRate") == (0.4, 2, 5)


def test_only_blocked_sends_give_a_zero_delivery_rate_not_null():
    metrics = compute_metrics({EMAIL: Counters(blocked=3)}, 90)
    assert on(metrics, "deliveryRate", EMAIL) == (0.0, 0, 3)


def test_failed_and_bounced_messages_are_not_deliveries():
    metrics = compute_metrics({EMAIL: Counters(sent=4, delivered=1, bounced=2, failed=1)}, 90)
    assert on(metrics, "deliveryRate", EMAIL) == (0.25, 1, 4)


def test_sms_deliveries_do_not_dilute_the_open_rate():
    # given many SMS delivered (which can never be "opened") and e-mails half opened
    counters = {
        SMS: Counters(sent=50, delivered=50, replied=5),
        EMAIL: Counters(sent=4, delivered=4, read=2, clicked=1),
    }

    # when
    metrics = compute_metrics(counters, 90)

    # then open and click rates are over the 4 e-mails only
    assert overall(metrics, "openRate") == (0.5, 2, 4)
    assert overall(metrics, "clickRate") == (0.25, 1, 4)
    # and delivery covers every channel; responses only SMS and WhatsApp
    assert overall(metrics, "deliveryRate") == (1.0, 54, 54)
    assert overall(metrics, "responseRate") == (0.1, 5, 50)


def test_email_replies_do_not_count_in_the_response_rate():
    # given e-mail and RCS replies (the rate is not defined there) and one WhatsApp reply in 2
    counters = {
        EMAIL: Counters(sent=10, delivered=10, replied=10),
        RCS: Counters(sent=10, delivered=10, replied=10),
        WHATSAPP: Counters(sent=2, delivered=2, replied=1),
    }

    # when
    metrics = compute_metrics(counters, 90)

    # then
    assert overall(metrics, "responseRate") == (0.5, 1, 2)


def test_overall_is_the_sum_of_applicable_channels():
    # given
    counters = {
        SMS: Counters(sent=1, delivered=1, replied=1),
        EMAIL: Counters(sent=2, delivered=1, read=1),
        WHATSAPP: Counters(sent=2, delivered=2, read=1, clicked=1, replied=1),
    }

    # when
    metrics = compute_metrics(counters, 90)

    # then each overall ratio is the sum of its channels' numerators over their denominators
    for name in ("deliveryRate", "openRate", "clickRate", "responseRate"):
        by_channel = metrics.rates[name].by_channel
        _, num, den = overall(metrics, name)
        assert num == sum(c.ratio.numerator for c in by_channel)
        assert den == sum(c.ratio.denominator for c in by_channel)
    assert overall(metrics, "deliveryRate") == (0.8, 4, 5)
    assert overall(metrics, "openRate") == (2 / 3, 2, 3)
    assert overall(metrics, "responseRate") == (2 / 3, 2, 3)


@pytest.mark.parametrize(
    ("now", "days", "first_day"),
    [
        (datetime(2026, 11, 20, 12, 0, tzinfo=UTC), 1, date(2026, 11, 20)),
        (datetime(2026, 11, 20, 0, 0, tzinfo=UTC), 1, date(2026, 11, 20)),
        (datetime(2026, 11, 20, 23, 59, 59, tzinfo=UTC), 1, date(2026, 11, 20)),
        (datetime(2026, 11, 20, 12, 0, tzinfo=UTC), 2, date(2026, 11, 19)),
        (datetime(2026, 11, 20, 12, 0, tzinfo=UTC), 90, date(2026, 8, 23)),
        (datetime(2026, 3, 1, 12, 0, tzinfo=UTC), 365, date(2025, 3, 2)),
    ],
)
def test_window_starts_days_minus_one_before_today(now, days, first_day):
    # a window of `days` days includes today: 1 day is today only, 90 days is today and the 89 before
    assert window_start(now, days) == first_day


@pytest.mark.parametrize("days", [0, -1, 366])
def test_window_out_of_range_is_refused(days):
    with pytest.raises(ValueError):
        validate_window(days)


@pytest.mark.parametrize("days", [1, 90, 365])
def test_window_in_range_is_accepted(days):
    validate_window(days)
