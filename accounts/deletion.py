"""Deleting an account: what will be erased and kept, then the erasure itself.

The personal-data registry says, for every kind of record, how to find a customer's rows
and what becomes of each field; this module applies it, in one transaction, for the
customer themself and for staff answering a request by letter or phone alike.
"""

from django.db import transaction
from django.utils import timezone

from accounts import customer_numbers, export
from accounts.models import Customer, DataExport, LoginSession, PrivacyRequest
from accounts.services import login_sessions_end
from mandrakeonline.mail import send_templated_email
from mandrakeonline.personal_data import Erasure, registry


def deletion_preview(customer: Customer) -> list[dict]:
    """Per kind of record: how many the customer has, and whether they go or stay, why,
    and until when. One query per kind of record."""
    preview = []
    for declared in registry.personal_models():
        count = declared.rows_for(customer).count()
        if not count:
            continue
        entries = registry.fields_of(declared.model)
        kept = [entry for entry in entries if entry.erasure is Erasure.KEEP]
        deleted = any(entry.erasure is Erasure.DELETE for entry in entries)
        preview.append(
            {
                "title": declared.title,
                "count": count,
                "erased": deleted or not kept,
                "kept_fields": [] if deleted else [entry.label for entry in kept],
                "reasons": [] if deleted else list(dict.fromkeys(str(entry.retention) for entry in kept)),
                "kept_until": None if deleted or declared.kept_until is None else declared.kept_until(customer),
            }
        )
    return preview


@transaction.atomic
def account_delete(
    *,
    customer: Customer,
    actor: Customer | None,
    channel: str | None,
    notes: str = "",
    received_on=None,
    notice: str | None = "account_deleted",
) -> None:
    """Erase the account: every row that goes with it is deleted, the records the law makes
    us keep are minimised and detached, every browser is logged out, and the number is
    retired for good. The email template `notice` (if any) goes to the address that was on
    file. The request is logged when it came from someone (channel); retention passes None."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    number, email, first_name, language = (
        customer.customer_number,
        customer.email,
        customer.first_name,
        customer.language,
    )
    export_files = [
        export.export_path(item) for item in DataExport.objects.for_customer(customer).exclude(file_name="")
    ]

    login_sessions_end(customer=customer, sessions=LoginSession.objects.for_customer(customer))
    # Children first: rows kept for the law lose their link to the person before it goes.
    for declared in reversed(registry.personal_models()):
        if declared.model is not Customer:
            registry.erase_rows(declared, customer)
    _forget_login_attempts(number)
    if channel is not None:
        _log_request(number, actor, customer, channel, notes, received_on)
    customer.delete()

    def after_commit():
        for path in export_files:
            path.unlink(missing_ok=True)
        if notice:
            _send_notice(notice, email=email, first_name=first_name, language=language, number=number)

    transaction.on_commit(after_commit)


def _log_request(number, actor, customer, channel, notes, received_on) -> None:
    PrivacyRequest.objects.create(
        customer_number=number,
        kind=PrivacyRequest.Kind.DELETION,
        channel=channel,
        received_on=received_on or timezone.localdate(),
        completed_at=timezone.now(),
        handled_by=actor if actor is not None and actor.pk != customer.pk else None,
        notes=notes,
    )


def _forget_login_attempts(number: str) -> None:
    # django-axes keeps failed and successful logins with the number and IP address.
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username=number).delete()


def _send_notice(template: str, *, email: str, first_name: str, language: str, number: str) -> None:
    # Sent from here rather than from a task: a task would store the address in the queue
    # table, after the account it belonged to is gone.
    send_templated_email(
        to=email,
        template=template,
        context={"first_name": first_name, "number": customer_numbers.format_number(number)},
        language=language,
    )
