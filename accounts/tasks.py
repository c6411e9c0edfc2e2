import logging

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
