"""Demo lists for `manage.py seed_demo`: idempotent, and it never re-subscribes anyone who left.

Cooker gets a post in its archive, sent through the real delivery (the worker sends it), and
a post from a stranger waiting for moderation.
"""

from accounts.models import Customer
from mailinglists import services
from mailinglists.models import MailingList, Post, Subscription

NBSP = "\u00a0"  # French puts a non-breaking space before ":" and ";"

LISTS = [
    {
        "slug": "announcements",
        "name_en": "Mandrake announcements",
        "name_fr": "Annonces Mandrake",
        "description_en": "New releases, security updates and news from Mandrake, a few messages a month. "
        "Only Mandrake writes to this list.",
        "description_fr": "Nouvelles versions, mises à jour de sécurité et actualités de Mandrake, quelques "
        "messages par mois. Seul Mandrake écrit sur cette liste.",
        "address": "",
        "members_may_post": False,
        "position": 10,
    },
    {
        "slug": "cooker",
        "name_en": "Cooker (development)",
        "name_fr": "Cooker (développement)",
        "description_en": "The making of the next Mandrake Linux: packages, bugs and plans, discussed with the "
        "developers. Busy: dozens of messages a day.",
        "description_fr": f"La préparation de la prochaine Mandrake Linux{NBSP}: paquets, bogues et projets, "
        f"discutés avec les développeurs. Très active{NBSP}: des dizaines de messages par jour.",
        "address": "cooker@lists.mandrakeonline.net",
        "members_may_post": True,
        "position": 20,
    },
    {
        "slug": "expert-support",
        "name_en": "Expert support",
        "name_fr": "Support expert",
        "description_en": "Questions and answers between experienced users and Mandrake's support engineers.",
        "description_fr": "Questions et réponses entre utilisateurs expérimentés et ingénieurs du support Mandrake.",
        "address": "expert@lists.mandrakeonline.net",
        "members_may_post": True,
        "position": 30,
    },
]


def seed(*, customer: Customer, staff: Customer) -> None:
    lists = {
        fields["slug"]: MailingList.objects.get_or_create(slug=fields["slug"], defaults=fields)[0] for fields in LISTS
    }
    members = {customer: ["announcements", "cooker"], staff: ["cooker", "expert-support"]}
    for member, slugs in members.items():
        for slug in slugs:
            if not Subscription.objects.filter(customer=member, mailing_list=lists[slug]).exists():
                # Through the service, so that the history and the welcome message are real.
                services.subscription_join(customer=member, mailing_list=lists[slug], actor=member)
    _seed_posts(lists["cooker"], staff)


def _seed_posts(cooker: MailingList, staff: Customer) -> None:
    if cooker.posts.exists():
        return
    welcome = Post.objects.create(
        mailing_list=cooker,
        subject="Cooker is open for the next release",
        text="Hello everyone,\n\nCooker is open: new packages are welcome until the freeze.\n\n"
        "Reply to this message to discuss the plans for the release.\n",
        created_by=staff,
    )
    services.post_send(post=welcome, actor=staff)
    Post.objects.create(
        mailing_list=cooker,
        origin=Post.Origin.EMAIL,
        status=Post.Status.HELD,
        held_reason=Post.HeldReason.NOT_MEMBER,
        subject="Cheap licences!!!",
        text="Buy software licences at 90 % off.\n",
        sender_email="offers@example.com",
        sender_name="Best Offers",
        message_id="<demo-held-1@example.com>",
    )
