from django.core.management.base import BaseCommand, CommandError

from qalqan.ledger.services import ledger_problems


class Command(BaseCommand):
    help = ("Prove every cached balance equals the sum of its account's postings and every transfer balances; "
            "exit non-zero naming each account or transfer that does not.")

    def handle(self, *args, **options):
        problems = ledger_problems()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"ledger check failed: {len(problems)} problem(s)")
        self.stdout.write("ok: every cached balance equals its postings and every transfer balances")
