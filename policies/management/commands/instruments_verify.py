from django.core.management.base import BaseCommand, CommandError

from policies.instruments import instruments_verify


class Command(BaseCommand):
    help = "Walk every instrument's event chain; exit non-zero naming the first broken link."

    def handle(self, *args, **options):
        checked, broken = instruments_verify()
        if broken:
            raise CommandError(f"broken chain: {broken} (after checking {checked} instruments)")
        self.stdout.write(f"ok: {checked} instrument chains intact")
