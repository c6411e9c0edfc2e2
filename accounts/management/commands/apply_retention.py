from django.core.management.base import BaseCommand

from accounts import retention
from accounts.tasks import schedule_retention


class Command(BaseCommand):
    help = "Erase what has outlived its retention period (see accounts/retention.py)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only count what would be erased")
        parser.add_argument(
            "--schedule", action="store_true", help="only make sure the nightly run is queued for the worker"
        )

    def handle(self, *args, dry_run=False, schedule=False, **options):
        if schedule:
            schedule_retention()
            self.stdout.write("The nightly retention run is queued.")
            return
        verb = "would erase" if dry_run else "erased"
        for rule, count in retention.apply_all(dry_run=dry_run):
            self.stdout.write(f"{rule.name:<22} {verb} {count:>6}  {rule.description}")
