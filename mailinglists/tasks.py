import datetime

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from mailinglists import delivery, emails
from mailinglists.models import Post, Subscription

# While a post is being sent, the watchdog looks this often for work left by a dead worker.
WATCH_INTERVAL = datetime.timedelta(minutes=5)


@task()
def send_list_welcome(subscription_id: int) -> None:
    """Send a new member the list's welcome message, from the worker."""
    subscription = (
        Subscription.objects.active().select_related("customer", "mailing_list").filter(pk=subscription_id).first()
    )
    if subscription is None:
        return  # left the list, or erased with the account, between the request and the send
    emails.send_welcome(subscription)


@task()
def fan_out_post(post_id: int) -> None:
    """Write down every recipient of a post, then start the workers that send it."""
    delivery.write_recipients(post_id)
    for _worker in range(max(1, settings.LIST_SEND_WORKERS)):
        deliver_post.enqueue(post_id)


@task()
def deliver_post(post_id: int) -> None:
    """One worker's share of sending a post; it comes back when a retry falls due."""
    next_retry = delivery.run_worker(post_id)
    if next_retry is not None and deliver_post.get_backend().supports_defer:
        deliver_post.using(run_after=next_retry).enqueue(post_id)


@task()
def watch_deliveries() -> None:
    """Resume what a dead worker left: interrupted batches are written off (never sent twice),
    an unfinished fan-out goes on, waiting deliveries get a worker. Runs while posts are sending."""
    for post in delivery.recover_stalled():
        if not post.fanout_done:
            fan_out_post.enqueue(post.pk)
        elif delivery.has_due_deliveries(post):
            deliver_post.enqueue(post.pk)
        else:
            delivery.finish_if_done(post.pk)
    if Post.objects.sending().exists():
        schedule_watch()


def schedule_watch() -> None:
    """Make sure one watchdog run waits in the queue (backends that can defer tasks only)."""
    if not watch_deliveries.get_backend().supports_defer:
        return
    from django_tasks_db.models import DBTaskResult

    if DBTaskResult.objects.filter(status="READY", task_path=watch_deliveries.module_path).exists():
        return
    watch_deliveries.using(run_after=timezone.now() + WATCH_INTERVAL).enqueue()


@task()
def send_post_rejected(post_id: int) -> None:
    """Tell the sender of a held post that it will not be distributed."""
    post = Post.objects.select_related("mailing_list", "poster").filter(pk=post_id, status=Post.Status.REJECTED).first()
    if post is None or not post.sender_email:
        return  # purged meanwhile
    emails.send_post_rejected(post)
