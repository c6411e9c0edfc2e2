import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Customer
from mandrakeonline.bench_data import BENCH_PASSWORD, EXPORT_EMAIL, PROFILE_EMAIL, STAFF_EMAIL, BenchData


class Command(BaseCommand):
    help = (
        "Fill the database with benchmark data, loaded with COPY: at --scale 1.0, 1,000,000 customers, "
        "2,000,000 subscriptions, 500,000 registrations and 1,000,000 orders with their invoices."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1.0 for a million customers (default)")
        parser.add_argument("--seed", type=int, default=42, help="the same seed gives the same data (default 42)")
        parser.add_argument(
            "--force",
            action="store_true",
            help="add the data beside the customers already there (demo or test accounts, never real ones)",
        )

    def handle(self, *args, scale, seed, force, **options):
        # Every generated account has the same published password.
        if not settings.DEBUG:
            raise CommandError(
                "generate_bench_data creates accounts with a published password; it never runs with DEBUG off."
            )
        if scale <= 0:
            raise CommandError("--scale must be more than 0.")
        if Customer.objects.with_email(EXPORT_EMAIL).exists():
            raise CommandError("This database already holds benchmark data; generate it again in an empty database.")
        if Customer.objects.exists() and not force:
            raise CommandError(
                "This database already has customers. Generate benchmark data in an empty database, or add --force "
                "to put it beside them (never on a database with real customers)."
            )
        started = time.monotonic()
        rows = BenchData(scale=scale, seed=seed, log=self.stdout.write).load()
        self.stdout.write(f"{sum(rows.values()):,} rows in {time.monotonic() - started:.0f} s.")
        self.stdout.write(f"Every account's password: {BENCH_PASSWORD}")
        self.stdout.write(f"  {PROFILE_EMAIL.format(0)} (and the next ones): 10 lists, 5 registrations, 20 orders")
        self.stdout.write(f"  {EXPORT_EMAIL}: 1,000 orders and 100 registrations")
        self.stdout.write(f"  {STAFF_EMAIL}: staff, for the admin")
