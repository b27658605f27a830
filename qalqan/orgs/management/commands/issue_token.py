from django.core.management.base import BaseCommand, CommandError

from qalqan.orgs.models import Organisation
from qalqan.orgs.services import token_issue
from qalqan.people.models import Person


class Command(BaseCommand):
    help = "Issue an API token for an organisation (--org CODE) or a citizen (--iin IIN); prints it last."

    def add_arguments(self, parser):
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--org", help="organisation code")
        who.add_argument("--iin", help="a citizen's ИИН (must be in the registry)")
        parser.add_argument("--name", default="", help="a label for the token")

    def handle(self, *args, org=None, iin=None, name="", **options):
        if org:
            organisation = Organisation.objects.filter(code=org).first()
            if organisation is None:
                raise CommandError(f"no organisation with code {org!r}")
            raw = token_issue(organisation=organisation, name=name)
        else:
            person = Person.objects.filter(iin=iin).first()
            if person is None:
                raise CommandError("no person with that ИИН in the registry")
            raw = token_issue(person=person, name=name)
        self.stdout.write(raw)
