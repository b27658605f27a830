"""Signed-in staff browsers for page tests: a Django test client logged in as a member of an organisation."""
import itertools

from django.contrib.auth import get_user_model
from django.test import Client

from qalqan.orgs.models import StaffMembership

_serials = itertools.count(1)


def staff_client(org, role: str = StaffMembership.Role.OPERATOR) -> Client:
    user = get_user_model().objects.create_user(username=f"staff-{org.code}-{next(_serials)}", password="x" * 12)
    StaffMembership.objects.create(user=user, organisation=org, role=role)
    client = Client()
    client.force_login(user)
    return client
