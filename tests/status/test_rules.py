"""The pure status rules, with frozen dates (no database)."""
from datetime import date

from qalqan.people.insurance import (
    Facts, Grant, InsuringCategory, Membership, Rule, insurance_status_compute, month_index,
)

RULES = (
    Rule(date(2017, 1, 1), date(2026, 1, 1), 12, 3, 3, 60),
    Rule(date(2026, 1, 1), None, 12, 3, 6, 60),
)
INSURING = (
    InsuringCategory("child", date(2020, 1, 1)),
    InsuringCategory("pensioner", date(2020, 1, 1)),
    InsuringCategory("student", date(2020, 1, 1)),
    InsuringCategory("unemployed", date(2020, 1, 1), date(2026, 1, 1)),
    InsuringCategory("unemployed", date(2026, 1, 1)),
    InsuringCategory("sswl_d", date(2026, 1, 1)),
)


def m(year: int, month: int) -> int:
    return month_index(date(year, month, 1))


def paid(first: tuple[int, int], last: tuple[int, int]) -> frozenset[int]:
    return frozenset(range(m(*first), m(*last) + 1))


def status(today: date, **facts):
    return insurance_status_compute(facts=Facts(**facts), insuring=INSURING, rules=RULES, today=today)


def test_nobody_with_no_facts_is_uninsured_and_owes_twelve_months():
    s = status(date(2026, 3, 10))
    assert (s.insured, s.basis, s.insured_until) == (False, None, None)
    assert len(s.debt_months) == 12


def test_a_privileged_category_insures_for_the_month_open_ended():
    s = status(date(2026, 3, 10), memberships=(Membership("pensioner", date(2024, 1, 1)),))
    assert (s.insured, s.basis, s.insured_until) == (True, "pensioner", None)


def test_a_closed_membership_insures_until_its_last_day():
    s = status(date(2026, 3, 10), memberships=(Membership("student", date(2022, 9, 1), date(2026, 7, 1)),))
    assert (s.basis, s.insured_until) == ("student", date(2026, 6, 30))


def test_a_contributor_category_does_not_insure_by_itself():
    s = status(date(2026, 3, 10), memberships=(Membership("employee", date(2020, 1, 1)),))
    assert not s.insured


def test_mio_paid_levels_insure_only_from_2026():
    facts = {"memberships": (Membership("sswl_d", date(2025, 6, 1)),)}
    assert not status(date(2025, 12, 31), **facts).insured
    assert status(date(2026, 1, 1), **facts).basis == "sswl_d"


def test_unemployed_stays_insured_across_the_move_to_mio():
    facts = {"memberships": (Membership("unemployed", date(2025, 6, 1)),)}
    assert status(date(2025, 12, 31), **facts).basis == "unemployed"
    assert status(date(2026, 1, 2), **facts).basis == "unemployed"


def test_twelve_paid_months_without_debt_insure_with_three_months_of_grace():
    s = status(date(2025, 6, 15), paid_months=paid((2024, 5), (2025, 5)))
    assert (s.insured, s.basis, s.insured_until) == (True, "contributions", date(2025, 8, 31))
    assert s.debt_months == ()


def test_eleven_paid_months_are_not_enough():
    s = status(date(2025, 6, 15), paid_months=paid((2024, 7), (2025, 5)))
    assert not s.insured
    assert s.debt_months == (m(2024, 6),)


def test_a_gap_in_the_last_twelve_months_is_debt_but_grace_from_the_earlier_run_remains():
    months = paid((2023, 1), (2025, 2)) | paid((2025, 4), (2025, 5))
    s = status(date(2025, 5, 15), paid_months=months)
    assert s.debt_months == (m(2025, 3),)
    assert (s.insured, s.insured_until) == (True, date(2025, 5, 31))  # Feb 2025 + 3 months
    assert not status(date(2025, 6, 1), paid_months=months).insured


def test_after_payments_stop_the_status_lasts_three_months():
    months = paid((2024, 1), (2024, 12))
    assert status(date(2025, 3, 31), paid_months=months).insured_until == date(2025, 3, 31)
    assert status(date(2025, 3, 31), paid_months=months).insured
    assert not status(date(2025, 4, 1), paid_months=months).insured


