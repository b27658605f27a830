from django.core.management.base import BaseCommand, CommandError

from qalqan.core.kzid import InvalidNumber
from qalqan.orgs.models import Organisation
from qalqan.orgs.services import organisation_create


class Command(BaseCommand):
    help = "Create a fund, insurer or clinic organisation (renames it when the code exists)."

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True, choices=Organisation.Kind.values)
        parser.add_argument("--code", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--bin", help="БИН (12 digits); a synthetic valid one is derived when omitted")

    def handle(self, *args, kind, code, name, bin=None, **options):
        try:
            org = organisation_create(kind=kind, code=code, name=name, bin=bin)
        except (ValueError, InvalidNumber) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{org.kind} {org.code} {org.bin or ''}".strip())
