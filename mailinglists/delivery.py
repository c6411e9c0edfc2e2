"""Delivering a post to every active subscriber of its list, once each.

1. Fan-out (``write_recipients``): one Delivery row per active subscription, written in
   chunks straight from the subscriptions (INSERT ... SELECT, keyset on the subscription
   id, ON CONFLICT DO NOTHING). Memory stays flat whatever the list's size, and a fan-out
   that stopped half-way goes on from ``post.fanout_cursor`` without writing anyone twice.
2. Workers (``run_worker``) wait for their turn at the pacer shared by all of them
   (LIST_SEND_RATE), then claim a batch of waiting rows with FOR UPDATE SKIP LOCKED, so any
   number of workers share a post without taking the same rows, and mark it SENDING in the
   same transaction, before anything is sent. Whoever left the list by then is skipped.
3. The batch goes to the ESP: one anymail message per language with each recipient's link
   as merge data when LIST_MERGE_FIELD_FORMAT is set, otherwise one message per recipient
   over one connection.
4. The answer is written down: sent; refused (failed, with the reason); or an ESP error,
   retried later with back-off, then failed with the reason after LIST_SEND_MAX_ATTEMPTS.

A worker killed between 2 and 4 leaves its batch SENDING. Whether the ESP took it cannot be
known, so ``recover_stalled`` marks it INTERRUPTED once LIST_SEND_CLAIM_TIMEOUT_SECONDS have
passed, and it is never sent again: nobody gets a second copy. The ESP's own report
(a delivery or bounce, see ``mailinglists.feedback``) later tells whether it went out.
"""

import datetime
import logging
import time
from collections import defaultdict
from dataclasses import dataclass
from email.utils import formataddr

from anymail.exceptions import AnymailRequestsAPIError
from anymail.message import AnymailMessage
from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import F, Min
from django.utils import timezone

from mailinglists.messages import (
    UnsubscribeLinks,
    common_list_headers,
    html_with_footer,
    render_footer,
    text_with_footer,
    unsubscribe_header,
    unsubscribe_url,
)
from mailinglists.models import Delivery, Post, SendPacer, Subscription

logger = logging.getLogger(__name__)

Status = Delivery.Status
# Subscriptions written down per statement during the fan-out.
FANOUT_CHUNK = 5000
# The merge field holding each recipient's unsubscribe link, in batch sending.
LINK_FIELD = "unsubscribe_url"
# Stands for the link in a footer rendered once and then completed for each recipient.
_LINK_PLACEHOLDER = "mandrake-unsubscribe-link-placeholder"
# What anymail reports per recipient: accepted, refused for good, or worth another try.
_ACCEPTED = {"sent", "queued", "scheduled"}
_CLAIMED_FIELDS = [
    "attempts",
    "subscription__status",
    "subscription__public_key",
    "subscription__mailing_list_id",
    "subscription__customer__email",
    "subscription__customer__language",
]
_REFUSED = {"rejected", "invalid"}


# --- 1. Fan-out -------------------------------------------------------------------------

_WRITE_RECIPIENTS = f"""
    WITH chunk AS (
        SELECT id FROM {Subscription._meta.db_table}
        WHERE mailing_list_id = %(list)s AND status = %(active)s AND id > %(after)s
        ORDER BY id LIMIT %(size)s
    ), written AS (
        INSERT INTO {Delivery._meta.db_table} (post_id, subscription_id)
        SELECT %(post)s, id FROM chunk
        ON CONFLICT (post_id, subscription_id) DO NOTHING
        RETURNING 1
    )
    SELECT (SELECT max(id) FROM chunk), (SELECT count(*) FROM written)
"""  # noqa: S608 (table names from our models; every value is a parameter)


def write_recipients(post_id: int, *, chunk_size: int = FANOUT_CHUNK) -> None:
    """Write a delivery row for every active subscriber of the post's list, chunk by chunk."""
    while True:
        with transaction.atomic():
            # The lock keeps a second fan-out of the same post (the watchdog's, after a
            # crash) from running alongside: it waits, then goes on from the cursor.
            post = Post.objects.select_for_update().get(pk=post_id)
            if post.fanout_done:
                return
            with connection.cursor() as cursor:
                cursor.execute(
                    _WRITE_RECIPIENTS,
                    {
                        "list": post.mailing_list_id,
                        "active": Subscription.Status.ACTIVE,
                        "after": post.fanout_cursor,
                        "size": chunk_size,
                        "post": post.pk,
                    },
                )
                last_id, written = cursor.fetchone()
            if last_id is None:
                post.fanout_done = True
                post.save(update_fields=["fanout_done"])
                return
            post.fanout_cursor = last_id
            post.recipient_count = F("recipient_count") + written
            post.save(update_fields=["fanout_cursor", "recipient_count"])


