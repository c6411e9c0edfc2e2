"""PDF copies of invoices, credit notes and donation receipts, drawn with reportlab.

They are drawn from the frozen document alone (never from the account or the order as they
are now) in the language of the person who asks. The fonts are TrueType and embedded, so
accented names print as typed.
"""

from html import escape
from io import BytesIO

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from billing.models import Donation, Invoice
from billing.money import format_money, format_rate, vat_breakdown

REGULAR, BOLD = "BillingSans", "BillingSans-Bold"


def _fonts() -> None:
    # Registered once per process; reportlab finds the default Vera fonts in its own package.
    if REGULAR not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(REGULAR, settings.BILLING_PDF_FONT))
        pdfmetrics.registerFont(TTFont(BOLD, settings.BILLING_PDF_BOLD_FONT))


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=9.5, leading=12.5)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=colors.HexColor("#444444")),
        "right": ParagraphStyle("right", parent=body, alignment=TA_RIGHT),
        "bold": ParagraphStyle("bold", parent=body, fontName=BOLD),
        "bold_right": ParagraphStyle("bold_right", parent=body, fontName=BOLD, alignment=TA_RIGHT),
        "title": ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=17, leading=21, spaceAfter=4),
    }


def _lines(lines: list[str]) -> str:
    return "<br/>".join(escape(line) for line in lines if line)


def _date(moment) -> str:
    return date_format(timezone.localtime(moment), "DATE_FORMAT")


def _build(title: str, story: list) -> bytes:
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author=settings.BILLING_SELLER_NAME,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
    )
    document.build(story)
    return buffer.getvalue()


def _header(styles, *, title: str, number: str, details: list[tuple[str, str]], seller: list[str]) -> Table:
    left = [Paragraph(escape(title), styles["title"]), Paragraph(escape(number), styles["bold"])]
    left += [Paragraph(f"{escape(label)}: {escape(value)}", styles["body"]) for label, value in details]
    right = Paragraph(_lines(seller), styles["right"])
    table = Table([[left, right]], colWidths=[95 * mm, 79 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _grid(rows: list[list], widths: list[float], *, header: bool = True) -> Table:
    table = Table(rows, colWidths=[width * mm for width in widths], repeatRows=1 if header else 0)
    commands = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, -1), (-1, -1), 0.5, colors.HexColor("#999999")),
    ]
    if header:
        commands += [
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf5")),
            ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.HexColor("#1d3f72")),
        ]
    table.setStyle(TableStyle(commands))
    return table


def render_invoice(invoice: Invoice) -> bytes:
    """The invoice or credit note as a PDF, with everything French law asks an invoice to say."""
    _fonts()
    styles = _styles()
    p = styles["body"]
    currency = invoice.currency
    title = _("Credit note") if invoice.is_credit_note else _("Invoice")
    details = [(_("Date of issue"), _date(invoice.issued_at)), (_("Order number"), invoice.order.number)]
    if invoice.buyer_customer_number:
        details.append((_("Customer number"), invoice.formatted_customer_number))
    if invoice.is_credit_note:
        details.append((_("Corrects invoice"), invoice.corrects.number))
    story = [
        _header(
            styles,
            title=title,
            number=invoice.number,
            details=details,
            seller=[*invoice.seller_lines(), _("VAT number: %(number)s") % {"number": invoice.seller_vat_number}],
        ),
        Spacer(1, 8 * mm),
        Paragraph(escape(_("Billed to")), styles["bold"]),
        Paragraph(_lines(invoice.buyer_lines()), p),
        Spacer(1, 8 * mm),
    ]
    rows = [
        [
            Paragraph(escape(label), styles["bold" if index < 2 else "bold_right"])
            for index, label in enumerate(
                [_("Product"), _("SKU"), _("Quantity"), _("Unit price excl. VAT"), _("VAT rate"), _("Amount excl. VAT")]
            )
        ]
    ]
    for line in invoice.lines.all():
        rows.append(
            [
                Paragraph(escape(line.name), p),
                Paragraph(escape(line.sku), p),
                Paragraph(str(line.quantity), styles["right"]),
                Paragraph(format_money(line.unit_price, currency), styles["right"]),
                Paragraph(format_rate(line.vat_rate), styles["right"]),
                Paragraph(format_money(line.net_amount, currency), styles["right"]),
            ]
        )
    story += [_grid(rows, [48, 26, 21, 29, 21, 29]), Spacer(1, 6 * mm)]
    totals = [
        [
            Paragraph(
                escape(
                    _("VAT at %(rate)s on %(net)s")
                    % {"rate": format_rate(band.rate), "net": format_money(band.net, currency)}
                ),
                p,
            ),
            Paragraph(format_money(band.vat, currency), styles["right"]),
        ]
        for band in vat_breakdown(invoice.lines.all())
    ]
    totals += [
        [
            Paragraph(escape(_("Total excl. VAT")), p),
            Paragraph(format_money(invoice.total_net, currency), styles["right"]),
        ],
        [Paragraph(escape(_("Total VAT")), p), Paragraph(format_money(invoice.total_vat, currency), styles["right"])],
        [
            Paragraph(
                escape(_("Total credited incl. VAT") if invoice.is_credit_note else _("Total incl. VAT")),
                styles["bold"],
            ),
            Paragraph(format_money(invoice.total_gross, currency), styles["bold_right"]),
        ],
    ]
    totals_table = Table(totals, colWidths=[70 * mm, 34 * mm], hAlign="RIGHT")
    totals_table.setStyle(TableStyle([("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.HexColor("#1d3f72"))]))
    story += [totals_table, Spacer(1, 8 * mm)]
    if invoice.paid_at:
        story.append(Paragraph(escape(_("Paid in full on %(date)s.") % {"date": _date(invoice.paid_at)}), p))
    if invoice.reason:
        story.append(Paragraph(escape(_("Reason: %(reason)s") % {"reason": invoice.reason}), p))
    story += [
        Spacer(1, 8 * mm),
        Paragraph(
            _lines([invoice.seller_name, invoice.seller_registration, invoice.seller_legal_notice]), styles["small"]
        ),
    ]
    return _build(f"{title} {invoice.number}", story)


def render_receipt(donation: Donation) -> bytes:
    """The receipt of a donation as a PDF."""
    _fonts()
    styles = _styles()
    p = styles["body"]
    story = [
        _header(
            styles,
            title=_("Donation receipt"),
            number=donation.receipt_number,
            details=[(_("Date received"), _date(donation.received_at))],
            seller=[settings.BILLING_SELLER_NAME, *settings.BILLING_SELLER_ADDRESS],
        ),
        Spacer(1, 8 * mm),
    ]
    rows = [
        [Paragraph(escape(_("Donor")), styles["bold"]), Paragraph(escape(donation.donor_name), p)],
        [
            Paragraph(escape(_("Amount")), styles["bold"]),
            Paragraph(format_money(donation.amount, donation.currency), p),
        ],
    ]
    if donation.campaign:
        rows.append([Paragraph(escape(_("Campaign")), styles["bold"]), Paragraph(escape(donation.campaign), p)])
    rows.append(
        [
            Paragraph(escape(_("Payment")), styles["bold"]),
            Paragraph(escape(f"{donation.provider} {donation.reference}"), p),
        ]
    )
    story += [
        _grid(rows, [40, 134], header=False),
        Spacer(1, 8 * mm),
        Paragraph(escape(_("Thank you for supporting Mandrake.")), p),
    ]
    return _build(f"{_('Donation receipt')} {donation.receipt_number}", story)
