import json
import logging
import time
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from billing import documents, intake, signing
from billing.models import Donation, Invoice, Order, StoreEvent
from billing.money import vat_breakdown
from mandrakeonline.ratelimit import rate_limit

logger = logging.getLogger(__name__)


@login_required
def billing_overview(request):
    customer = request.user
    return render(
        request,
        "billing/overview.html",
        {
            "orders": Order.objects.for_customer(customer),
            "invoices": Invoice.objects.for_customer(customer).select_related("order"),
            "donations": Donation.objects.for_customer(customer),
        },
    )


@login_required
def order_detail(request, number):
    order = get_object_or_404(
        Order.objects.for_customer(request.user).prefetch_related(
            "lines", "status_changes", "invoices", "payments", "refunds"
        ),
        number=number,
    )
    return render(request, "billing/order.html", {"order": order})


def _invoice_of(request, number) -> Invoice:
    return get_object_or_404(
        Invoice.objects.for_customer(request.user).select_related("order", "corrects").prefetch_related("lines"),
        number=number,
    )


@login_required
def invoice_detail(request, number):
    invoice = _invoice_of(request, number)
    return render(
        request, "billing/invoice.html", {"invoice": invoice, "vat_bands": vat_breakdown(invoice.lines.all())}
    )


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
def invoice_pdf(request, number):
    invoice = _invoice_of(request, number)
    return pdf_response(documents.invoice_pdf(invoice), invoice.pdf_filename())


def _donation_of(request, receipt_number) -> Donation:
    return get_object_or_404(Donation.objects.for_customer(request.user), receipt_number=receipt_number)


@login_required
def donation_receipt(request, receipt_number):
    return render(request, "billing/donation_receipt.html", {"donation": _donation_of(request, receipt_number)})


@never_cache
@login_required
def donation_receipt_pdf(request, receipt_number):
    donation = _donation_of(request, receipt_number)
    return pdf_response(documents.receipt_pdf(donation), f"{donation.receipt_number}.pdf")


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": str(message), "code": code}, status=status)


def _signed_body(request) -> bytes:
    """The body of a webhook call, once its size, signature and age are checked."""
    limit = settings.STORE_WEBHOOK_MAX_BYTES
    try:
        declared_length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared_length = 0
    # Read at most one byte past the limit, whatever the declared length says.
    body = b"" if declared_length > limit else request.read(limit + 1)
    if declared_length > limit or len(body) > limit:
        raise intake.EventRejected("too_large", _("The body is larger than %(limit)d bytes.") % {"limit": limit}, 413)
    timestamp = request.headers.get(signing.TIMESTAMP_HEADER, "")
    given = request.headers.get(signing.SIGNATURE_HEADER, "")
    if not timestamp or not given:
        raise intake.EventRejected("missing_signature", _("The timestamp or signature header is missing."), 401)
    if not signing.signature_matches(secret=settings.STORE_WEBHOOK_SECRET, timestamp=timestamp, body=body, given=given):
        raise intake.EventRejected("bad_signature", _("The signature does not match the body."), 401)
    if not (timestamp.isascii() and timestamp.isdigit()) or (
        abs(time.time() - int(timestamp)) > settings.STORE_WEBHOOK_TOLERANCE_SECONDS
    ):
        raise intake.EventRejected("stale_timestamp", _("The timestamp is too far from the current time."), 401)
    if request.content_type != "application/json":
        raise intake.EventRejected("unsupported_media_type", _("Send the event as application/json."), 415)
    return body


def _parsed(body: bytes):
    try:
        return json.loads(body, parse_float=Decimal)
    except (ValueError, RecursionError):  # bad UTF-8 is a ValueError too
        raise intake.EventRejected("malformed_json", _("The body is not valid JSON."), 400) from None


# The store is a server, not a browser: it holds no CSRF cookie, and each call is
# authenticated instead by the HMAC signature over its timestamp and body.
@csrf_exempt
@never_cache
@rate_limit("store-webhook", limit=600, window_seconds=60)
def store_webhook(request):
    if request.method != "POST":
        response = _error(405, "method_not_allowed", _("Send events with POST."))
        response["Allow"] = "POST"
        return response
    try:
        outcome = intake.process_event(_parsed(_signed_body(request)), via=StoreEvent.Via.WEBHOOK)
    except intake.EventRejected as rejected:
        # The code only: the body may hold personal data and is never logged.
        logger.warning("store event refused: %s", rejected.code)
        return _error(rejected.status, rejected.code, rejected.message)
    status = "already processed" if outcome.already_processed else "processed"
    logger.info("store event %s (%s): %s", outcome.event_id, outcome.type, status)
    return JsonResponse({"status": status, "id": outcome.event_id})
