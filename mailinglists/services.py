"""Changes to subscriptions and posts.

Each change of a subscription writes the event that proves it (what happened, how, and who
acted), because those events are the proof of consent. A change of status and its event are
one SQL statement, made on a locked row: a double click, a mail program retrying its
one-click POST or an ESP retrying its webhook records one event, not two, and an unsubscribe
link costs the database one write. Emails and deliveries are queued only once the
transaction commits.
"""

import datetime
from email.utils import make_msgid
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Customer
from mailinglists.models import Delivery, MailingList, Post, Subscription, SubscriptionEvent
from mailinglists.tasks import fan_out_post, schedule_watch, send_list_welcome, send_post_rejected

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
    subscription, created = Subscription.objects.select_for_update().get_or_create(
        customer=customer, mailing_list=mailing_list
    )
    # A member paused after bounces may resume even a list that is closed to newcomers.
    if not mailing_list.joinable and subscription.status != Status.SUSPENDED:
        raise ValidationError(_("This list is not open to customers."), code="not_joinable")
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


# --- Posts ------------------------------------------------------------------------------


def _start_sending(post: Post, actor: Customer | None) -> None:
    post.status = Post.Status.SENDING
    post.decided_by = actor
    post.decided_at = timezone.now()
    if not post.message_id:
        # The copies' Message-ID: replies refer to it, so they thread under the post.
        post.message_id = make_msgid(domain=settings.LIST_ID_DOMAIN)
    post.save(update_fields=["status", "decided_by", "decided_at", "message_id"])
    transaction.on_commit(partial(fan_out_post.enqueue, post.pk))
    transaction.on_commit(schedule_watch)


def _locked_post(post: Post, status: str, message) -> Post:
    locked = Post.objects.select_for_update().select_related("mailing_list").get(pk=post.pk)
    if locked.status != status:
        raise ValidationError(message, code="wrong_status")
    return locked


@transaction.atomic
def post_send(*, post: Post, actor: Customer) -> Post:
    """Send a draft to every active subscriber of its list (a list manager, from the admin).
    The deliveries are written and sent by tasks; a second click finds it no longer a draft."""
    post = _locked_post(post, Post.Status.DRAFT, _("This post is no longer a draft: it was sent already."))
    _start_sending(post, actor)
    return post


@transaction.atomic
def post_approve(*, post: Post, actor: Customer) -> Post:
    """Distribute a post held for moderation, as if a member had sent it."""
    post = _locked_post(post, Post.Status.HELD, _("This post is no longer held for moderation."))
    _start_sending(post, actor)
    return post


@transaction.atomic
def post_reject(*, post: Post, actor: Customer, note: str, notify: bool) -> Post:
    """Refuse a held post. With `notify`, its sender is told why (not for spam, whose sender
    address is usually forged: the notice would go to an innocent)."""
    post = _locked_post(post, Post.Status.HELD, _("This post is no longer held for moderation."))
    post.status = Post.Status.REJECTED
    post.decided_by = actor
    post.decided_at = timezone.now()
    post.moderation_note = note
    post.save(update_fields=["status", "decided_by", "decided_at", "moderation_note"])
    if notify:
        transaction.on_commit(partial(send_post_rejected.enqueue, post.pk))
    return post


def _held_reason(mailing_list: MailingList, subscription: Subscription | None, spam: bool) -> str:
    if subscription is None or subscription.status == Status.UNSUBSCRIBED:
        return Post.HeldReason.NOT_MEMBER
    if subscription.status == Status.SUSPENDED:
        return Post.HeldReason.SUSPENDED
    if not mailing_list.members_may_post:
        return Post.HeldReason.CLOSED
    if spam:
        return Post.HeldReason.SPAM
    return ""


