"""Message metrics as the API shows them: each rate with its numerator and denominator."""

import strawberry

from api.types.enums import Channel
from domain import metrics


@strawberry.type(description="A rate on one channel; `value` is null when there is nothing to divide by.")
class ChannelRate:
    channel: Channel
    value: float | None
    numerator: int
    denominator: int


@strawberry.type(description="A rate over every channel it applies to, and per channel.")
class Rate:
    value: float | None
    numerator: int
    denominator: int
    by_channel: list[ChannelRate]

    @classmethod
    def from_domain(cls, rate: metrics.Rate) -> "Rate":
        return cls(
            value=rate.ratio.value,
            numerator=rate.ratio.numerator,
            denominator=rate.ratio.denominator,
            by_channel=[
                ChannelRate(
                    channel=c.channel,
                    value=c.ratio.value,
                    numerator=c.ratio.numerator,
                    denominator=c.ratio.denominator,
                )
                for c in rate.by_channel
            ],
        )


@strawberry.type(
    description="Rates over the last `windowDays` days (UTC days, today included). Delivery: delivered/sent "
    "(sends blocked by an unsubscription or a discard count as sent); open: read/delivered; click: "
    "clicked/delivered; response: replied/delivered; bounce: bounced (hard or soft)/sent, blocked sends "
    "left out (they never went out). Channels a rate does not apply to are absent."
)
class MessageMetrics:
    window_days: int
    delivery_rate: Rate
    open_rate: Rate
    click_rate: Rate
    response_rate: Rate
    bounce_rate: Rate

    @classmethod
    def from_domain(cls, m: metrics.MessageMetrics) -> "MessageMetrics":
        return cls(
            window_days=m.window_days,
            delivery_rate=Rate.from_domain(m.rates[metrics.DELIVERY_RATE.name]),
            open_rate=Rate.from_domain(m.rates[metrics.OPEN_RATE.name]),
            click_rate=Rate.from_domain(m.rates[metrics.CLICK_RATE.name]),
            response_rate=Rate.from_domain(m.rates[metrics.RESPONSE_RATE.name]),
            bounce_rate=Rate.from_domain(m.rates[metrics.BOUNCE_RATE.name]),
        )
