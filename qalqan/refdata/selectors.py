from datetime import date

from .models import Benefit, BenefitCategory, Region


def category_codes_on(day: date) -> set[str]:
    return set(BenefitCategory.objects.valid_on(day).values_list("code", flat=True))


def region_codes() -> set[str]:
    return set(Region.objects.values_list("code", flat=True))


def benefit_codes_on(day: date) -> set[str]:
    return set(Benefit.objects.valid_on(day).values_list("code", flat=True))
