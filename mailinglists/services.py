"""Changes to subscriptions.

Each change writes the event that proves it (what happened, how, and who acted), because
those events are the proof of consent. Each runs in a transaction on a locked row, so that
a double click or a mail program retrying its one-click POST records one event, not two.
The welcome email is queued only once the transaction commits.
"""

from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Customer
from mailinglists.models import MailingList, Subscription, SubscriptionEvent
from mailinglists.tasks import send_list_welcome

Status = Subscription.Status
Kind = SubscriptionEvent.Kind
Source = SubscriptionEvent.Source


def _change_status(subscription: Subscription, status: str, kind: str, *, source: str, actor: Customer | None) -> None:
    subscription.status = status
    subscription.status_changed_at = timezone.now()
    subscription.save(update_fields=["status", "status_changed_at"])
    SubscriptionEvent.objects.create(subscription=subscription, kind=kind, source=source, actor=actor)


def _locked(subscription: Subscription) -> Subscription:
    # Re-read under a row lock: the status seen by the caller may be stale.
    locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
    subscription.status, subscription.status_changed_at = locked.status, locked.status_changed_at
    return subscription


@transaction.atomic
def subscription_join(*, customer: Customer, mailing_list: MailingList, actor: Customer) -> Subscription:
    """Subscribe a customer from the account pages, or start their subscription again.

    Joining needs a confirmed email address, so that nobody signs up an address that is not
    theirs. Joining a list one already receives changes nothing. A welcome message, which
    carries the unsubscribe link, follows every actual join.
    """
    if not customer.email_verified:
        raise ValidationError(_("Confirm your email address before joining a list."), code="email_not_verified")
    if not mailing_list.joinable:
        raise ValidationError(_("This list is not open to customers."), code="not_joinable")
    subscription, created = Subscription.objects.select_for_update().get_or_create(
        customer=customer, mailing_list=mailing_list
    )
    if created:
        SubscriptionEvent.objects.create(
            subscription=subscription, kind=Kind.SUBSCRIBED, source=Source.ACCOUNT, actor=actor
        )
    elif subscription.status == Status.ACTIVE:
        return subscription
    else:
        _change_status(subscription, Status.ACTIVE, Kind.RESUBSCRIBED, source=Source.ACCOUNT, actor=actor)
    transaction.on_commit(partial(send_list_welcome.enqueue, subscription.pk))
    return subscription


@transaction.atomic
def subscription_resubscribe(*, subscription: Subscription, source: str, actor: Customer | None) -> bool:
    """Undo an unsubscription (from the page the unsubscribe link opens). Returns whether
    anything changed. The list need not be joinable: this restores a membership the
    customer had, it does not start a new one."""
    _locked(subscription)
    if subscription.status == Status.ACTIVE:
        return False
    _change_status(subscription, Status.ACTIVE, Kind.RESUBSCRIBED, source=source, actor=actor)
    return True


@transaction.atomic
def subscription_unsubscribe(*, subscription: Subscription, source: str, actor: Customer | None) -> bool:
    """Stop a subscription, whatever its state; returns whether anything changed, so that
    a second click (or a mail program's retry) is harmless."""
    _locked(subscription)
    if subscription.status == Status.UNSUBSCRIBED:
        return False
    _change_status(subscription, Status.UNSUBSCRIBED, Kind.UNSUBSCRIBED, source=source, actor=actor)
    return True


@transaction.atomic
def subscription_unsubscribe_many(*, subscriptions: QuerySet[Subscription], source: str, actor: Customer | None) -> int:
    """Stop every subscription of the set that still receives mail ("leave all lists", and
    the admin's bulk action); returns how many stopped."""
    # Locked through a plain query on the keys: the given set may carry joins or an ordering
    # (the admin's does) that FOR UPDATE must not apply to.
    stopping = list(
        Subscription.objects.select_for_update().filter(pk__in=subscriptions.values("pk")).receiving().order_by("pk")
    )
    now = timezone.now()
    Subscription.objects.filter(pk__in=[subscription.pk for subscription in stopping]).update(
        status=Status.UNSUBSCRIBED, status_changed_at=now
    )
    SubscriptionEvent.objects.bulk_create(
        SubscriptionEvent(subscription=subscription, kind=Kind.UNSUBSCRIBED, source=source, actor=actor, created_at=now)
        for subscription in stopping
    )
    return len(stopping)


@transaction.atomic
def subscription_suspend(*, subscription: Subscription) -> bool:
    """Pause an active subscription whose mail bounces (called by bounce handling). The
    customer sees it on their account page and can resume it once their mailbox works."""
    _locked(subscription)
    if subscription.status != Status.ACTIVE:
        return False
    _change_status(subscription, Status.SUSPENDED, Kind.SUSPENDED, source=Source.BOUNCE, actor=None)
    return True
