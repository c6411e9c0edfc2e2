"""Sending one templated email in the recipient's language.

Each message has three templates under templates/emails/: ``<name>_subject.txt``,
``<name>.txt`` and ``<name>.html``. Senders are functions in each app's ``emails.py``.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def send_templated_email(*, to: str, template: str, context: dict, language: str) -> None:
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language):
        subject = render_to_string(f"emails/{template}_subject.txt", context)
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    # A header line must not contain newlines, whatever the template does.
    subject = " ".join(subject.split())
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path
