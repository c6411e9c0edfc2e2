"""createsuperuser for customers who log in with a generated number.

Django's own command would ask for the username field, here the customer number, which
nobody can know in advance. This one asks for the email address, names and password,
generates the number and prints it. (accounts comes before django.contrib.auth in
INSTALLED_APPS so that this command wins.)
"""

import getpass
import os

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from accounts.models import Customer


class Command(BaseCommand):
    help = "Create a staff member with every permission; prints the customer number to log in with."

    def add_arguments(self, parser):
        parser.add_argument("--email")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="take the password from DJANGO_SUPERUSER_PASSWORD and ask nothing",
        )

    def handle(self, *args, email=None, first_name="", last_name="", interactive=True, **options):
        email = email or (interactive and input("Email address: ").strip()) or ""
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not an email address.") from None
        if Customer.objects.with_email(email).exists():
            raise CommandError("An account already uses this email address.")
        first_name = first_name or (interactive and input("First name: ").strip()) or "Staff"
        last_name = last_name or (interactive and input("Last name: ").strip()) or "Member"
        password = self._password(interactive, Customer(email=email, first_name=first_name, last_name=last_name))
        staff = Customer.objects.create_superuser(
            email=email, password=password, first_name=first_name, last_name=last_name
        )
        self.stdout.write(f"Created. Log in to /admin/ with the customer number {staff.formatted_number}.")

    def _password(self, interactive: bool, candidate: Customer) -> str:
        if not interactive:
            password = os.environ.get("DJANGO_SUPERUSER_PASSWORD", "")
            if not password:
                raise CommandError("Set DJANGO_SUPERUSER_PASSWORD when using --noinput.")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords are not the same.")
        try:
            password_validation.validate_password(password, candidate)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        return password
