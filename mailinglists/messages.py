"""Building a list email for one subscriber.

``build_list_message`` gives a message ready to send, with the list headers (RFC 2369,
2919, 8058) and the unsubscribe footer in the subscriber's language. Its parts are
separate functions too, for the delivery of posts (``mailinglists.delivery``), which sends
one message to a batch of recipients and merges in what differs: the headers common to
every recipient (``common_list_headers``) and the personal ``unsubscribe_header``, and the
footer rendered with any link (``render_footer``), e.g. the ESP's merge field.
"""

import re
from urllib.parse import quote

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from mailinglists.models import MailingList, Subscription
from mailinglists.tokens import make_token
from mandrakeonline.mail import absolute_url

_CLOSING_BODY = re.compile(r"</body\s*>", re.IGNORECASE)


class UnsubscribeLinks:
    """The personal unsubscribe links of subscribers of one list: the https link (also in the
    footer) and the List-Unsubscribe header. The URL is resolved once for all of them, which
    counts when a batch has hundreds."""

    _PLACEHOLDER = "personal-part"

    def __init__(self, mailing_list: MailingList):
        self._url = absolute_url(reverse("mailinglists:unsubscribe", args=[self._PLACEHOLDER]))
        self._request_address = mailing_list.request_address

    def url(self, subscription: Subscription) -> str:
        return self._url.replace(self._PLACEHOLDER, make_token(subscription))

    def header(self, subscription: Subscription, url: str | None = None) -> str:
        """List-Unsubscribe (RFC 2369, 8058): the https link, and a mailto: for mail programs
        that only unsubscribe by email (lists with an address). The token in its subject tells
        the list server which subscription to stop, whatever address the request comes from."""
        links = [f"<{url or self.url(subscription)}>"]
        if self._request_address:
            # RFC 6068 wants %20 for a space, not the "+" of form encoding.
            subject = quote(f"unsubscribe {make_token(subscription)}")
            links.append(f"<mailto:{self._request_address}?subject={subject}>")
        return ", ".join(links)


def unsubscribe_url(subscription: Subscription) -> str:
    return UnsubscribeLinks(subscription.mailing_list).url(subscription)


def _quoted(phrase: str) -> str:
    return '"' + phrase.replace("\\", "\\\\").replace('"', '\\"') + '"'


def common_list_headers(mailing_list: MailingList) -> dict[str, str]:
    """The list headers that are the same for every recipient."""
    headers = {
        # RFC 2919: the same for every recipient, so the phrase is the English name.
        "List-Id": f"{_quoted(mailing_list.name_en)} <{mailing_list.list_id}>",
        # RFC 8058: mail programs may POST "List-Unsubscribe=One-Click" to the https URL.
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        # Our mark: a message carrying it that comes back to a list address is a loop.
        "X-Loop": mailing_list.list_id,
        # Asks auto-responders (RFC 3834) not to answer list mail.
        "Precedence": "list",
    }
    if mailing_list.address:
        # RFC 2369: "reply to list" in mail programs.
        headers["List-Post"] = f"<mailto:{mailing_list.address}>"
    return headers


def unsubscribe_header(subscription: Subscription) -> str:
    """The List-Unsubscribe header, personal to each recipient."""
    return UnsubscribeLinks(subscription.mailing_list).header(subscription)


def list_headers(subscription: Subscription) -> dict[str, str]:
    return {**common_list_headers(subscription.mailing_list), "List-Unsubscribe": unsubscribe_header(subscription)}


def render_footer(kind: str, mailing_list: MailingList, language: str, unsubscribe_link: str) -> str:
    """The unsubscribe footer ("txt" or "html") in a language. Batch senders pass the ESP's
    merge field as the link, so that one body serves every recipient of that language."""
    context = {
        "mailing_list": mailing_list,
        "unsubscribe_url": unsubscribe_link,
        "my_lists_url": absolute_url(reverse("mailinglists:my_lists")),
    }
    with translation.override(language):
        return render_to_string(f"emails/mailinglists_footer.{kind}", context)


def footer_text(subscription: Subscription) -> str:
    return render_footer(
        "txt", subscription.mailing_list, subscription.customer.language, unsubscribe_url(subscription)
    )


def footer_html(subscription: Subscription) -> str:
    return render_footer(
        "html", subscription.mailing_list, subscription.customer.language, unsubscribe_url(subscription)
    )


def text_with_footer(text: str, footer: str) -> str:
    return text.rstrip("\n") + "\n\n" + footer


def html_with_footer(html: str, footer: str) -> str:
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
        body=text_with_footer(text, footer_text(subscription)),
        from_email=from_email or mailing_list.address or settings.DEFAULT_FROM_EMAIL,
        to=[subscription.customer.email],
        headers=list_headers(subscription),
    )
    if html is not None:
        message.attach_alternative(html_with_footer(html, footer_html(subscription)), "text/html")
    return message
