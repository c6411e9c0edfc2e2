import pytest
from django.test import TestCase

from mailinglists import services
from mailinglists.models import MailingList, Post, Subscription, SubscriptionEvent
from mailinglists.tokens import make_token
from tests.conftest import log_in_staff, make_customer


def make_list(slug: str, **fields) -> MailingList:
    fields = {
        "name_en": slug.capitalize(),
        "name_fr": f"{slug.capitalize()} (fr)",
        "description_en": f"All about {slug}.",
        "description_fr": f"Tout sur {slug}.",
        **fields,
    }
    return MailingList.objects.create(slug=slug, **fields)


def subscribe(customer, mailing_list, status=Subscription.Status.ACTIVE) -> Subscription:
    """A subscription with its first event, as the account page makes it (without the email)."""
    subscription = Subscription.objects.create(customer=customer, mailing_list=mailing_list, status=status)
    SubscriptionEvent.objects.create(
        subscription=subscription,
        kind=SubscriptionEvent.Kind.SUBSCRIBED,
        source=SubscriptionEvent.Source.ACCOUNT,
        actor=customer,
    )
    return subscription


def unsubscribe_path(subscription: Subscription) -> str:
    return f"/unsubscribe/{make_token(subscription)}/"


@pytest.fixture
def cooker(db):
    return make_list(
        "cooker",
        name_en="Cooker (development)",
        name_fr="Cooker (développement)",
        description_en="The making of the next Mandrake Linux.",
        description_fr="La préparation de la prochaine Mandrake Linux.",
        address="cooker@lists.mandrakeonline.net",
        members_may_post=True,
        position=20,
    )


@pytest.fixture
def announcements(db):
    return make_list("announcements", name_en="Mandrake announcements", name_fr="Annonces Mandrake", position=10)


@pytest.fixture
def closed_list(db):
    return make_list("partners", name_en="Partners", name_fr="Partenaires", joinable=False, position=30)


@pytest.fixture
def subscription(customer, cooker):
    return subscribe(customer, cooker)


@pytest.fixture
def staff_client(client, staff):
    log_in_staff(client, staff)
    return client


# --- Posts and their delivery ------------------------------------------------------------

ESP = "anymail.backends.test.EmailBackend"
MERGE_FIELD_FORMAT = "%recipient.{}%"  # Mailgun's; anymail's test backend merges nothing
WEBHOOK_AUTH = "esp:webhook-secret"


@pytest.fixture
def esp(settings):
    """Batch sending through anymail's test backend (messages land in mail.outbox with the
    parameters anymail would give the ESP), without pacing."""
    settings.EMAIL_BACKEND = ESP
    settings.LIST_MERGE_FIELD_FORMAT = MERGE_FIELD_FORMAT
    settings.LIST_SEND_RATE = 0
    settings.LIST_SEND_BATCH_SIZE = 3
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": WEBHOOK_AUTH}
    return settings


def members(mailing_list, count: int, *, prefix: str = "member", language: str | None = None) -> list:
    """`count` customers, each subscribed to the list; alternately English and French unless
    a language is given."""
    return [
        subscribe(
            make_customer(f"{prefix}{number}@example.net", language=language or ("fr" if number % 2 else "en")),
            mailing_list,
        )
        for number in range(count)
    ]


def draft(mailing_list, author, **fields) -> Post:
    fields = {"subject": "Mandrake Linux 10.1 is out", "text": "Download it today.", **fields}
    return Post.objects.create(mailing_list=mailing_list, created_by=author, **fields)


def send_now(post, actor) -> Post:
    """Send a post as the admin's button does, running the tasks its commit queues."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.post_send(post=post, actor=actor)
    post.refresh_from_db()
    return post


def received_by(outbox) -> list[str]:
    """Every address a copy went to, once per copy (batch messages count once per recipient)."""
    return sorted(address for message in outbox for address in message.to)


@pytest.fixture
def list_manager(db):
    from django.contrib.auth.models import Group

    manager = make_customer("lists@example.com", first_name="Lou", last_name="Lists", is_staff=True)
    manager.groups.add(Group.objects.get(name="List managers"))
    return manager


@pytest.fixture
def scripted_esp(esp, monkeypatch):
    from tests.mailinglists.backends import ScriptedESP

    esp.EMAIL_BACKEND = "tests.mailinglists.backends.ScriptedESP"
    monkeypatch.setattr(ScriptedESP, "before_call", None)
    monkeypatch.setattr(ScriptedESP, "after_accept", None)
    monkeypatch.setattr(ScriptedESP, "statuses", {})
    return ScriptedESP


@pytest.fixture
def webhooks(esp):
    """anymail's webhook views checking our basic-auth secret, and Mailgun's signature."""
    from tests.mailinglists.webhooks import MAILGUN_SIGNING_KEY

    esp.ANYMAIL = {**esp.ANYMAIL, "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_SIGNING_KEY}
    return esp
