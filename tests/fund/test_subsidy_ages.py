"""The calculation prices a holder by age on the month's first day from birth-date cutoffs (width_bucket), which
must give PostgreSQL's age() in whole years, capped to 0 … 120, for every birth date."""
from datetime import date

import pytest
from django.db import connection

from qalqan.fund.subsidy.calculation import MAX_AGE, born_after_cutoffs

MISMATCHES_SQL = """
SELECT count(*), min(g.b) FROM generate_series(%(period)s::date - interval '125 years', %(period)s::date + interval '1 year',
                                          '1 day') AS g(b)
 WHERE least(greatest(date_part('year', age(%(period)s::date, g.b::date))::int, 0), %(max)s)
       <> %(max)s - width_bucket(g.b::date, %(cutoffs)s::date[])
"""


@pytest.mark.django_db
@pytest.mark.parametrize("period", [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1), date(2028, 2, 1),
                                    date(2028, 3, 1), date(2026, 12, 1)])
def test_age_from_cutoffs_is_age_in_whole_years_for_every_birth_date(period):
    with connection.cursor() as cursor:
        cursor.execute(MISMATCHES_SQL, {"period": period, "max": MAX_AGE, "cutoffs": born_after_cutoffs(period)})
        mismatches, first = cursor.fetchone()
    assert (mismatches, first) == (0, None)


def test_cutoffs_are_ascending_one_per_age():
    cutoffs = born_after_cutoffs(date(2026, 3, 1))
    assert len(cutoffs) == MAX_AGE and cutoffs == sorted(cutoffs)
    assert cutoffs[-1] == date(2025, 3, 2) and cutoffs[0] == date(1906, 3, 2)
