"""Reference tables shared by every app: regions, benefit categories, benefit codes.

Rows that the law changes are dated (`valid_from`, `valid_to`); the starting content is
`catalogue.py`, loaded by a data migration, then kept by fund staff in the admin.
"""
from django.db import models
from django.utils.translation import get_language

from qalqan.core.dated import DatedRow


class Translated(models.Model):
    name_kk = models.CharField(max_length=255)
    name_ru = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        lang = (get_language() or "kk")[:2]
        return getattr(self, f"name_{lang}", None) or self.name_kk

    def __str__(self):
        return f"{self.code} — {self.name}"


class Region(Translated):
    code = models.SlugField(max_length=32, unique=True)


class BenefitCategory(Translated, DatedRow):
    """A category of people (privileged, МИО-paid, contributor) and who pays for them."""

    class Group(models.TextChoices):
        PRIVILEGED = "privileged"
        MIO = "mio"
        CONTRIBUTOR = "contributor"

    class Payer(models.TextChoices):
        REPUBLICAN_BUDGET = "republican_budget"
        MIO = "mio"
        SELF = "self"

    code = models.SlugField(max_length=32)
    group = models.CharField(max_length=16, choices=Group.choices)
    payer = models.CharField(max_length=24, choices=Payer.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["code", "valid_from"], name="category_code_from_uniq")]
        ordering = ["code", "valid_from"]

    @property
    def state_pays(self) -> bool:
        return self.payer != self.Payer.SELF


class Benefit(Translated, DatedRow):
    """A benefit code (kind of care) and the package it belongs to."""

    class Package(models.TextChoices):
        GOBMP = "gobmp", "ГОБМП"
        OSMS = "osms", "ОСМС"
        DMS = "dms", "ДМС"

    code = models.SlugField(max_length=32)
    package = models.CharField(max_length=8, choices=Package.choices)
    description_kk = models.TextField(blank=True)
    description_ru = models.TextField(blank=True)
    description_en = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["code", "valid_from"], name="benefit_code_from_uniq")]
        ordering = ["package", "code"]

    @property
    def description(self) -> str:
        lang = (get_language() or "kk")[:2]
        return getattr(self, f"description_{lang}", None) or self.description_kk
