import pytest
from django.core.management import call_command

from registrations.models import Configuration, Disclosure, Partner, Product, Registration

pytestmark = pytest.mark.django_db


def counts():
    return [model.objects.count() for model in (Product, Registration, Configuration, Partner, Disclosure)]


def test_the_demo_data_is_seeded_once(settings, mailoutbox):
    settings.DEBUG = True

    call_command("seed_demo", stdout=None)
    first = counts()
    call_command("seed_demo", stdout=None)

    assert counts() == first
    assert first[0] >= 6
    assert first[1:] == [2, 2, 1, 1]
    demo = Registration.objects.get(serial="MDK-4B7Q-2KD9-XW31")
    assert len(demo.configuration.devices) == 6
    assert Registration.objects.get(serial="MDK-9ZC2-M4HT-0EPN").support_is_active
    assert Disclosure.objects.get().customer == demo.customer
