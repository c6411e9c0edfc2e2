"""Building a list email for one subscriber.

``build_list_message`` gives a message ready to send, with the list headers (RFC 2369,
2919, 8058) and the unsubscribe footer in the subscriber's language. Its per-recipient
parts are separate functions too (``unsubscribe_url``, ``list_headers``, ``footer_text``,
``footer_html``), for senders that batch one message to many recipients and merge in what
differs.
"""

import re
from urllib.parse import quote

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from mailinglists.models import Subscription
from mailinglists.tokens import make_token
from mandrakeonline.mail import absolute_url

_CLOSING_BODY = re.compile(r"</body\s*>", re.IGNORECASE)


def unsubscribe_url(subscription: Subscription) -> str:
    return absolute_url(reverse("mailinglists:unsubscribe", args=[make_token(subscription)]))


def unsubscribe_mailto(subscription: Subscription) -> str:
    """A mailto: for mail programs that only unsubscribe by email; empty without a list address.
    The token in the subject tells the list server which subscription to stop, whatever
    address the request comes from."""
    address = subscription.mailing_list.request_address
    if not address:
        return ""
    # RFC 6068 wants %20 for a space, not the "+" of form encoding.
    return f"mailto:{address}?subject={quote(f'unsubscribe {make_token(subscription)}')}"


def _quoted(phrase: str) -> str:
    return '"' + phrase.replace("\\", "\\\\").replace('"', '\\"') + '"'


def list_headers(subscription: Subscription) -> dict[str, str]:
    mailing_list = subscription.mailing_list
    unsubscribe = [f"<{unsubscribe_url(subscription)}>"]
    mailto = unsubscribe_mailto(subscription)
    if mailto:
        unsubscribe.append(f"<{mailto}>")
    return {
        # RFC 2919: the same for every recipient, so the phrase is the English name.
        "List-Id": f"{_quoted(mailing_list.name_en)} <{mailing_list.list_id}>",
        "List-Unsubscribe": ", ".join(unsubscribe),
        # RFC 8058: mail programs may POST "List-Unsubscribe=One-Click" to the https URL.
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _footer_context(subscription: Subscription) -> dict:
    return {
        "mailing_list": subscription.mailing_list,
        "unsubscribe_url": unsubscribe_url(subscription),
        "my_lists_url": absolute_url(reverse("mailinglists:my_lists")),
    }


def footer_text(subscription: Subscription) -> str:
    with translation.override(subscription.customer.language):
        return render_to_string("emails/mailinglists_footer.txt", _footer_context(subscription))


def footer_html(subscription: Subscription) -> str:
    with translation.override(subscription.customer.language):
        return render_to_string("emails/mailinglists_footer.html", _footer_context(subscription))


def _with_html_footer(html: str, footer: str) -> str:
    closings = list(_CLOSING_BODY.finditer(html))
    if not closings:
        return html + footer
    at = closings[-1].start()
    return html[:at] + footer + html[at:]


def build_list_message(
    subscription: Subscription,
    subject: str,
    text: str,
    html: str | None = None,
    *,
    from_email: str | None = None,
) -> EmailMultiAlternatives:
    """One list email to one subscriber: the given content, the unsubscribe footer in the
    subscriber's language, and the List-Id and List-Unsubscribe headers.

    ``from_email`` defaults to the list address, or the site's sender for a list without
    one. Refuses a subscription that is not active, so nothing reaches someone who left.
    """
    if subscription.status != Subscription.Status.ACTIVE:
        raise ValueError("only an active subscription receives list mail")
    mailing_list = subscription.mailing_list
    message = EmailMultiAlternatives(
        # A header line must not contain newlines, whatever the caller's template does.
        subject=" ".join(subject.split()),
        body=text.rstrip("\n") + "\n\n" + footer_text(subscription),
        from_email=from_email or mailing_list.address or settings.DEFAULT_FROM_EMAIL,
        to=[subscription.customer.email],
        headers=list_headers(subscription),
    )
    if html is not None:
        message.attach_alternative(_with_html_footer(html, footer_html(subscription)), "text/html")
    return message