# --- 2. Pacing and claiming -------------------------------------------------------------

_RESERVE_TURN = f"""
    INSERT INTO {SendPacer._meta.db_table} (id, next_batch_at) VALUES (1, clock_timestamp() + %(span)s)
    ON CONFLICT (id) DO UPDATE
        SET next_batch_at = GREATEST({SendPacer._meta.db_table}.next_batch_at, clock_timestamp()) + %(span)s
    RETURNING EXTRACT(EPOCH FROM next_batch_at - %(span)s - clock_timestamp())
"""  # noqa: S608 (table name from our model)


def wait_for_turn(message_count: int) -> None:
    """Book the next slot of the shared pacer for this many messages and sleep until it
    starts, so that all workers together send at most LIST_SEND_RATE messages a second."""
    if settings.LIST_SEND_RATE <= 0:
        return
    span = datetime.timedelta(seconds=message_count / settings.LIST_SEND_RATE)
    with connection.cursor() as cursor:
        cursor.execute(_RESERVE_TURN, {"span": span})
        wait = float(cursor.fetchone()[0])
    if wait > 0:
        time.sleep(wait)


def claim_batch(post: Post, size: int) -> list[Delivery] | None:
    """Take up to `size` waiting deliveries of the post for this worker, marked SENDING before
    anything is sent. None when nothing is waiting; an empty list when all of those taken had
    left the list meanwhile (they are skipped)."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(post=post, status=Status.QUEUED, next_attempt_at__lte=now)
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        if not ids:
            return None
        claimed = list(
            Delivery.objects.filter(pk__in=ids)
            .select_related("subscription__customer")
            # What sending needs, and no more: this runs for every batch of a large list.
            .only(*_CLAIMED_FIELDS)
            .order_by("pk")
        )
        leaving = {delivery.pk for delivery in claimed if delivery.subscription.status != Subscription.Status.ACTIVE}
        if leaving:
            Delivery.objects.filter(pk__in=leaving).update(status=Status.SKIPPED)
            Post.objects.filter(pk=post.pk).update(skipped_count=F("skipped_count") + len(leaving))
        sending = [delivery for delivery in claimed if delivery.pk not in leaving]
        Delivery.objects.filter(pk__in=[delivery.pk for delivery in sending]).update(
            status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    for delivery in sending:
        delivery.attempts += 1
        # Every delivery of the batch is for the post's list: no query per recipient for it.
        delivery.subscription.mailing_list = post.mailing_list
    return sending


# --- 3. Composing and sending -----------------------------------------------------------


def post_sender(post: Post) -> tuple[str, list[str]]:
    """From and Reply-To of a post's copies."""
    mailing_list = post.mailing_list
    if post.origin == Post.Origin.EMAIL:
        # The list sends from its own address: mail "from" the poster's domain, sent by our
        # ESP, fails DMARC and would be refused. The poster is named, and their address is
        # the Reply-To, visible to every member as the privacy policy warns.
        name = f"{post.sender_name or post.sender_email} via {mailing_list.name_en}"
        return formataddr((name, mailing_list.address)), [formataddr((post.sender_name, post.sender_email))]
    return mailing_list.address or settings.DEFAULT_FROM_EMAIL, []


def post_headers(post: Post) -> dict[str, str]:
    headers = common_list_headers(post.mailing_list)
    if post.message_id:
        headers["Message-ID"] = post.message_id
    if post.in_reply_to:
        # Replies arrive threaded under the message they answer.
        headers["In-Reply-To"] = headers["References"] = post.in_reply_to
    return headers


def _message(post: Post, language: str, link: str, to: list[str]) -> AnymailMessage:
    from_email, reply_to = post_sender(post)
    message = AnymailMessage(
        # A header line must not contain newlines.
        subject=" ".join(post.subject.split()),
        body=text_with_footer(post.text, render_footer("txt", post.mailing_list, language, link)),
        from_email=from_email,
        reply_to=reply_to,
        to=to,
        headers=post_headers(post),
    )
    if post.html:
        message.attach_alternative(
            html_with_footer(post.html, render_footer("html", post.mailing_list, language, link)), "text/html"
        )
    return message


