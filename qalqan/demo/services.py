"""Demo data that tells the story. Idempotent: a second run changes nothing."""
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from qalqan.core.kzid import synthetic_iin
from qalqan.orgs.models import ApiToken, Organisation, StaffMembership
from qalqan.orgs.services import hash_token, organisation_create
from qalqan.people.services import people_upsert
from qalqan.refdata import catalogue
from qalqan.refdata.services import refdata_sync

DEMO_PASSWORD = "qalqan-demo"
FUND = ("fund", "ФСМС — Әлеуметтік медициналық сақтандыру қоры")
INSURERS = [
    ("insurer-halyk", "Halyk Сақтандыру"),
    ("insurer-nomad", "Nomad Insurance"),
    ("insurer-eurasia", "Eurasia Сақтандыру"),
]
CLINICS = [
    ("clinic-astana-1", "Астана қалалық емханасы №1"),
    ("clinic-almaty-7", "Алматы қалалық емханасы №7"),
    ("clinic-shymkent", "Шымкент көпбейінді ауруханасы"),
    ("clinic-karaganda", "Қарағанды облыстық ауруханасы"),
    ("clinic-aktobe-med", "Ақтөбе медициналық орталығы"),
]
PEOPLE_COUNT = 3000
FIRST_NAMES = {"M": ["Ерлан", "Айдос", "Нұрлан", "Дәурен", "Иван", "Асқар", "Бауыржан", "Тимур"],
               "F": ["Айгүл", "Динара", "Жанар", "Мария", "Гүлнар", "Әсел", "Сәуле", "Камила"]}
LAST_NAMES = {"M": ["Сейітов", "Ахметов", "Нұрғалиев", "Иванов", "Жұмабаев", "Омаров", "Қасымов"],
              "F": ["Сейітова", "Ахметова", "Нұрғалиева", "Иванова", "Жұмабаева", "Омарова", "Қасымова"]}


@dataclass
class DemoReport:
    logins: list[tuple[str, str]] = field(default_factory=list)
    tokens: list[tuple[str, str]] = field(default_factory=list)
    people: int = 0
    policies: int = 0
    sample_citizens: list[str] = field(default_factory=list)
    subsidy_run: str = ""
    claims: int = 0


def demo_token(code: str) -> str:
    """Demo tokens are fixed so that `make run` can print them every time (never in production)."""
    return f"qq_demo_{code}"


@transaction.atomic
def demo_load() -> DemoReport:
    if settings.QALQAN_ENV == "production":
        raise RuntimeError("demo data is never loaded in production")
    refdata_sync()
    report = DemoReport()
    orgs = [organisation_create(kind="fund", code=FUND[0], name=FUND[1])]
    orgs += [organisation_create(kind="insurer", code=c, name=n) for c, n in INSURERS]
    orgs += [organisation_create(kind="clinic", code=c, name=n) for c, n in CLINICS]
    for org in orgs:
        report.logins.append((_staff_user(org), DEMO_PASSWORD))
        report.tokens.append((org.code, _org_token(org)))
    people = demo_people()
    result = people_upsert(rows=people)
    report.people = result.created + result.updated
    report.sample_citizens = [p["iin"] for p in people[:3]]
    for iin in report.sample_citizens:
        report.tokens.append((f"citizen {iin}", _citizen_token(iin)))
    from qalqan.ledger.demo import demo_load as ledger_demo_load

    ledger_demo_load(report)  # the chart of accounts
    from qalqan.people.demo import demo_load as people_demo_load

    people_demo_load(report)  # contributions, refunds and a realistic mix of insurance statuses
    from policies.demo import demo_load as policies_demo_load

    policies_demo_load(report, keep_free=report.sample_citizens[:1])  # products on sale, policies held
    from qalqan.fund.subsidy.demo import demo_load as subsidy_demo_load

    subsidy_demo_load(report)  # this month's subsidy run, calculated, for fund staff to approve and disburse
    from claims.demo import demo_load as claims_demo_load

    claims_demo_load(report)  # services reported by clinics, each on a different road through adjudication
    from qalqan.site.demo import demo_load as site_demo_load

    site_demo_load(report)  # the public site's pages in kk, ru and en
    return report


def _staff_user(org: Organisation) -> str:
    User = get_user_model()
    username = org.code
    user, created = User.objects.get_or_create(username=username, defaults={"is_staff": True})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    role = StaffMembership.Role.ADMIN
    StaffMembership.objects.get_or_create(user=user, defaults={"organisation": org, "role": role})
    return username


def _org_token(org: Organisation) -> str:
    raw = demo_token(org.code)
    ApiToken.objects.get_or_create(key_hash=hash_token(raw), defaults={"prefix": raw[:10], "organisation": org,
                                                                       "name": "demo"})
    return raw


def _citizen_token(iin: str) -> str:
    from qalqan.people.models import Person

    raw = demo_token(iin)
    person = Person.objects.get(iin=iin)
    ApiToken.objects.get_or_create(key_hash=hash_token(raw), defaults={"prefix": raw[:10], "person": person,
                                                                       "name": "demo"})
    return raw


def demo_people(count: int = PEOPLE_COUNT, seed: int = 2026) -> list[dict]:
    """Synthetic residents with valid ИИН, spread across regions and categories (deterministic)."""
    rng = random.Random(seed)
    regions = [r["code"] for r in catalogue.REGIONS]
    privileged = sorted({c["code"] for c in catalogue.CATEGORIES if c["group"] == "privileged"} - {"unemployed"})
    contributors = ["employee", "employee", "employee", "individual_entrepreneur", "self_payer"]
    rows, seen = [], set()
    while len(rows) < count:
        birth = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 365 * 85))
        sex = rng.choice("MF")
        iin = synthetic_iin(birth, sex, rng.randrange(1, 9999))
        if iin is None or iin in seen:
            continue
        seen.add(iin)
        age = (date(2026, 11, 1) - birth).days // 365
        if age < 18:
            categories = ["child"]
        elif age >= 63:
            categories = ["pensioner"]
        elif rng.random() < 0.15:
            categories = [rng.choice(privileged)]
        elif rng.random() < 0.12:
            categories = []  # uninsured unless contributions arrive
        else:
            categories = [rng.choice(contributors)]
        rows.append({
            "iin": iin, "last_name": rng.choice(LAST_NAMES[sex]), "first_name": rng.choice(FIRST_NAMES[sex]),
            "middle_name": "", "birth_date": birth.isoformat(), "sex": sex,
            "phone": f"+7701{rng.randrange(0, 10**7):07d}", "region": rng.choice(regions),
            "categories": categories,
        })
    return rows
