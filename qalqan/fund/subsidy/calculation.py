"""The subsidy of one month, computed set-based in SQL (no Python loop over policies).

Inputs read once per run, in Python, from the dated tables (so a missing row is a clear error before any
SQL runs): the basic tariff valid on the month's first day (monthly = annual / 12, rounded half up by
qalqan.core.money.prorate), the age-sex coefficients (monthly tariff × coefficient per sex and age 0..120,
rounded the same way) and the subsidy sources. The SQL then only looks numbers up in two small arrays.

A policy is paid for the days of the month it was in force: from max(start_date, the 1st) to
min(end_date, ended_on, the next 1st), if it was activated and is active now or ended after activation
(expired, cancelled, transferred). Suspended policies (the holder lost the insured status) are not paid.
The run is the fund's only payer of subsidies: activation posts none, so a policy is paid from the first month
it is in force. Only policies activated before that rule, whose whole-term subsidy was posted at activation
(`subsidy_posted`), are skipped.
The amount is monthly × days / days-in-month, rounded half up in integers.

The paying source is the person's basis in the month: the lowest-priority SubsidySource among the payers
of the benefit categories the person belongs to in that month (republican budget, МИО of the person's
region), else the contributions source. Category → priority is resolved in Python (a few dozen rows) and
passed as arrays, so the SQL joins memberships to a tiny inline table.

Each range reads its policies by primary key and looks every holder up by id (a LATERAL subquery with
OFFSET 0, which the planner cannot flatten into a join). Left to itself the planner hashes the range's
policies and scans the whole person table for every range: 10 full scans for a million policies, 122 of
12 million rows each for the national run; the lookups cost the same per policy at any size.

The statements run with `jit = off`: on this workload PostgreSQL's JIT compiles for ≈ 1.3 s per statement
and saves nothing (measured with EXPLAIN ANALYZE on 100 000 policies: 2.1 s → 0.8 s).
"""
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q

from insurers.models import AgeSexCoefficient
from insurers.pricing import PricingTableMissing, basic_tariff_on
from qalqan.core.money import prorate
from qalqan.refdata.models import BenefitCategory

from .models import SubsidySource

MAX_AGE = 120  # older people are priced as 120 (the coefficient bands are open at the top)
COEFFICIENT_SCALE = 1000


class SubsidyTableMissing(LookupError):
    """A dated table has no row for the period; `row` names it for fund staff."""

    def __init__(self, row: str):
        self.row = row
        super().__init__(row)


def next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


@dataclass(frozen=True)
class PeriodInputs:
    period: date
    monthly_tariff_tiyn: int
    monthly_m: list[int]  # index = age
    monthly_f: list[int]
    category_codes: list[str]  # benefit categories in force in the month whose payer has a source
    category_priorities: list[int]  # that source's priority
    patterns_by_priority: dict[int, str]
    default_priority: int

    def params(self, prefix: str) -> dict:
        return {
            f"{prefix}ms": self.period, f"{prefix}ns": next_month(self.period),
            f"{prefix}dim": monthrange(self.period.year, self.period.month)[1],
            f"{prefix}m": self.monthly_m, f"{prefix}f": self.monthly_f,
            f"{prefix}cats": self.category_codes, f"{prefix}cprio": self.category_priorities,
            f"{prefix}sprio": list(self.patterns_by_priority), f"{prefix}spat": list(self.patterns_by_priority.values()),
            f"{prefix}dprio": self.default_priority, f"{prefix}born": born_after_cutoffs(self.period),
        }


def born_after_cutoffs(period: date) -> list[date]:
    """For each age 120 … 1, the first birth date too late to have reached it on the month's first day (ascending):
    a person born on `b` is then 120 − width_bucket(b, these) years old, capped to 0 … 120 — the whole years of
    PostgreSQL's age(), without its timestamp arithmetic per policy (0.36 µs of the 2.9 a line costs to select)."""
    return [date(period.year - age, period.month, 1) + timedelta(days=1) for age in range(MAX_AGE, 0, -1)]


