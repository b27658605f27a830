from django.conf import settings
from django.db import models
from django.db.models import Q

from qalqan.core.dated import DatedQuerySet
from qalqan.core.masking import mask_iin, mask_name


class Sex(models.TextChoices):
    MALE = "M"
    FEMALE = "F"


class Person(models.Model):
    """A resident, keyed by ИИН. Birth date and sex always agree with the ИИН (checked on the way in)."""

    iin = models.CharField("ИИН", max_length=12, unique=True)
    last_name = models.CharField(max_length=128)
    first_name = models.CharField(max_length=128)
    middle_name = models.CharField(max_length=128, blank=True)
    birth_date = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    phone = models.CharField(max_length=16, blank=True, help_text="E.164, e.g. +77011234567")
    region = models.CharField(max_length=32, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(iin__regex=r"^\d{12}$"), name="person_iin_12_digits")]

    def __str__(self):
        return f"{mask_iin(self.iin)} {self.masked_name}"

    @property
    def masked_iin(self) -> str:
        return mask_iin(self.iin)

    @property
    def masked_name(self) -> str:
        return mask_name(self.last_name, self.first_name, self.middle_name)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)


class CategoryMembership(models.Model):
    """A person belongs to a benefit category over [valid_from, valid_to)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    category = models.SlugField(max_length=32, help_text="a code of refdata.BenefitCategory")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "category"], condition=Q(valid_to__isnull=True), name="membership_one_open"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="membership_period_ordered",
            ),
        ]
        indexes = [models.Index(fields=["category", "valid_from"])]

    def __str__(self):
        return f"{self.category} {self.valid_from}–{self.valid_to or ''}"
