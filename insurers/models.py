"""Insurer products (versioned) and the fund's dated tables that price the basic ОСМС package.

A product's price and benefits live in ProductVersion rows: a change makes a new version, and a
sold policy keeps pointing at the version it was sold under.
"""
from datetime import date
from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from qalqan.core.dated import DatedRow


class Product(models.Model):
    class Kind(models.TextChoices):
        OSMS = "osms", "ОСМС (basic package)"
        OSMS_DMS = "osms_dms", "ОСМС + ДМС (extended)"

    insurer = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="products")
    code = models.SlugField(max_length=64)
    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["insurer_id", "code"]
        constraints = [models.UniqueConstraint(fields=["insurer", "code"], name="product_code_per_insurer")]

    def __str__(self):
        return f"{self.insurer.code}/{self.code}"

    @property
    def is_basic(self) -> bool:
        return self.kind == self.Kind.OSMS

    def version_on(self, day: date) -> "ProductVersion | None":
        return self.versions.filter(valid_from__lte=day).order_by("-valid_from", "-number").first()


class ProductVersion(models.Model):
    """One price list of a product. Never edited once a policy points at it: changes add a version."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    annual_premium_tiyn = models.BigIntegerField(
        default=0, help_text="the insurer's full annual price (osms_dms); 0 for osms, which the fund prices")
    regions = ArrayField(models.SlugField(max_length=32), default=list, blank=True,
                         help_text="region codes served; empty means every region")
    min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True, help_text="inclusive")
    topup_limit_per_tiyn = models.DecimalField(
        max_digits=8, decimal_places=3, default=Decimal("1"),
        help_text="limit tiyn added per tiyn of top-up premium")
    valid_from = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["product_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["product", "number"], name="product_version_number_uniq"),
            models.CheckConstraint(condition=Q(annual_premium_tiyn__gte=0), name="product_premium_not_negative"),
            models.CheckConstraint(condition=Q(topup_limit_per_tiyn__gte=0), name="product_topup_mult_not_negative"),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True) | Q(max_age__isnull=True) | Q(max_age__gte=models.F("min_age")),
                name="product_age_limits_ordered"),
        ]

    def __str__(self):
        return f"{self.product} v{self.number}"

    def serves_region(self, region: str) -> bool:
        return not self.regions or region in self.regions

    def admits_age(self, age: int) -> bool:
        return (self.min_age is None or age >= self.min_age) and (self.max_age is None or age <= self.max_age)


class ProductBenefit(models.Model):
    version = models.ForeignKey(ProductVersion, on_delete=models.CASCADE, related_name="benefits")
    benefit = models.SlugField(max_length=32, help_text="a code of refdata.Benefit")
    limit_tiyn = models.BigIntegerField()
    waiting_days = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["version_id", "benefit"]
        constraints = [
            models.UniqueConstraint(fields=["version", "benefit"], name="product_benefit_once"),
            models.CheckConstraint(condition=Q(limit_tiyn__gte=0), name="product_benefit_limit_not_negative"),
        ]


class BasicTariff(DatedRow):
    """The fund's annual per-person price of the basic ОСМС package (before the age-sex coefficient)."""

    annual_tiyn = models.BigIntegerField()
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["valid_from"], name="basic_tariff_from_uniq"),
            models.CheckConstraint(condition=Q(annual_tiyn__gt=0), name="basic_tariff_positive"),
        ]

    def __str__(self):
        return f"{self.annual_tiyn} tiyn from {self.valid_from}"


class AgeSexCoefficient(DatedRow):
    """Risk adjustment of the basic price: age band [age_from, age_to) and sex → coefficient."""

    age_from = models.PositiveSmallIntegerField()
    age_to = models.PositiveSmallIntegerField(help_text="exclusive")
    sex = models.CharField(max_length=1, choices=[("M", "M"), ("F", "F")])
    coefficient = models.DecimalField(max_digits=6, decimal_places=3)

    class Meta:
        ordering = ["valid_from", "sex", "age_from"]
        constraints = [
            models.UniqueConstraint(fields=["valid_from", "sex", "age_from"], name="age_sex_coef_uniq"),
            models.CheckConstraint(condition=Q(age_to__gt=models.F("age_from")), name="age_band_ordered"),
            models.CheckConstraint(condition=Q(coefficient__gt=0), name="age_sex_coef_positive"),
        ]

    def __str__(self):
        return f"{self.sex} {self.age_from}–{self.age_to}: {self.coefficient}"
