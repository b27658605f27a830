from django.core.management.base import BaseCommand, CommandError

from qalqan.orgs.models import ApiToken
from qalqan.orgs.services import hash_token, token_revoke


class Command(BaseCommand):
    help = "Revoke an API token (give the token itself)."

    def add_arguments(self, parser):
        parser.add_argument("token")

    def handle(self, *args, token, **options):
        found = ApiToken.objects.filter(key_hash=hash_token(token)).first()
        if found is None:
            raise CommandError("unknown token")
        token_revoke(token_id=found.pk)
        self.stdout.write(f"revoked {found.prefix}…")
