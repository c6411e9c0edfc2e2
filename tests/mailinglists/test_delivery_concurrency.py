"""Workers sharing a post, and workers dying, on the real PostgreSQL: each thread has its own
database connection, and every write commits, as with `db_worker` processes."""

import threading
import time
from collections import Counter
from collections.abc import Callable

import pytest
from django.core import mail
from django.db import connection

from mailinglists import delivery, tasks
from mailinglists.models import Delivery, Post
from tests.mailinglists.backends import WorkerKilled
from tests.mailinglists.conftest import draft, members

# serialized_rollback restores what the migrations made (the staff groups) once the test
# has emptied the tables.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

Status = Delivery.Status


def run_together(jobs: list[Callable[[], object]]) -> list[object]:
    """Run the jobs in threads released at the same instant; each result, or what it raised
    (a WorkerKilled included: the thread dies, its connection closes, nothing commits)."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def work(index: int, job: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[index] = job()
        except BaseException as error:  # noqa: BLE001 (handed back to the test to assert on)
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(index, job)) for index, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def sending(post: Post) -> Post:
    """The state the send button leaves a post in, with its recipients written down."""
    Post.objects.filter(pk=post.pk).update(status=Post.Status.SENDING)
    delivery.write_recipients(post.pk)
    return post


def copies_per_address() -> Counter:
    return Counter(address for message in mail.outbox for address in message.to)


def test_two_workers_share_a_post_and_nobody_gets_two_copies(scripted_esp, settings, cooker, staff, mailoutbox):
    settings.LIST_SEND_BATCH_SIZE = 5
    subscriptions = members(cooker, 40, language="en")
    post = sending(draft(cooker, staff))
    senders = Counter()

    def slow_esp(message):
        # The ESP's latency, during which the other worker claims its own batch.
        senders[threading.current_thread().name] += len(message.to)
        time.sleep(0.02)

    scripted_esp.before_call = slow_esp

    results = run_together([lambda: delivery.run_worker(post.pk), lambda: delivery.run_worker(post.pk)])

    assert results == [None, None]
    assert copies_per_address() == Counter({subscription.customer.email: 1 for subscription in subscriptions})
    assert len(senders) == 2, "both workers took a share"
    post.refresh_from_db()
    assert (post.status, post.sent_count, post.recipient_count) == (Post.Status.SENT, 40, 40)
    assert set(Delivery.objects.values_list("status", flat=True)) == {Status.SENT}


def test_a_worker_killed_mid_batch_then_resumed_sends_each_subscriber_exactly_once(
    scripted_esp, settings, cooker, staff, mailoutbox
):
    settings.LIST_SEND_BATCH_SIZE = 4
    subscriptions = members(cooker, 10, language="en")
    post = sending(draft(cooker, staff))
    calls = []

    def killed_once_the_esp_took_the_second_batch(message):
        calls.append(list(message.to))
        if len(calls) == 2:
            raise WorkerKilled  # the ESP sent it; the worker never wrote that down

    scripted_esp.after_accept = killed_once_the_esp_took_the_second_batch

    [outcome] = run_together([lambda: delivery.run_worker(post.pk)])

    assert isinstance(outcome, WorkerKilled)
    assert Counter(Delivery.objects.values_list("status", flat=True)) == {
        Status.SENT: 4,
        Status.SENDING: 4,  # in doubt: the ESP may or may not have taken them
        Status.QUEUED: 2,
    }

    # The restart: the watchdog writes off the batch in doubt and a worker sends the rest.
    settings.LIST_SEND_CLAIM_TIMEOUT_SECONDS = 0
    scripted_esp.after_accept = lambda message: calls.append(list(message.to))
    tasks.watch_deliveries.enqueue()

    assert copies_per_address() == Counter({subscription.customer.email: 1 for subscription in subscriptions})
    assert len(calls) == 3, "the batch in doubt was not sent again"
    post.refresh_from_db()
    assert (post.status, post.sent_count, post.interrupted_count) == (Post.Status.SENT, 6, 4)
    interrupted = Delivery.objects.filter(status=Status.INTERRUPTED)
    assert sorted(interrupted.values_list("subscription__customer__email", flat=True)) == sorted(calls[1])


def test_a_batch_in_doubt_is_never_sent_again_even_if_it_never_left(scripted_esp, settings, cooker, staff, mailoutbox):
    # Killed before the ESP answered: nobody can tell whether it took the batch. Sending it
    # again could give people two copies, so it is written off, and the admin shows it.
    settings.LIST_SEND_BATCH_SIZE = 4
    members(cooker, 6, language="en")
    post = sending(draft(cooker, staff))

    def killed_during_the_call(message):
        raise WorkerKilled

    scripted_esp.before_call = killed_during_the_call
    run_together([lambda: delivery.run_worker(post.pk)])
    scripted_esp.before_call = None
    settings.LIST_SEND_CLAIM_TIMEOUT_SECONDS = 0
    tasks.watch_deliveries.enqueue()

    post.refresh_from_db()
    assert (post.status, post.sent_count, post.interrupted_count) == (Post.Status.SENT, 2, 4)
    assert max(copies_per_address().values()) == 1


def test_a_slow_batch_is_left_alone_until_its_claim_times_out(scripted_esp, settings, cooker, staff, mailoutbox):
    members(cooker, 2, language="en")
    post = sending(draft(cooker, staff))
    scripted_esp.before_call = lambda message: (_ for _ in ()).throw(WorkerKilled())
    run_together([lambda: delivery.run_worker(post.pk)])

    tasks.watch_deliveries.enqueue()  # within LIST_SEND_CLAIM_TIMEOUT_SECONDS

    assert set(Delivery.objects.values_list("status", flat=True)) == {Status.SENDING}
    assert Post.objects.get(pk=post.pk).status == Post.Status.SENDING


def test_two_fan_outs_of_one_post_write_each_recipient_once(cooker, staff):
    subscriptions = members(cooker, 25, language="en")
    post = draft(cooker, staff)
    Post.objects.filter(pk=post.pk).update(status=Post.Status.SENDING)

    results = run_together([lambda: delivery.write_recipients(post.pk, chunk_size=4)] * 2)

    assert results == [None, None]
    post.refresh_from_db()
    assert (post.recipient_count, post.fanout_done) == (25, True)
    assert sorted(Delivery.objects.values_list("subscription_id", flat=True)) == sorted(
        subscription.pk for subscription in subscriptions
    )
