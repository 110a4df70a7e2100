"""NPS categories: the one definition."""

from domain.enums import NpsCategory


def nps_category(score: int) -> NpsCategory:
    if not 0 <= score <= 10:
        raise ValueError(f"an NPS score is 0-10, got {score}")
    if score >= 9:
        return NpsCategory.PROMOTER
    if score >= 7:
        return NpsCategory.PASSIVE
    return NpsCategory.DETRACTOR
