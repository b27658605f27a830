"""Contribution rates and insurance-status parameters: pure data, loaded into dated tables by migration.

Source: /work/shared/DOMAIN.md ("Contributions (2025–2026)", "Insurance status"). Money in tiyn.
Rows before 2025 are marked as assumptions: DOMAIN.md gives the 2025–2026 rules only, so earlier
periods reuse them (caps in МЗП multiples follow that year's МЗП) until fund staff enter the history.
"""
from datetime import date

DOMAIN = "DOMAIN.md, contributions 2025–2026"
ASSUMED = "assumption: the 2025 rule applied to earlier periods (no public source loaded)"

MINIMUM_WAGES = [
    {"valid_from": date(2017, 1, 1), "valid_to": date(2018, 1, 1), "amount_tiyn": 24_459_00, "source": "law on the budget 2017"},
    {"valid_from": date(2018, 1, 1), "valid_to": date(2019, 1, 1), "amount_tiyn": 28_284_00, "source": "law on the budget 2018"},
    {"valid_from": date(2019, 1, 1), "valid_to": date(2022, 1, 1), "amount_tiyn": 42_500_00, "source": "laws on the budget 2019–2021"},
    {"valid_from": date(2022, 1, 1), "valid_to": date(2023, 1, 1), "amount_tiyn": 60_000_00, "source": "law on the budget 2022"},
    {"valid_from": date(2023, 1, 1), "valid_to": date(2024, 1, 1), "amount_tiyn": 70_000_00, "source": "law on the budget 2023"},
    {"valid_from": date(2024, 1, 1), "valid_to": None, "amount_tiyn": 85_000_00, "source": DOMAIN},
]

AVERAGE_WAGES = [
    {"valid_from": date(2017, 1, 1), "valid_to": None, "amount_tiyn": 364_295_00, "reference_year": 2023,
     "source": DOMAIN + " (2023 average; earlier periods: " + ASSUMED + ")"},
]

_RULES_2025 = [
    {"kind": "employer", "rate_percent": "3", "base": "income", "base_mzp": None, "cap_mzp": "10"},
    {"kind": "employee", "rate_percent": "2", "base": "income", "base_mzp": None, "cap_mzp": "10"},
    {"kind": "self_employed", "rate_percent": "5", "base": "minimum_wage", "base_mzp": "1.4", "cap_mzp": None},
    {"kind": "self_payer", "rate_percent": "5", "base": "minimum_wage", "base_mzp": "1", "cap_mzp": None},
    {"kind": "state", "rate_percent": "2", "base": "average_wage", "base_mzp": None, "cap_mzp": None},
    # МИО pay for the unemployed and levels D/E from 2026 on the state's terms (assumption: same rate and base).
    {"kind": "mio", "rate_percent": "2", "base": "average_wage", "base_mzp": None, "cap_mzp": None},
]

CONTRIBUTION_RULES = (
    [{**r, "valid_from": date(2017, 1, 1), "valid_to": date(2025, 1, 1), "source": ASSUMED} for r in _RULES_2025]
    + [{**r, "valid_from": date(2025, 1, 1), "valid_to": None, "source": DOMAIN} for r in _RULES_2025]
    + [{"kind": "platform", "rate_percent": "1", "base": "income", "base_mzp": None, "cap_mzp": "20",
        "valid_from": date(2026, 1, 1), "valid_to": None, "source": DOMAIN}]
)

INSURANCE_RULES = [
    {"valid_from": date(2017, 1, 1), "valid_to": date(2026, 1, 1), "required_months": 12, "grace_months": 3,
     "long_grace_months": 3, "long_streak_months": 60, "temporary_months": 1, "source": "DOMAIN.md, insurance status"},
    {"valid_from": date(2026, 1, 1), "valid_to": None, "required_months": 12, "grace_months": 3,
     "long_grace_months": 6, "long_streak_months": 60, "temporary_months": 1,
     "source": "DOMAIN.md, insurance status (6 months from 2026 after 60 paid months in a row)"},
]
