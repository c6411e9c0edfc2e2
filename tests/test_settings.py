import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # A clean production-like environment: none of the development or test-only variables
    # (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly refuses).
    unset = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {key: value for key, value in os.environ.items() if key not in unset}
    environment.update(DATABASE_URL=settings.DATABASE_URL, **env)
    return subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DEBUG="0", ALLOWED_HOSTS="portal.example.com")

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = manage("check", DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50))

    assert result.returncode != 0
    assert "ALLOWED_HOSTS must name" in result.stderr


def test_production_refuses_to_start_without_the_store_webhook_secret():
    result = manage("check", DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="portal.example.com")

    assert result.returncode != 0
    assert "STORE_WEBHOOK_SECRET" in result.stderr


def test_without_the_esp_webhook_secret_the_deployment_checks_fail():
    # anymail would take anyone's webhook calls: without the secret they are not served.
    result = manage(
        "check",
        "--deploy",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="portal.example.com",
        STORE_WEBHOOK_SECRET=secrets.token_urlsafe(32),
    )

    assert result.returncode != 0
    assert "mailinglists.E001" in result.stderr


def test_merge_fields_need_an_esp_backend():
    result = manage("check", LIST_MERGE_FIELD_FORMAT="%recipient.{}%")

    assert result.returncode != 0
    assert "mailinglists.E002" in result.stderr
    assert (
        manage(
            "check", LIST_MERGE_FIELD_FORMAT="%recipient.{}%", EMAIL_BACKEND="anymail.backends.test.EmailBackend"
        ).returncode
        == 0
    )


def test_a_merge_field_format_without_its_slot_is_refused():
    result = manage("check", LIST_MERGE_FIELD_FORMAT="%recipient.unsubscribe_url%")

    assert result.returncode != 0
    assert "LIST_MERGE_FIELD_FORMAT" in result.stderr


def test_production_refuses_a_malformed_boolean():
    result = manage("check", DEBUG="maybe")

    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_production_settings_pass_the_deployment_checks_without_a_warning():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="portal.example.com",
        STORE_WEBHOOK_SECRET=secrets.token_urlsafe(32),
        ANYMAIL_WEBHOOK_SECRET=f"esp:{secrets.token_urlsafe(32)}",
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_passwords_are_hashed_with_argon2id_first():
    # The test suite swaps in a fast hasher per test; the settings module itself must not.
    from mandrakeonline import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0] == "mandrakeonline.hashers.Argon2idPasswordHasher"


def production_shell(script: str) -> str:
    """What a line of Python prints under the production settings."""
    result = manage(
        "shell",
        "-c",
        script,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="portal.example.com",
        STORE_WEBHOOK_SECRET=secrets.token_urlsafe(32),
    )
    assert result.returncode == 0, result.stderr
    # The shell may first say what it imported; the script's output is the last line.
    return result.stdout.strip().splitlines()[-1]


def test_production_keeps_database_connections_and_checks_them_before_reuse():
    database = json.loads(
        production_shell(
            "import json; from django.conf import settings; "
            "print(json.dumps(settings.DATABASES['default'], default=str))"
        )
    )

    assert database["CONN_MAX_AGE"] == 600
    assert database["CONN_HEALTH_CHECKS"] is True


def test_production_compiles_each_template_once_per_process():
    loader = production_shell(
        "from django.template import engines; print(type(engines['django'].engine.template_loaders[0]).__module__)"
    )

    assert loader == "django.template.loaders.cached"


@pytest.mark.django_db
def test_the_content_security_policy_forbids_inline_code(client):
    policy = client.get("/login/")["Content-Security-Policy"]

    assert "default-src 'none'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
