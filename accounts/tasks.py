import datetime
import logging

from django.utils import timezone
from django_tasks import task

from accounts import emails, export
from accounts.models import Customer, DataExport

logger = logging.getLogger(__name__)


@task()
def send_account_email(message: str, customer_id: int, **kwargs) -> None:
    """Send one of accounts.emails.MESSAGES to a customer, from the worker."""
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        return  # the account was deleted between the request and the send
    emails.MESSAGES[message](customer, **kwargs)


@task()
def build_data_export(export_id: int) -> None:
    data_export = DataExport.objects.select_related("customer").filter(pk=export_id).first()
    if data_export is None or data_export.status != DataExport.Status.QUEUED:
        return  # deleted meanwhile, or another worker took it
    try:
        export.build_export(data_export)
    except Exception:
        # Logged by id only: no personal data in logs. The customer sees "failed" and may retry.
        logger.exception("data export %s failed", export_id)
        export.delete_export_file(data_export)
        DataExport.objects.filter(pk=export_id).update(status=DataExport.Status.FAILED)
        raise
    emails.send_data_export_ready(data_export.customer, export_id=export_id)


@task()
def apply_retention_daily() -> None:
    """Apply the retention periods, then queue tomorrow night's run."""
    from accounts import retention

    retention.apply_all(dry_run=False)
    schedule_retention()


def schedule_retention() -> None:
    """Make sure exactly one nightly retention run is waiting in the queue."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(status="READY", task_path=apply_retention_daily.module_path)
    if waiting.exists():
        return
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    run_at = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(3, 0)))
    apply_retention_daily.using(run_after=run_at).enqueue()