def build_post_message(post: Post, subscription: Subscription, *, language: str) -> AnymailMessage:
    """One copy of the post for one subscriber, as it leaves (also the admin's preview)."""
    message = _message(post, language, unsubscribe_url(subscription), [subscription.customer.email])
    message.extra_headers["List-Unsubscribe"] = unsubscribe_header(subscription)
    return message


@dataclass(frozen=True)
class Result:
    status: str  # "sent", "refused" or "retry"
    reason: str = ""


def _error_reason(error: Exception) -> str:
    # Only the kind of error: an ESP's message may quote other recipients' addresses, and
    # this reason is kept with each recipient's delivery.
    if isinstance(error, AnymailRequestsAPIError) and error.status_code:
        return f"{type(error).__name__} (HTTP {error.status_code})"
    return type(error).__name__


def _results_from(message: AnymailMessage, deliveries: list[Delivery]) -> dict[int, Result]:
    statuses = message.anymail_status.recipients
    results = {}
    for delivery in deliveries:
        if not statuses:
            # A Django backend that is not anymail's: a send without an error is a send.
            results[delivery.pk] = Result("sent")
            continue
        reported = statuses.get(delivery.subscription.customer.email)
        status = reported.status if reported is not None else "unknown"
        if status in _ACCEPTED:
            results[delivery.pk] = Result("sent")
        elif status in _REFUSED:
            results[delivery.pk] = Result("refused", f"The mail provider refused the address ({status}).")
        else:
            results[delivery.pk] = Result("retry", f"The mail provider did not take it ({status}).")
    return results


def _send_or_retry(message: AnymailMessage, deliveries: list[Delivery], post: Post) -> dict[int, Result]:
    try:
        message.send()
    except Exception as error:  # noqa: BLE001 (any failure of the ESP call is retried later)
        # The post and the size of the batch only: the error may quote addresses.
        logger.warning("post %s: a batch of %s failed: %s", post.pk, len(deliveries), type(error).__name__)
        return {delivery.pk: Result("retry", _error_reason(error)) for delivery in deliveries}
    return _results_from(message, deliveries)


def send_batch(post: Post, deliveries: list[Delivery]) -> dict[int, Result]:
    """Hand a claimed batch to the ESP; what became of each delivery, by id."""
    by_language = defaultdict(list)
    for delivery in deliveries:
        by_language[delivery.subscription.customer.language].append(delivery)
    results = {}
    links = UnsubscribeLinks(post.mailing_list)
    if settings.LIST_MERGE_FIELD_FORMAT:
        merge_field = settings.LIST_MERGE_FIELD_FORMAT.format(LINK_FIELD)
        for language, group in by_language.items():
            message = _message(
                post, language, merge_field, [delivery.subscription.customer.email for delivery in group]
            )
            message.metadata = {"post": str(post.pk)}
            message.merge_data, message.merge_headers, message.merge_metadata = {}, {}, {}
            for delivery in group:
                email, url = delivery.subscription.customer.email, links.url(delivery.subscription)
                message.merge_data[email] = {LINK_FIELD: url}
                message.merge_headers[email] = {"List-Unsubscribe": links.header(delivery.subscription, url)}
                message.merge_metadata[email] = {"delivery": str(delivery.pk)}
            results.update(_send_or_retry(message, group, post))
        return results
    with get_connection() as mail_connection:
        for language, group in by_language.items():
            # The footer is rendered once per language, then completed with each link.
            template = _message(post, language, _LINK_PLACEHOLDER, [])
            for delivery in group:
                message = _personalised(template, delivery.subscription, links)
                message.connection = mail_connection
                message.metadata = {"post": str(post.pk), "delivery": str(delivery.pk)}
                results.update(_send_or_retry(message, [delivery], post))
    return results


def _personalised(template: AnymailMessage, subscription: Subscription, links: UnsubscribeLinks) -> AnymailMessage:
    url = links.url(subscription)
    message = AnymailMessage(
        subject=template.subject,
        body=template.body.replace(_LINK_PLACEHOLDER, url),
        from_email=template.from_email,
        reply_to=template.reply_to,
        to=[subscription.customer.email],
        headers={**template.extra_headers, "List-Unsubscribe": links.header(subscription, url)},
    )
    for content, mimetype in template.alternatives:
        message.attach_alternative(content.replace(_LINK_PLACEHOLDER, url), mimetype)
    return message


# --- 4. Recording -----------------------------------------------------------------------


def retry_delay(attempts: int) -> datetime.timedelta:
    """Back-off after the given number of attempts: RETRY_SECONDS, then twice as long each time."""
    return datetime.timedelta(seconds=settings.LIST_SEND_RETRY_SECONDS * 2 ** (attempts - 1))


