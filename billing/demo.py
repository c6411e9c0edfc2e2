"""Demo billing records, made by feeding store events through the same intake as the
webhook. Event ids are fixed, so running it again changes nothing."""

from datetime import timedelta

from django.utils import timezone

from billing import intake
from billing.models import StoreEvent

BOX = {"sku": "MDK-101-PP-BOX", "name": "Mandrake Linux 10.1 PowerPack (boxed)", "unit_price": "69.00"}
TSHIRT = {"sku": "MDK-TSHIRT-L", "name": "Mandrake T-shirt, size L", "unit_price": "15.00"}
DOWNLOAD = {"sku": "MDK-101-PP-DL", "name": "Mandrake Linux 10.1 PowerPack (download)", "unit_price": "49.00"}
GUIDE = {"sku": "MDK-GUIDE-PDF", "name": "Mandrake Linux administration guide (PDF)", "unit_price": "12.50"}


def _line(product: dict, quantity: int, vat_rate: str = "20.00") -> dict:
    return {**product, "quantity": quantity, "vat_rate": vat_rate}


def _events() -> list[tuple[str, int, dict]]:
    """(type, days ago, data) of each demo event, oldest first."""
    return [
        ("order.placed", 60, {"order_number": "DEMO-1001", "lines": [_line(BOX, 1), _line(TSHIRT, 2)]}),
        ("order.paid", 60, {"order_number": "DEMO-1001", "amount": "118.80", "reference": "demo-pay-1001"}),
        (
            "order.shipped",
            59,
            {"order_number": "DEMO-1001", "carrier": "Colissimo", "tracking_number": "6A12345678901"},
        ),
        ("order.delivered", 57, {"order_number": "DEMO-1001"}),
        (
            "order.placed",
            30,
            {
                "order_number": "DEMO-1002",
                "lines": [_line(DOWNLOAD, 1), _line(GUIDE, 1, "5.50")],
                "shipping_address": None,
            },
        ),
        ("order.paid", 30, {"order_number": "DEMO-1002", "amount": "71.99", "reference": "demo-pay-1002"}),
        (
            "order.delivered",
            30,
            {
                "order_number": "DEMO-1002",
                "deliveries": [
                    {
                        "sku": DOWNLOAD["sku"],
                        "serial_number": "PP101-DEMO-7Q2K-93XM",
                        "download_url": "https://download.mandrakeonline.net/powerpack-10.1.iso",
                    },
                    {"sku": GUIDE["sku"], "download_url": "https://download.mandrakeonline.net/admin-guide.pdf"},
                ],
            },
        ),
        (
            "refund",
            28,
            {
                "order_number": "DEMO-1002",
                "amount": "13.19",
                "reference": "demo-refund-1002",
                "lines": [{"sku": GUIDE["sku"], "quantity": 1}],
                "reason": "Guide already included in the download",
            },
        ),
        ("order.placed", 3, {"order_number": "DEMO-1003", "lines": [_line(BOX, 1)]}),
        ("order.paid", 3, {"order_number": "DEMO-1003", "amount": "82.80", "reference": "demo-pay-1003"}),
        (
            "order.shipped",
            2,
            {
                "order_number": "DEMO-1003",
                "carrier": "Colissimo",
                "tracking_number": "6A98765432109",
                "tracking_url": "https://www.laposte.fr/outils/suivre-vos-envois?code=6A98765432109",
            },
        ),
        ("order.placed", 1, {"order_number": "DEMO-1004", "lines": [_line(TSHIRT, 1)]}),
        ("order.placed", 10, {"order_number": "DEMO-1005", "lines": [_line(TSHIRT, 3)]}),
        ("order.cancelled", 9, {"order_number": "DEMO-1005"}),
        (
            "donation.received",
            90,
            {"amount": "25.00", "reference": "demo-don-1", "campaign": "Mandrake Linux 10.1 release"},
        ),
        ("donation.received", 5, {"amount": "10.00", "reference": "demo-don-2", "campaign": "Mirror servers"}),
    ]


def seed(*, customer, staff) -> None:
    now = timezone.now()
    for index, (event_type, days_ago, data) in enumerate(_events(), start=1):
        if event_type in ("order.placed", "donation.received"):
            data["customer_number"] = customer.customer_number
        if event_type in ("order.placed", "order.paid", "refund", "donation.received"):
            data["currency"] = "EUR"
        if "reference" in data:
            data["provider"] = "DemoPay"
        intake.process_event(
            {
                "id": f"demo-{index:03d}",
                "type": event_type,
                # Minutes apart, so that two events of one day keep their order.
                "occurred_at": (now - timedelta(days=days_ago) + timedelta(minutes=index)).isoformat(),
                "data": data,
            },
            via=StoreEvent.Via.IMPORT,
        )
