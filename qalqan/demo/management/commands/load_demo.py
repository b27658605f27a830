from django.core.management.base import BaseCommand

from qalqan.demo.services import demo_load


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print the demo logins and API tokens."

    def handle(self, *args, **options):
        report = demo_load()
        out = self.stdout.write
        out(self.style.SUCCESS(f"Demo data ready: {report.people} people in the registry, "
                               f"{report.policies} policies."))
        out(f"{report.claims} insured events reported by clinics (awaiting patients, in the insurers' queues, "
            "approved, paid, denied, disputed).")
        out(f"Subsidy run {report.subsidy_run} (fund staff approve and disburse it at /fund/subsidy-runs/).")
        out("Staff logins (password for all: %s):" % report.logins[0][1])
        for username, _ in report.logins:
            out(f"  {username}")
        out("API tokens (Authorization: Bearer …):")
        for who, token in report.tokens:
            out(f"  {who:<24} {token}")
        out("Site: http://127.0.0.1:8000/   API docs: http://127.0.0.1:8000/api/v1/docs   CMS: /cms/")