def period_inputs(period: date) -> PeriodInputs:
    """Read the dated tables for the month; raise SubsidyTableMissing naming the missing row."""
    try:
        tariff = basic_tariff_on(period)
    except PricingTableMissing:
        raise SubsidyTableMissing(f"insurers.BasicTariff: no basic tariff valid on {period.isoformat()}") from None
    monthly = prorate(tariff.annual_tiyn, 1, 12)
    rows = list(AgeSexCoefficient.objects.valid_on(period).order_by("valid_from"))
    tables = {}
    for sex in ("M", "F"):
        by_age = []
        for age in range(MAX_AGE + 1):
            match = [r for r in rows if r.sex == sex and r.age_from <= age < r.age_to]
            if not match:
                raise SubsidyTableMissing(
                    f"insurers.AgeSexCoefficient: no coefficient for sex {sex} aged {age} valid on {period.isoformat()}")
            scaled = int(match[-1].coefficient * COEFFICIENT_SCALE)
            by_age.append(prorate(monthly, scaled, COEFFICIENT_SCALE))
        tables[sex] = by_age
    sources = list(SubsidySource.objects.valid_on(period).order_by("priority"))
    default = [s for s in sources if s.basis == SubsidySource.Basis.CONTRIBUTIONS]
    if not default:
        raise SubsidyTableMissing(
            f"fund.SubsidySource: no source for basis contributions valid on {period.isoformat()}")
    priority_of_payer = {s.basis: s.priority for s in sources if s.basis != SubsidySource.Basis.CONTRIBUTIONS}
    categories: dict[str, int] = {}
    in_force = (BenefitCategory.objects.filter(valid_from__lt=next_month(period))
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=period)))
    for code, payer in in_force.values_list("code", "payer"):
        if payer in priority_of_payer:
            categories[code] = min(categories.get(code, priority_of_payer[payer]), priority_of_payer[payer])
    return PeriodInputs(
        period=period, monthly_tariff_tiyn=monthly, monthly_m=tables["M"], monthly_f=tables["F"],
        category_codes=list(categories), category_priorities=list(categories.values()),
        patterns_by_priority={s.priority: s.account_pattern for s in sources},
        default_priority=default[0].priority,
    )


def candidates_sql(p: str, where: str) -> str:
    """A SELECT of (policy_id, person_id, insurer_id, instrument_id, source_code, days, amount_tiyn) for the
    month whose parameters carry the prefix `p`; `where` restricts the policies (alias `pol`)."""
    return f"""
        SELECT pol.id AS policy_id, pol.holder_id AS person_id, pol.insurer_id, pol.instrument_id,
               replace(src.pattern, '{{region}}', coalesce(nullif(h.region, ''), 'unknown')) AS source_code,
               d.days,
               (2 * k.monthly * d.days + %({p}dim)s) / (2 * %({p}dim)s) AS amount_tiyn
          FROM policies_policy pol
          CROSS JOIN LATERAL (SELECT p.sex, p.birth_date, p.region FROM people_person p
                               WHERE p.id = pol.holder_id OFFSET 0) h
          CROSS JOIN LATERAL (
                SELECT least(pol.end_date, %({p}ns)s::date, coalesce(pol.ended_on, %({p}ns)s::date))
                       - greatest(pol.start_date, %({p}ms)s::date) AS days) d
          CROSS JOIN LATERAL (
                SELECT (CASE WHEN h.sex = 'F' THEN %({p}f)s::bigint[] ELSE %({p}m)s::bigint[] END)
                       [{MAX_AGE} + 1 - width_bucket(h.birth_date, %({p}born)s::date[])]
                       AS monthly) k
          LEFT JOIN LATERAL (
                SELECT min((%({p}cprio)s::int[])[array_position(%({p}cats)s::text[], m.category::text)]) AS priority
                  FROM people_categorymembership m
                 WHERE m.person_id = pol.holder_id AND m.valid_from < %({p}ns)s::date
                   AND (m.valid_to IS NULL OR m.valid_to > %({p}ms)s::date)) basis ON true
          JOIN unnest(%({p}sprio)s::int[], %({p}spat)s::text[]) AS src(priority, pattern)
            ON src.priority = coalesce(basis.priority, %({p}dprio)s)
         WHERE {where}
           AND pol.subsidy_tiyn > 0 AND NOT pol.subsidy_posted AND pol.activated_at IS NOT NULL
           AND (pol.status = 'active'
                OR (pol.status IN ('expired', 'cancelled', 'transferred') AND pol.ended_on IS NOT NULL))
           AND d.days > 0
    """


