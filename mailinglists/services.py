"""Changes to subscriptions.

Each change writes the event that proves it (what happened, how, and who acted), because
those events are the proof of consent. A change of status and its event are one SQL
statement, made on a locked row: a double click or a mail program retrying its one-click
POST records one event, not two, and an unsubscribe link costs the database one write.
The welcome email is queued only once the transaction commits.
"""

from functools import partial

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Customer
from mailinglists.models import MailingList, Subscription, SubscriptionEvent
from mailinglists.tasks import send_list_welcome

Status = Subscription.Status
Kind = SubscriptionEvent.Kind
Source = SubscriptionEvent.Source
NOT_ACTIVE = {Status.UNSUBSCRIBED, Status.SUSPENDED}


# The UPDATE locks the row and, if another transaction changed it meanwhile, checks its WHERE
# clause again on the new version; the event is inserted only for a row the UPDATE changed.
_CHANGE_STATUS = """
    WITH changed AS (
        UPDATE mailinglists_subscription SET status = %(status)s, status_changed_at = %(now)s
        WHERE id = %(id)s AND status = ANY(%(from_statuses)s)
        RETURNING id
    )
    INSERT INTO mailinglists_subscriptionevent (subscription_id, kind, source, actor_id, created_at)
    SELECT id, %(kind)s, %(source)s, %(actor_id)s, %(now)s FROM changed
    RETURNING id
"""


def _change_status(
    subscription: Subscription, *, from_statuses: set[str], to: str, kind: str, source: str, actor: Customer | None
) -> bool:
    """Move the subscription to the status `to` if it is in one of `from_statuses`, and
    record the event; returns whether it changed (the object then holds the new status)."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            _CHANGE_STATUS,
            {
                "status": to,
                "now": now,
                "id": subscription.pk,
                "from_statuses": sorted(from_statuses),
                "kind": kind,
                "source": source,
                "actor_id": actor.pk if actor else None,
            },
        )
        changed = cursor.fetchone() is not None
    if changed:
        subscription.status, subscription.status_changed_at = to, now
    return changed


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
        _change_status(
            subscription,
            from_statuses=NOT_ACTIVE,
            to=Status.ACTIVE,
            kind=Kind.RESUBSCRIBED,
            source=Source.ACCOUNT,
            actor=actor,
        )
    transaction.on_commit(partial(send_list_welcome.enqueue, subscription.pk))
    return subscription


def subscription_resubscribe(*, subscription: Subscription, source: str, actor: Customer | None) -> bool:
    """Undo an unsubscription (from the page the unsubscribe link opens). Returns whether
    anything changed. The list need not be joinable: this restores a membership the
    customer had, it does not start a new one."""
    return _change_status(
        subscription, from_statuses=NOT_ACTIVE, to=Status.ACTIVE, kind=Kind.RESUBSCRIBED, source=source, actor=actor
    )


def subscription_unsubscribe(*, subscription: Subscription, source: str, actor: Customer | None) -> bool:
    """Stop a subscription, whatever its state; returns whether anything changed, so that
    a second click (or a mail program's retry) is harmless."""
    return _change_status(
        subscription,
        from_statuses={Status.ACTIVE, Status.SUSPENDED},
        to=Status.UNSUBSCRIBED,
        kind=Kind.UNSUBSCRIBED,
        source=source,
        actor=actor,
    )


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


def subscription_suspend(*, subscription: Subscription) -> bool:
    """Pause an active subscription whose mail bounces (called by bounce handling). The
    customer sees it on their account page and can resume it once their mailbox works."""
    return _change_status(
        subscription,
        from_statuses={Status.ACTIVE},
        to=Status.SUSPENDED,
        kind=Kind.SUSPENDED,
        source=Source.BOUNCE,
        actor=None,
    )