def test_from_2026_sixty_months_in_a_row_give_six_months_of_grace():
    long_run = paid((2021, 1), (2025, 12))  # 60 months, payments stop in January 2026
    s = status(date(2026, 6, 20), paid_months=long_run)
    assert (s.insured, s.insured_until) == (True, date(2026, 6, 30))
    assert not status(date(2026, 7, 1), paid_months=long_run).insured


def test_fifty_nine_months_in_a_row_give_only_three():
    run = paid((2021, 2), (2025, 12))
    assert status(date(2026, 3, 31), paid_months=run).insured
    assert not status(date(2026, 4, 1), paid_months=run).insured


def test_before_2026_a_long_streak_still_gets_three_months():
    run = paid((2019, 1), (2024, 12))  # stopped in January 2025
    assert status(date(2025, 3, 31), paid_months=run).insured
    assert not status(date(2025, 4, 1), paid_months=run).insured


def test_twelve_months_prepaid_insure_until_the_last_prepaid_month_plus_grace():
    s = status(date(2026, 3, 5), paid_months=paid((2026, 3), (2027, 2)))
    assert (s.insured, s.basis, s.insured_until) == (True, "contributions", date(2027, 5, 31))


def test_months_in_a_privileged_category_count_as_covered():
    s = status(date(2026, 3, 10), memberships=(Membership("student", date(2021, 9, 1), date(2025, 9, 1)),),
               paid_months=paid((2025, 9), (2026, 2)))
    assert (s.insured, s.basis) == (True, "contributions")
    assert s.debt_months == ()


def test_a_graduate_keeps_the_grace_after_the_state_stops_paying():
    facts = {"memberships": (Membership("student", date(2021, 9, 1), date(2025, 9, 1)),)}
    assert status(date(2025, 11, 30), **facts).insured_until == date(2025, 11, 30)
    assert not status(date(2025, 12, 1), **facts).insured


def test_a_temporary_grant_insures_for_its_month_only():
    grant = (Grant(date(2026, 3, 10), date(2026, 4, 10)),)
    s = status(date(2026, 3, 20), grants=grant)
    assert (s.insured, s.basis, s.insured_until) == (True, "temporary", date(2026, 4, 9))
    assert not status(date(2026, 4, 10), grants=grant).insured
    assert not status(date(2026, 3, 9), grants=grant).insured


def test_category_beats_contributions_beats_temporary():
    facts = {"paid_months": paid((2025, 1), (2026, 2)), "grants": (Grant(date(2026, 3, 1), date(2026, 4, 1)),)}
    assert status(date(2026, 3, 10), **facts).basis == "contributions"
    assert status(date(2026, 3, 10), memberships=(Membership("child", date(2020, 1, 1)),), **facts).basis == "child"


def test_the_current_month_is_not_yet_debt():
    s = status(date(2026, 3, 31), paid_months=paid((2025, 3), (2026, 2)))
    assert s.debt_months == ()
    assert s.insured_until == date(2026, 5, 31)


def test_twelve_months_prepaid_from_next_month_insure_from_next_month():
    prepaid = paid((2026, 4), (2027, 3))  # paid in March for April onwards
    assert not status(date(2026, 3, 20), paid_months=prepaid).insured
    s = status(date(2026, 4, 1), paid_months=prepaid)
    assert (s.insured, s.basis, s.insured_until) == (True, "contributions", date(2027, 6, 30))


def test_a_month_with_a_gap_before_a_prepaid_year_is_owed_but_the_prepaid_year_insures():
    months = paid((2025, 1), (2025, 10)) | paid((2026, 3), (2027, 2))
    s = status(date(2026, 3, 10), paid_months=months)
    assert (s.insured, s.basis) == (True, "contributions")
    assert s.debt_months == (m(2025, 11), m(2025, 12), m(2026, 1), m(2026, 2))


def test_the_mio_pays_for_the_registered_unemployed_and_levels_d_and_e_basis_is_the_category():
    for code in ("unemployed", "sswl_d"):
        s = status(date(2026, 5, 5), memberships=(Membership(code, date(2026, 2, 1)),))
        assert (s.insured, s.basis, s.insured_until) == (True, code, None)
