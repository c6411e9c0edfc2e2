"""Mail received at a list's addresses, through the ESP's inbound webhook (anymail).

To ``<list address>``: a post (``services.post_receive`` decides whether it goes out or is
held). To ``<local>-request@<domain>`` with the subject ``unsubscribe <token>``: the
unsubscribe that every list email offers in its List-Unsubscribe header. Loops (our own
copies coming back) and automatic mail (out-of-office replies, bounces, other lists) are
dropped before anything is stored: answering them, or distributing them, is how mail loops
start.
"""

import enum
import logging
import re
from email.utils import getaddresses

from anymail.inbound import AnymailInboundMessage
from django.conf import settings
from django.db.models import Q
from django.utils.html import strip_tags

from mailinglists import services
from mailinglists.models import MailingList, Post, Subscription, SubscriptionEvent
from mailinglists.tokens import subscription_from_token
from mandrakeonline.card_numbers import contains_card_number

logger = logging.getLogger(__name__)

# RFC 3834 and the headers mail programs and auto-responders actually use.
_AUTOMATIC_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
_AUTO_REPLY_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Auto-Response")
_REQUEST_SUFFIX = "-request"
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")


class Outcome(enum.Enum):
    LOOP = "loop"
    AUTOMATIC = "automatic"
    UNKNOWN_ADDRESS = "unknown address"
    UNSUBSCRIBED = "unsubscribed"
    IGNORED_REQUEST = "ignored request"
    CARD_NUMBER = "card number"
    POSTED = "posted"
    HELD = "held"


def _one_line(value: str | None, limit: int) -> str:
    return " ".join((value or "").split())[:limit]


def _last_message_id(value: str | None) -> str:
    """The message answered: the last <id> of an In-Reply-To header (there may be several)."""
    ids = _MESSAGE_ID.findall(str(value or ""))
    return ids[-1][:255] if ids else ""


def is_loop(message: AnymailInboundMessage) -> bool:
    """One of our own list emails coming back: it carries our List-Id or X-Loop."""
    marks = [*message.get_all("List-Id", []), *message.get_all("X-Loop", [])]
    return any(f".{settings.LIST_ID_DOMAIN}".lower() in str(mark).lower() for mark in marks)


def is_automatic(message: AnymailInboundMessage) -> bool:
    """Mail no person wrote: auto-replies, bounces, mail from other lists."""
    auto_submitted = str(message.get("Auto-Submitted", "no")).strip().lower()
    if auto_submitted and auto_submitted != "no":
        return True
    if str(message.get("Precedence", "")).strip().lower() in _AUTOMATIC_PRECEDENCE:
        return True
    if any(message.get(header) is not None for header in _AUTO_REPLY_HEADERS):
        return True
    if message.get("List-Id") is not None:  # another list's copy (ours were caught as loops)
        return True
    # An empty envelope sender (Return-Path: <>) marks bounces and auto-replies (RFC 5321).
    return_path = message.envelope_sender if message.envelope_sender is not None else message.get("Return-Path")
    return return_path is not None and str(return_path).strip() in {"", "<>"}


def _recipients(message: AnymailInboundMessage) -> list[str]:
    """The address this copy was delivered to: the envelope's, which the ESP gives, or else
    those of the headers."""
    if message.envelope_recipient:
        addresses = [message.envelope_recipient]
    else:
        headers = [str(value) for name in ("To", "Cc", "Delivered-To") for value in message.get_all(name, [])]
        addresses = [address for _name, address in getaddresses(headers)]
    return [address.strip().lower() for address in addresses if "@" in address]


def _list_for(addresses: list[str]) -> tuple[MailingList | None, bool]:
    """The list an address belongs to, and whether it is the list's -request address."""
    wanted = Q()
    for address in addresses:
        local, _at, domain = address.rpartition("@")
        wanted |= Q(address__iexact=address)
        if local.endswith(_REQUEST_SUFFIX):
            wanted |= Q(address__iexact=f"{local.removesuffix(_REQUEST_SUFFIX)}@{domain}")
    if not wanted:
        return None, False
    mailing_list = MailingList.objects.exclude(address="").filter(wanted).first()
    if mailing_list is None:
        return None, False
    return mailing_list, mailing_list.address.lower() not in addresses


def _unsubscribe_command(message: AnymailInboundMessage) -> Subscription | None:
    """The subscription an "unsubscribe <token>" subject names (the mailto: of List-Unsubscribe)."""
    command, _space, token = _one_line(message.subject, 200).partition(" ")
    return subscription_from_token(token.strip()) if command.lower() == "unsubscribe" else None


def _unsubscribe(subscription: Subscription) -> Outcome:
    # The token is the authority, whatever address the request comes from (RFC 2369).
    services.subscription_unsubscribe(subscription=subscription, source=SubscriptionEvent.Source.EMAIL, actor=None)
    return Outcome.UNSUBSCRIBED


def receive(message: AnymailInboundMessage) -> Outcome:
    if is_loop(message):
        return Outcome.LOOP
    if is_automatic(message):
        return Outcome.AUTOMATIC
    mailing_list, is_request = _list_for(_recipients(message))
    if mailing_list is None:
        return Outcome.UNKNOWN_ADDRESS
    command = _unsubscribe_command(message)
    if command is not None:
        # Even sent to the list itself: distributing it would hand the token to every member.
        return _unsubscribe(command)
    if is_request:
        return Outcome.IGNORED_REQUEST
    sender = message.from_email
    if sender is None or not sender.addr_spec or sender.addr_spec.lower() == mailing_list.address.lower():
        return Outcome.LOOP
    subject = _one_line(message.subject, Post._meta.get_field("subject").max_length)
    text = message.text or strip_tags(message.html or "")
    if contains_card_number(subject) or contains_card_number(text):
        # Nothing that looks like a card number is ever stored (PCI DSS), nor distributed.
        logger.warning("list %s: a message with a card number was dropped", mailing_list.slug)
        return Outcome.CARD_NUMBER
    post = services.post_receive(
        mailing_list=mailing_list,
        sender_email=sender.addr_spec,
        sender_name=_one_line(sender.display_name, 200),
        subject=subject,
        text=text,
        message_id=_one_line(message.get("Message-ID"), 255),
        in_reply_to=_last_message_id(message.get("In-Reply-To")),
        spam=bool(message.spam_detected),
    )
    return Outcome.HELD if post.status == Post.Status.HELD else Outcome.POSTED
