"""Configuration mistakes that would make list delivery unsafe, caught by `manage.py check`."""

from anymail.backends.base import AnymailBaseBackend
from django.conf import settings
from django.core.checks import Error, Tags, register
from django.utils.module_loading import import_string


@register(Tags.security, deploy=True)
def webhook_secret(app_configs, **kwargs) -> list[Error]:
    secret = settings.ANYMAIL.get("WEBHOOK_SECRET", "")
    if ":" in secret and secret != settings.DEV_WEBHOOK_SECRET:
        return []
    return [
        Error(
            "ANYMAIL_WEBHOOK_SECRET is not a random user:password, so the ESP's webhooks (members' posts, "
            "bounces, complaints) are not served.",
            hint="Set it, and give the same user:password in the webhook URLs configured at the ESP.",
            id="mailinglists.E001",
        )
    ]


@register(Tags.compatibility)
def merge_fields_need_anymail(app_configs, **kwargs) -> list[Error]:
    # Any other backend would send one message with every recipient of a batch in its To.
    if settings.LIST_MERGE_FIELD_FORMAT and not issubclass(import_string(settings.EMAIL_BACKEND), AnymailBaseBackend):
        return [
            Error(
                "LIST_MERGE_FIELD_FORMAT needs an anymail EMAIL_BACKEND: only an ESP merges each recipient's "
                "own link into a batch.",
                hint="Set EMAIL_BACKEND to your ESP's anymail backend, or leave LIST_MERGE_FIELD_FORMAT empty.",
                id="mailinglists.E002",
            )
        ]
    return []
