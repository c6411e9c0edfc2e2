"""The production password hasher: Argon2id at (at least) OWASP's minimum cost.

The suite runs with a fast hasher (tests/conftest.py); these tests use the real one on purpose.
"""

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher, check_password, make_password

from accounts.models import Customer
from mandrakeonline import settings as project_settings
from mandrakeonline.hashers import Argon2idPasswordHasher
from tests.conftest import PASSWORD


@pytest.fixture
def production_hashers(settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS


def test_the_cost_is_at_least_owasps_minimum_for_argon2id():
    hasher = Argon2idPasswordHasher()

    # OWASP Password Storage Cheat Sheet: Argon2id, m = 19 MiB (19456 KiB), t = 2, p = 1.
    assert hasher.memory_cost >= 19 * 1024
    assert hasher.time_cost >= 2
    assert hasher.parallelism >= 1


def test_new_passwords_are_argon2id_hashes_with_those_parameters(production_hashers):
    encoded = make_password(PASSWORD)

    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert check_password(PASSWORD, encoded)
    assert not check_password(PASSWORD + "!", encoded)


@pytest.mark.django_db
@pytest.mark.parametrize("older_hasher", [Argon2PasswordHasher, PBKDF2PasswordHasher])
def test_older_hashes_still_verify_and_are_upgraded_at_the_next_login(production_hashers, customer, older_hasher):
    customer.password = older_hasher().encode(PASSWORD, older_hasher().salt())
    customer.save(update_fields=["password"])

    assert Customer.objects.get(pk=customer.pk).check_password(PASSWORD)

    customer.refresh_from_db()
    assert customer.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert customer.check_password(PASSWORD)
