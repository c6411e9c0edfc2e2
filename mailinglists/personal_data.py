from django.utils.translation import gettext_lazy as _

from mailinglists.models import (
    Delivery,
    MailingList,
    Post,
    SendPacer,
    SubscriberExport,
    Subscription,
    SubscriptionEvent,
)
from mandrakeonline.personal_data import Erasure, registry

CATEGORY_MAILING_LISTS = _("Mailing lists")
SUBSCRIPTION_PURPOSE = _("To send you the lists you chose, and to stop the moment you ask.")
CONSENT_PURPOSE = _("To prove that you asked for each list, and to show you when and how you joined and left.")

registry.personal_model(
    Subscription,
    customer_path="customer",
    title=_("Mailing-list subscriptions"),
    since="created_at",
    manage_url="mailinglists:my_lists",
    select_related=("mailing_list",),
)
registry.personal_model(
    SubscriptionEvent,
    customer_path="subscription__customer",
    title=_("History of your mailing-list subscriptions"),
    since="created_at",
    manage_url="mailinglists:my_lists",
    select_related=("subscription__mailing_list",),
)
registry.personal_model(
    Delivery,
    customer_path="subscription__customer",
    title=_("List emails sent to you"),
    since="created_at",
    manage_url="mailinglists:my_lists",
)
registry.personal_model(
    Post,
    customer_path="poster",
    title=_("Your posts to mailing lists"),
    since="created_at",
    manage_url="mailinglists:my_lists",
)

# Which lists someone reads says something about them: every subscription, with its history,
# goes with the account when it is erased.
registry.personal(
    Subscription,
    "mailing_list",
    category=CATEGORY_MAILING_LISTS,
    purpose=SUBSCRIPTION_PURPOSE,
    erasure=Erasure.DELETE,
    show=lambda subscription: subscription.mailing_list.name,
    export=lambda subscription: subscription.mailing_list.slug,
)
registry.personal(
    Subscription, "status", category=CATEGORY_MAILING_LISTS, purpose=SUBSCRIPTION_PURPOSE, erasure=Erasure.DELETE
)
registry.personal(
    Subscription,
    "public_key",
    category=CATEGORY_MAILING_LISTS,
    purpose=_("To name your subscription in the unsubscribe link of each list email, so it works without logging in."),
    erasure=Erasure.DELETE,
)
for name in ("created_at", "status_changed_at"):
    registry.personal(
        Subscription, name, category=CATEGORY_MAILING_LISTS, purpose=CONSENT_PURPOSE, erasure=Erasure.DELETE
    )
registry.not_personal(Subscription, "id", reason="internal key")
registry.not_personal(Subscription, "customer", reason="links the subscription to the account it belongs to")

for name in ("kind", "source", "created_at"):
    registry.personal(
        SubscriptionEvent, name, category=CATEGORY_MAILING_LISTS, purpose=CONSENT_PURPOSE, erasure=Erasure.DELETE
    )
registry.not_personal(SubscriptionEvent, "id", reason="internal key")
# Shown and exported as the list's name or short name: an event means nothing without it.
registry.personal(
    SubscriptionEvent,
    "subscription",
    category=CATEGORY_MAILING_LISTS,
    purpose=CONSENT_PURPOSE,
    erasure=Erasure.DELETE,
    show=lambda event: event.subscription.mailing_list.name,
    export=lambda event: event.subscription.mailing_list.slug,
)
registry.not_personal(
    SubscriptionEvent, "actor", reason="who acted: the customer, a staff member, or nobody (a link, a bounce)"
)

registry.not_personal(
    MailingList,
    "id",
    "slug",
    "name_en",
    "name_fr",
    "description_en",
    "description_fr",
    "address",
    "joinable",
    "members_may_post",
    "position",
    "created_at",
    reason="a list's own settings, the same for every member",
)
registry.not_personal(
    SubscriberExport,
    "id",
    "mailing_list",
    "exported_by",
    "exported_at",
    "subscriber_count",
    reason="the trail of staff exports: which list, which staff member, when, how many rows; names no subscriber",
)

DELIVERY_PURPOSE = _(
    "To send each list email to you once, to notice when mail to your address bounces, and to stop "
    "if you report it as spam."
)
# Which post went to whom goes with the account (and after LIST_DELIVERY_RETENTION_DAYS).
registry.personal(
    Delivery,
    "post",
    category=CATEGORY_MAILING_LISTS,
    purpose=DELIVERY_PURPOSE,
    erasure=Erasure.DELETE,
    show=lambda delivery: delivery.post.subject,
    export=lambda delivery: delivery.post.subject,
)
for name in ("created_at", "status", "sent_at", "failure_reason", "outcome", "outcome_at"):
    registry.personal(Delivery, name, category=CATEGORY_MAILING_LISTS, purpose=DELIVERY_PURPOSE, erasure=Erasure.DELETE)
registry.not_personal(Delivery, "id", reason="internal key")
registry.not_personal(Delivery, "subscription", reason="links the delivery to the subscription it was sent for")
registry.not_personal(
    Delivery,
    "attempts",
    "next_attempt_at",
    "claimed_at",
    reason="the sending machinery's bookkeeping: how often and when it tried",
)

POST_PURPOSE = _(
    "To distribute what you wrote to a list, to show it to the list's members in its archive, and to tell "
    "you if it is not distributed."
)
# A member's posts are theirs: they leave the archive with the account. Posts written by
# staff have no poster and belong to no customer.
for name in ("mailing_list", "subject", "text", "html", "sender_email", "sender_name", "message_id", "in_reply_to"):
    registry.personal(
        Post,
        name,
        category=CATEGORY_MAILING_LISTS,
        purpose=POST_PURPOSE,
        erasure=Erasure.DELETE,
        **(
            {"show": lambda post: post.mailing_list.name, "export": lambda post: post.mailing_list.slug}
            if name == "mailing_list"
            else {}
        ),
    )
for name in ("status", "held_reason", "moderation_note", "created_at", "decided_at"):
    registry.personal(Post, name, category=CATEGORY_MAILING_LISTS, purpose=POST_PURPOSE, erasure=Erasure.DELETE)
registry.not_personal(Post, "id", "origin", reason="internal key, and where the post came from")
registry.not_personal(Post, "poster", reason="links the post to the account of the member who sent it")
registry.not_personal(
    Post, "created_by", "decided_by", reason="the staff member who wrote, sent, approved or rejected the post"
)
registry.not_personal(
    Post,
    "finished_at",
    "recipient_count",
    "sent_count",
    "failed_count",
    "skipped_count",
    "interrupted_count",
    "fanout_cursor",
    "fanout_done",
    reason="the progress of the post's delivery to the whole list, in numbers",
)
registry.not_personal(SendPacer, "id", "next_batch_at", reason="when the next batch of list mail may go out")
