from django.utils.translation import gettext_lazy as _

from mailinglists.models import MailingList, SubscriberExport, Subscription, SubscriptionEvent
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
