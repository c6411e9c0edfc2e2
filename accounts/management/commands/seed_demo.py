import importlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Customer

DEMO_PASSWORD = "mandrake-demo-2026"  # noqa: S105 (documented demo credential, refused when DEBUG is off)
DEMO_CUSTOMER = {
    "email": "demo@example.com",
    "first_name": "Camille",
    "last_name": "Martin",
    "language": "fr",
    "address_line1": "12 rue des Lilas",
    "postal_code": "75011",
    "city": "Paris",
    "country": "FR",
}
# Each app may add demo data with a `demo.py` module holding `seed(*, customer, staff)`;
# it must be idempotent, as this command is.
DEMO_MODULES = ["mailinglists.demo", "registrations.demo", "billing.demo"]
DEMO_STAFF = {"email": "staff@example.com", "first_name": "Sam", "last_name": "Staff", "language": "en"}


class Command(BaseCommand):
    help = "Create the demo customer and staff login (idempotent) and print how to log in."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="run even when DEBUG is off")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo creates accounts with published passwords; it runs only with DEBUG on.")
        with transaction.atomic():
            customer = self._get_or_create(DEMO_CUSTOMER, is_staff=False)
            staff = self._get_or_create(DEMO_STAFF, is_staff=True)
            for module_name in DEMO_MODULES:
                try:
                    module = importlib.import_module(module_name)
                except ModuleNotFoundError as error:
                    if error.name != module_name:
                        raise
                    continue
                module.seed(customer=customer, staff=staff)
        self.stdout.write(f"Demo logins (password for both: {DEMO_PASSWORD})")
        self.stdout.write(f"  customer: {customer.formatted_number}  ({customer.email})  http://127.0.0.1:8000/login/")
        self.stdout.write(f"  staff:    {staff.formatted_number}  ({staff.email})  http://127.0.0.1:8000/admin/")

    def _get_or_create(self, fields: dict, *, is_staff: bool) -> Customer:
        existing = Customer.objects.with_email(fields["email"]).first()
        if existing is not None:
            return existing
        return Customer.objects.create_user(
            password=DEMO_PASSWORD,
            is_staff=is_staff,
            is_superuser=is_staff,
            email_verified_at=timezone.now(),
            **fields,
        )
