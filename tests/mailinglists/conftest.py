import pytest

from mailinglists.models import MailingList, Subscription, SubscriptionEvent
from mailinglists.tokens import make_token
from tests.conftest import log_in_staff


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