@transaction.atomic
def record_results(post: Post, deliveries: list[Delivery], results: dict[int, Result]) -> None:
    """Write down what the ESP answered. Only rows still SENDING are touched: a batch the
    watchdog already called interrupted stays so, and is counted once."""
    now = timezone.now()
    in_flight = Delivery.objects.filter(status=Status.SENDING)
    sent = [delivery.pk for delivery in deliveries if results[delivery.pk].status == "sent"]
    sent_count = in_flight.filter(pk__in=sent).update(status=Status.SENT, sent_at=now, failure_reason="")
    failed = defaultdict(list)
    retry = defaultdict(list)
    for delivery in deliveries:
        result = results[delivery.pk]
        if result.status == "refused":
            failed[result.reason].append(delivery.pk)
        elif result.status == "retry" and delivery.attempts >= settings.LIST_SEND_MAX_ATTEMPTS:
            failed[f"Gave up after {delivery.attempts} attempts: {result.reason}"].append(delivery.pk)
        elif result.status == "retry":
            retry[(delivery.attempts, result.reason)].append(delivery.pk)
    failed_count = 0
    for reason, ids in failed.items():
        failed_count += in_flight.filter(pk__in=ids).update(status=Status.FAILED, failure_reason=reason[:500])
    for (attempts, reason), ids in retry.items():
        in_flight.filter(pk__in=ids).update(
            status=Status.QUEUED, next_attempt_at=now + retry_delay(attempts), failure_reason=reason[:500]
        )
    Post.objects.filter(pk=post.pk).update(
        sent_count=F("sent_count") + sent_count, failed_count=F("failed_count") + failed_count
    )


# --- The worker, the end, and recovery --------------------------------------------------


def run_worker(post_id: int) -> datetime.datetime | None:
    """Send the post's waiting deliveries, batch after batch, alongside any other worker.

    Returns when the next retry falls due if some deliveries wait for one (for the caller to
    come back then), otherwise None; the last worker to finish marks the post sent.
    """
    post = Post.objects.select_related("mailing_list").get(pk=post_id)
    if post.status != Post.Status.SENDING:
        return None
    # Checked before booking a turn, so that a worker with nothing to do takes no one's slot.
    while has_due_deliveries(post):
        wait_for_turn(settings.LIST_SEND_BATCH_SIZE)
        batch = claim_batch(post, settings.LIST_SEND_BATCH_SIZE)
        if batch is None:
            break  # another worker took the last ones
        if batch:
            record_results(post, batch, send_batch(post, batch))
    if finish_if_done(post_id):
        return None
    next_retry = Delivery.objects.filter(post_id=post_id, status=Status.QUEUED).aggregate(due=Min("next_attempt_at"))
    due = next_retry["due"]
    # Due already: another worker put it back a moment ago and takes it on its next round.
    return due if due is not None and due > timezone.now() else None


def finish_if_done(post_id: int) -> bool:
    """Mark the post sent once every recipient is written down and none is waiting or in flight."""
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post_id)
        if post.status != Post.Status.SENDING or not post.fanout_done:
            return post.status == Post.Status.SENT
        if post.deliveries.filter(status__in=[Status.QUEUED, Status.SENDING]).exists():
            return False
        post.status = Post.Status.SENT
        post.finished_at = timezone.now()
        post.save(update_fields=["status", "finished_at"])
    return True


def recover_stalled(now: datetime.datetime | None = None) -> list[Post]:
    """Mark batches handed to the ESP too long ago by a worker that died as INTERRUPTED
    (never sent again), and return the posts still being sent, for the watchdog to resume."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.LIST_SEND_CLAIM_TIMEOUT_SECONDS)
    sending = list(Post.objects.sending())
    for post in sending:
        with transaction.atomic():
            stalled = Delivery.objects.filter(post=post, status=Status.SENDING, claimed_at__lt=cutoff).update(
                status=Status.INTERRUPTED,
                failure_reason="The worker stopped while the mail provider had it; not sent again.",
            )
            if stalled:
                logger.warning("post %s: %s deliveries interrupted by a stopped worker", post.pk, stalled)
                Post.objects.filter(pk=post.pk).update(interrupted_count=F("interrupted_count") + stalled)
    return sending


def has_due_deliveries(post: Post) -> bool:
    return post.deliveries.filter(status=Status.QUEUED, next_attempt_at__lte=timezone.now()).exists()
