"""Webhook calls as Postmark and Mailgun make them, posted to anymail's real URLs.

The payloads follow the ESPs' documentation (Postmark's inbound and bounce webhooks,
Mailgun's routes and event webhooks), trimmed of fields nothing reads.
"""

import base64
import hashlib
import hmac
import json
import secrets
import time
from email.message import EmailMessage

from django.utils import timezone

from tests.mailinglists.conftest import WEBHOOK_AUTH

MAILGUN_SIGNING_KEY = "mailgun-webhook-signing-key"
LIST_ADDRESS = "cooker@lists.mandrakeonline.net"


def basic_auth(credentials: str = WEBHOOK_AUTH) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(credentials.encode()).decode()}


# --- Postmark -------------------------------------------------------------------------------


def postmark_inbound(
    *,
    sender: str = "alice@example.com",
    name: str = "Alice Durand",
    to: str = LIST_ADDRESS,
    subject: str = "urpmi is slow",
    text: str = "Hello,\n\nurpmi takes ages on my machine.\n\nAlice\n",
    message_id: str = "<CAB4m2x-urpmi-1@mail.example.com>",
    return_path: str | None = None,
    headers: list[tuple[str, str]] = (),
    spam: bool = False,
) -> dict:
    return {
        "FromName": name,
        "MessageStream": "inbound",
        "From": sender,
        "FromFull": {"Email": sender, "Name": name, "MailboxHash": ""},
        "To": to,
        "ToFull": [{"Email": to, "Name": "", "MailboxHash": ""}],
        "Cc": "",
        "CcFull": [],
        "Bcc": "",
        "BccFull": [],
        "OriginalRecipient": to,
        "Subject": subject,
        "MessageID": "73e6d360-66eb-11e1-8e72-a8904824019b",
        "ReplyTo": "",
        "MailboxHash": "",
        "Date": "Thu, 26 Nov 2026 12:00:00 +0100",
        "TextBody": text,
        "HtmlBody": "",
        "StrippedTextReply": "",
        "Tag": "",
        "Headers": [
            # Postmark puts the envelope sender first.
            {"Name": "Return-Path", "Value": return_path if return_path is not None else f"<{sender}>"},
            {"Name": "X-Spam-Status", "Value": "Yes" if spam else "No"},
            {"Name": "X-Spam-Score", "Value": "6.1" if spam else "-0.1"},
            {"Name": "Message-ID", "Value": message_id},
            *({"Name": name, "Value": value} for name, value in headers),
        ],
        "Attachments": [],
    }


def postmark_bounce(recipient: str, delivery_id, *, kind: str = "HardBounce", bounced_at=None) -> dict:
    return {
        "RecordType": "Bounce",
        "MessageStream": "outbound",
        "ID": secrets.randbelow(10**15),
        "Type": kind,
        "TypeCode": 1 if kind == "HardBounce" else 4096,
        "Name": "Hard bounce" if kind == "HardBounce" else "Soft bounce/Undeliverable",
        "Tag": "",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Metadata": {"post": "1", "delivery": str(delivery_id)},
        "ServerID": 23,
        "Description": "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": recipient,
        "From": LIST_ADDRESS,
        "BouncedAt": (bounced_at or timezone.now()).isoformat(),
        "DumpAvailable": True,
        "Inactive": kind == "HardBounce",
        "CanActivate": True,
        "Subject": "Mandrake Linux 10.1 is out",
    }


def postmark_complaint(recipient: str, delivery_id) -> dict:
    event = postmark_bounce(recipient, delivery_id, kind="SpamComplaint")
    event.update(RecordType="SpamComplaint", TypeCode=512, Name="Spam complaint")
    return event


def postmark_delivered(recipient: str, delivery_id) -> dict:
    return {
        "RecordType": "Delivery",
        "ServerID": 23,
        "MessageStream": "outbound",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Recipient": recipient,
        "Tag": "",
        "DeliveredAt": timezone.now().isoformat(),
        "Details": "smtp;250 2.0.0 OK",
        "Metadata": {"post": "1", "delivery": str(delivery_id)},
    }


def post_postmark(client, kind: str, payload: dict, **auth):
    return client.post(
        f"/anymail/postmark/{kind}/",
        data=json.dumps(payload),
        content_type="application/json",
        **(auth or basic_auth()),
    )


# --- Mailgun --------------------------------------------------------------------------------


def _mailgun_signature(key: str = MAILGUN_SIGNING_KEY) -> dict:
    timestamp, token = str(int(time.time())), secrets.token_hex(25)
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {"timestamp": timestamp, "token": token, "signature": signature}


def raw_message(
    *,
    sender: str = "Alice Durand <alice@example.com>",
    to: str = LIST_ADDRESS,
    subject: str = "urpmi is slow",
    text: str = "Hello,\n\nurpmi takes ages on my machine.\n",
    message_id: str = "<CAB4m2x-urpmi-2@mail.example.com>",
    headers: list[tuple[str, str]] = (),
) -> str:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message["Date"] = "Thu, 26 Nov 2026 12:00:00 +0100"
    for name, value in headers:
        message[name] = value
    message.set_content(text)
    return message.as_string()


def mailgun_inbound(
    *, envelope_sender: str = "alice@example.com", recipient: str = LIST_ADDRESS, key=MAILGUN_SIGNING_KEY, **fields
) -> dict:
    """A Mailgun route's forward() to a URL with "mime" in it: the raw message, signed."""
    return {
        "recipient": recipient,
        "sender": envelope_sender,
        "body-mime": raw_message(to=recipient, **fields),
        **_mailgun_signature(key),
    }


def mailgun_event(event: str, recipient: str, delivery_id, *, key=MAILGUN_SIGNING_KEY, **data) -> dict:
    return {
        "signature": _mailgun_signature(key),
        "event-data": {
            "event": event,
            "id": secrets.token_urlsafe(16),
            "timestamp": time.time(),
            "recipient": recipient,
            "message": {"headers": {"message-id": "20261126.1@lists.mandrakeonline.net", "to": recipient}},
            "user-variables": {"post": "1", "delivery": str(delivery_id)},
            "tags": [],
            **data,
        },
    }


def mailgun_failed_permanently(recipient: str, delivery_id, **options) -> dict:
    return mailgun_event(
        "failed",
        recipient,
        delivery_id,
        severity="permanent",
        reason="bounce",
        **{"delivery-status": {"code": 550, "message": "5.1.1 No such user", "description": ""}},
        **options,
    )


def post_mailgun_inbound(client, form: dict, **auth):
    return client.post("/anymail/mailgun/inbound_mime/", data=form, **(auth or basic_auth()))


def post_mailgun_event(client, payload: dict, **auth):
    return client.post(
        "/anymail/mailgun/tracking/",
        data=json.dumps(payload),
        content_type="application/json",
        **(auth or basic_auth()),
    )
