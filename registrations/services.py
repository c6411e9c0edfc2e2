"""Writes on registrations, configurations and disclosures.

Each one leaves a RegistrationEvent naming who acted, so that every change to this personal
data can be traced; emails are queued only once the transaction commits.
"""

from collections.abc import Iterable
from functools import partial

from django.db import IntegrityError, transaction

from accounts.models import Customer
from registrations.models import Configuration, Disclosure, Registration, RegistrationEvent, normalize_serial
from registrations.tasks import send_registration_email


class SerialAlreadyRegistered(Exception):
    """Another registration took the key between the form's check and the save."""


def _record(
    registration: Registration, kind: str, *, actor: Customer | None, changed_fields: Iterable[str] = ()
) -> None:
    RegistrationEvent.objects.create(
        customer_id=registration.customer_id,
        registration=registration,
        product_id=registration.product_id,
        kind=kind,
        actor=actor,
        changed_fields=list(changed_fields),
    )


def _save_guarding_serial(registration: Registration, **save_options) -> None:
    # The unique constraint decides when two people register one key at the same moment.
    try:
        with transaction.atomic():
            registration.save(**save_options)
    except IntegrityError as error:
        raise SerialAlreadyRegistered from error


@transaction.atomic
def registration_create(*, customer: Customer, details: dict, actor: Customer) -> Registration:
    """Register a product for the customer with the details of the registration form."""
    registration = Registration(customer=customer, **details)
    registration.serial = normalize_serial(registration.serial)
    _save_guarding_serial(registration)
    _record(registration, RegistrationEvent.Kind.REGISTERED, actor=actor)
    return registration


@transaction.atomic
def registration_update(*, registration: Registration, changes: dict, actor: Customer) -> list[str]:
    """Save corrections to a registration; return the names of the fields that changed."""
    if "serial" in changes:
        changes = {**changes, "serial": normalize_serial(changes["serial"])}
    changed = [name for name, value in changes.items() if getattr(registration, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(registration, name, changes[name])
    _save_guarding_serial(registration, update_fields=changed)
    _record(registration, RegistrationEvent.Kind.CORRECTED, actor=actor, changed_fields=changed)
    return changed


@transaction.atomic
def registration_delete(*, registration: Registration, actor: Customer) -> None:
    """Delete a registration and its configuration. Disclosures of it stay on record, and
    the customer keeps seeing them; the history keeps that it was deleted and by whom."""
    _record(registration, RegistrationEvent.Kind.DELETED, actor=actor)
    registration.delete()


@transaction.atomic
def configuration_save(*, registration: Registration, values: dict, actor: Customer) -> list[str]:
    """Create or correct the configuration of a registration; return the fields changed."""
    configuration = registration.configuration_or_none() or Configuration(registration=registration)
    changed = [name for name, value in values.items() if getattr(configuration, name) != value]
    if configuration.pk is not None and not changed:
        return []
    for name in changed:
        setattr(configuration, name, values[name])
    if configuration.pk is None:
        configuration.save()
    else:
        configuration.save(update_fields=[*changed, "updated_at"])
    registration.configuration = configuration
    _record(registration, RegistrationEvent.Kind.CONFIGURATION_CHANGED, actor=actor, changed_fields=changed)
    return changed


@transaction.atomic
def registration_saved_by_staff(
    *, registration: Registration, staff: Customer, created: bool, changed_fields: list[str]
) -> None:
    """Record a registration added or corrected in the admin, naming the staff member."""
    if created:
        _record(registration, RegistrationEvent.Kind.REGISTERED, actor=staff)
    elif changed_fields:
        _record(registration, RegistrationEvent.Kind.CORRECTED, actor=staff, changed_fields=changed_fields)


@transaction.atomic
def configuration_saved_by_staff(*, registration: Registration, staff: Customer, changed_fields: list[str]) -> None:
    """Record a configuration corrected in the admin, naming the staff member."""
    if changed_fields:
        _record(registration, RegistrationEvent.Kind.CONFIGURATION_CHANGED, actor=staff, changed_fields=changed_fields)


@transaction.atomic
def disclosure_record(*, disclosure: Disclosure, recorded_by: Customer) -> Disclosure:
    """Record that data of a registration was given to a partner, and tell the customer.

    The portal sends nothing to the partner: the record is the point. It copies the
    customer and the product from the registration, so that it keeps saying what it was
    about after the registration is deleted.
    """
    registration = disclosure.registration
    disclosure.customer_id = registration.customer_id
    disclosure.product_id = registration.product_id
    disclosure.recorded_by = recorded_by
    disclosure.save()
    _record(registration, RegistrationEvent.Kind.DISCLOSED, actor=recorded_by)
    transaction.on_commit(
        partial(
            send_registration_email.enqueue, "disclosure_notice", registration.customer_id, disclosure_id=disclosure.pk
        )
    )
    return disclosure