def insert_normal_lines_sql(*, redo: bool = False) -> str:
    """Lines for the policies with ids in (%(lo)s, %(hi)s], answering the range's (source_code, insurer_id, lines,
    amount_tiyn): the run's totals are the sum of its ranges' (no second pass over the lines).

    A range is written once (its lines commit with its progress row), so the INSERT has no ON CONFLICT arbiter:
    speculative insertion cost 20 % of the statement (≈ 2 µs a line). A range redone anyway fails on the unique
    (run, policy, kind) key and is written again with `redo`: only the lines still missing, answering nothing
    (RANGE_TOTALS_SQL then reads the range's totals back from all its lines)."""
    insert = f"""
        INSERT INTO fund_subsidyline (run_id, policy_id, person_id, insurer_id, instrument_id, kind, for_period,
                                      source_code, days, amount_tiyn)
        SELECT %(run)s, c.policy_id, c.person_id, c.insurer_id, c.instrument_id, 'normal', %(cms)s::date,
               c.source_code, c.days, c.amount_tiyn
          FROM ({candidates_sql("c", "pol.id > %(lo)s AND pol.id <= %(hi)s")}) c
         WHERE c.amount_tiyn > 0
    """
    if not redo:
        return f"""
            WITH line AS ({insert} RETURNING source_code, insurer_id, amount_tiyn)
            SELECT source_code, insurer_id, count(*), sum(amount_tiyn)::bigint FROM line
             GROUP BY source_code, insurer_id
        """
    return insert + " ON CONFLICT (run_id, policy_id, kind) DO NOTHING"


# a redone range's totals, read back from its lines (a statement does not see the rows its own CTE inserts); the
# range by run and policy id, as the funding ranges read it (a row comparison let the planner scan the whole line
# table at national scale)
RANGE_TOTALS_SQL = """
    SELECT source_code, insurer_id, count(*), sum(amount_tiyn)::bigint FROM fund_subsidyline
     WHERE run_id = %(run)s AND policy_id > %(lo)s AND policy_id <= %(hi)s AND kind = 'normal'
     GROUP BY source_code, insurer_id
"""


# The policies changed since `since`, through the (insurer, updated_at) index: one descent per organisation (a few
# thousand at most) instead of reading all 12 million entries of the index
CHANGED_SINCE = "pol.insurer_id = ANY (ARRAY(SELECT o.id FROM orgs_organisation o)) AND pol.updated_at >= %(since)s"


def insert_adjustments_sql() -> str:
    """Adjustment lines for the previous run's month: what it should have paid now minus what it paid, for the
    policies changed since that run started calculating (status changes touch Policy.updated_at). Answers their
    (source_code, insurer_id, lines, amount_tiyn).

    Both sides start from the changed policies (a few thousand a month) and look their previous line up by the
    (run, policy, kind) key; joined the other way round, the planner read the whole previous run's lines and
    probed a policy for each (2.2 µs a line: ≈ 27 s of one worker at national scale, for no adjustment at all)."""
    return f"""
        WITH expected AS ({candidates_sql("a", CHANGED_SINCE)}),
             paid AS (
                SELECT l.policy_id, l.person_id, l.insurer_id, l.instrument_id, l.source_code, l.amount_tiyn
                  FROM policies_policy pol
                 CROSS JOIN LATERAL (SELECT * FROM fund_subsidyline l
                                      WHERE l.run_id = %(prev)s AND l.policy_id = pol.id AND l.kind = 'normal'
                                     OFFSET 0) l
                 WHERE {CHANGED_SINCE}),
             line AS (
                INSERT INTO fund_subsidyline (run_id, policy_id, person_id, insurer_id, instrument_id, kind,
                                              for_period, source_code, days, amount_tiyn)
                SELECT %(run)s, coalesce(e.policy_id, p.policy_id), coalesce(e.person_id, p.person_id),
                       coalesce(e.insurer_id, p.insurer_id), coalesce(e.instrument_id, p.instrument_id), 'adjustment',
                       %(ams)s::date, coalesce(e.source_code, p.source_code), coalesce(e.days, 0),
                       coalesce(e.amount_tiyn, 0) - coalesce(p.amount_tiyn, 0)
                  FROM expected e FULL OUTER JOIN paid p ON p.policy_id = e.policy_id
                 WHERE coalesce(e.amount_tiyn, 0) <> coalesce(p.amount_tiyn, 0)
                RETURNING source_code, insurer_id, amount_tiyn)
        SELECT source_code, insurer_id, count(*), sum(amount_tiyn)::bigint FROM line
         GROUP BY source_code, insurer_id
    """