@transaction.atomic
def post_receive(
    *,
    mailing_list: MailingList,
    sender_email: str,
    sender_name: str,
    subject: str,
    text: str,
    message_id: str,
    in_reply_to: str,
    spam: bool,
) -> Post:
    """A message sent to the list's address (from the inbound webhook).

    From an active member of a list that allows members' posts, it goes out at once, with
    the poster's address visible to the members (as the privacy policy warns); otherwise it
    is held for a moderator. The same message arriving twice (the ESP retrying its webhook)
    is one post.
    """
    if message_id:
        existing = Post.objects.filter(mailing_list=mailing_list, message_id=message_id).first()
        if existing is not None:
            return existing
    poster = Customer.objects.with_email(sender_email).first()
    subscription = (
        Subscription.objects.filter(customer=poster, mailing_list=mailing_list).first() if poster is not None else None
    )
    held_reason = _held_reason(mailing_list, subscription, spam)
    post = Post(
        mailing_list=mailing_list,
        origin=Post.Origin.EMAIL,
        status=Post.Status.HELD if held_reason else Post.Status.DRAFT,
        subject=subject,
        text=text,
        poster=poster,
        sender_email=poster.email if poster is not None else sender_email,
        # Members see the name on their account, not whatever the From header claims.
        sender_name=poster.get_full_name() if poster is not None else sender_name,
        message_id=message_id,
        in_reply_to=in_reply_to,
        held_reason=held_reason,
    )
    try:
        with transaction.atomic():
            post.save()
    except IntegrityError:
        # The same message, arriving at the same moment through a retried webhook.
        return Post.objects.get(mailing_list=mailing_list, message_id=message_id)
    if not held_reason:
        _start_sending(post, actor=None)
    return post


# --- Reports from the ESP: deliveries, bounces, complaints ------------------------------

# What the ESP may say about one delivery, least to most final; older or repeated news
# (a retried webhook, a "deferred" after "delivered") never undoes what is known.
_OUTCOME_RANK = {
    "": 0,
    Delivery.Outcome.SOFT_BOUNCE: 1,
    Delivery.Outcome.DELIVERED: 2,
    Delivery.Outcome.HARD_BOUNCE: 3,
    Delivery.Outcome.COMPLAINT: 4,
}
_BOUNCE_EVENTS = {Delivery.Outcome.HARD_BOUNCE: Kind.HARD_BOUNCE, Delivery.Outcome.SOFT_BOUNCE: Kind.SOFT_BOUNCE}


def _bounce_limit(outcome: str) -> int:
    if outcome == Delivery.Outcome.HARD_BOUNCE:
        return settings.LIST_HARD_BOUNCE_LIMIT
    return settings.LIST_SOFT_BOUNCE_LIMIT


@transaction.atomic
def delivery_report(*, delivery_id: int, recipient: str, outcome: str, reported_at: datetime.datetime) -> bool:
    """Apply what the ESP reports about one delivery; returns whether it changed anything.

    A complaint unsubscribes at once. Each bounce is an event of the subscription's history,
    and LIST_HARD_BOUNCE_LIMIT hard (or LIST_SOFT_BOUNCE_LIMIT soft) bounces within
    LIST_BOUNCE_WINDOW_DAYS, since the member last resumed, pause the subscription.
    """
    found = (
        Delivery.objects.select_for_update(of=("self",))
        .select_related("subscription__customer")
        .filter(pk=delivery_id)
        .first()
    )
    # Gone (purged, or erased with the account), or not the address it went to.
    if found is None or found.subscription.customer.email.lower() != recipient.strip().lower():
        return False
    if _OUTCOME_RANK[outcome] <= _OUTCOME_RANK[found.outcome]:
        return False
    found.outcome, found.outcome_at = outcome, reported_at
    changed = ["outcome", "outcome_at"]
    if found.status == Delivery.Status.INTERRUPTED:
        # Its worker died before writing down the ESP's answer: the ESP tells us it went out.
        found.status = Delivery.Status.SENT
        changed.append("status")
        Post.objects.filter(pk=found.post_id).update(
            sent_count=F("sent_count") + 1, interrupted_count=F("interrupted_count") - 1
        )
    found.save(update_fields=changed)
    subscription = found.subscription
    if outcome == Delivery.Outcome.COMPLAINT:
        subscription_unsubscribe(subscription=subscription, source=Source.COMPLAINT, actor=None)
    elif outcome in _BOUNCE_EVENTS:
        SubscriptionEvent.objects.create(subscription=subscription, kind=_BOUNCE_EVENTS[outcome], source=Source.BOUNCE)
        since = max(
            subscription.status_changed_at, timezone.now() - datetime.timedelta(settings.LIST_BOUNCE_WINDOW_DAYS)
        )
        bounces = Delivery.objects.filter(subscription=subscription, outcome=outcome, outcome_at__gte=since).count()
        if bounces >= _bounce_limit(outcome):
            subscription_suspend(subscription=subscription)
    return True
