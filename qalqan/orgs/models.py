from django.conf import settings
from django.db import models
from django.db.models import Q


class Organisation(models.Model):
    class Kind(models.TextChoices):
        FUND = "fund"
        INSURER = "insurer"
        CLINIC = "clinic"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=255)
    bin = models.CharField("БИН", max_length=12, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="fund") | Q(bin__isnull=False), name="org_insurer_clinic_have_bin"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"


class StaffMembership(models.Model):
    """A staff user belongs to exactly one organisation, with one role there."""

    class Role(models.TextChoices):
        ADMIN = "admin"
        OPERATOR = "operator"
        COMMISSIONER = "commissioner", "insurance commissioner"
        VIEWER = "viewer"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="staff")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.OPERATOR)

    def __str__(self):
        return f"{self.user} @ {self.organisation.code} ({self.role})"


class ApiToken(models.Model):
    """A bearer token for an organisation or a citizen. Only its SHA-256 is stored."""

    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12, help_text="the first characters, to recognise a token in lists")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE)
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.CASCADE)
    name = models.CharField(max_length=128, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(organisation__isnull=False) & Q(person__isnull=True))
                | (Q(organisation__isnull=True) & Q(person__isnull=False)),
                name="token_for_org_xor_person",
            )
        ]

    def __str__(self):
        return f"{self.prefix}… ({self.organisation or self.person})"
