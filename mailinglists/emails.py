"""Every email the mailinglists app sends itself, one function each, in the subscriber's language.

List emails carry the list headers and the unsubscribe footer: they are built by
``mailinglists.messages.build_list_message``.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from mailinglists.messages import build_list_message
from mailinglists.models import Post, Subscription
from mandrakeonline.mail import absolute_url, send_templated_email


def send_welcome(subscription: Subscription) -> None:
    """The first message of a list: what it is, how to post, how to leave."""
    context = {
        "site_url": settings.SITE_URL,
        "customer": subscription.customer,
        "mailing_list": subscription.mailing_list,
        "my_lists_url": absolute_url(reverse("mailinglists:my_lists")),
    }
    with translation.override(subscription.customer.language):
        subject = render_to_string("emails/mailinglists_welcome_subject.txt", context)
        text = render_to_string("emails/mailinglists_welcome.txt", context)
        html = render_to_string("emails/mailinglists_welcome.html", context)
    build_list_message(subscription, subject, text, html).send()


def send_post_rejected(post: Post) -> None:
    """To the sender of a held post: it will not reach the list, and why."""
    language = post.poster.language if post.poster is not None else settings.LANGUAGE_CODE
    send_templated_email(
        to=post.sender_email,
        template="mailinglists_post_rejected",
        context={
            "post": post,
            "mailing_list": post.mailing_list,
            "sender_name": post.sender_name,
            "my_lists_url": absolute_url(reverse("mailinglists:my_lists")),
        },
        language=language,
    )
