import pytest

from mailinglists import demo
from mailinglists.models import MailingList, Post, Subscription
from tests.conftest import make_customer

pytestmark = pytest.mark.django_db


def test_the_demo_is_idempotent_and_never_resubscribes_someone_who_left(customer, staff):
    demo.seed(customer=customer, staff=staff)
    leaving = Subscription.objects.get(customer=customer, mailing_list__slug="cooker")
    leaving.status = Subscription.Status.UNSUBSCRIBED
    leaving.save()

    demo.seed(customer=customer, staff=staff)

    assert sorted(MailingList.objects.values_list("slug", flat=True)) == ["announcements", "cooker", "expert-support"]
    assert sorted(Subscription.objects.filter(customer=customer).values_list("mailing_list__slug", "status")) == [
        ("announcements", "active"),
        ("cooker", "unsubscribed"),
    ]
    assert Subscription.objects.filter(customer=staff).count() == 2
    assert Subscription.objects.get(pk=leaving.pk).events.count() == 1


def test_the_demo_lists_are_in_both_languages(db):
    demo.seed(customer=make_customer("demo@example.com"), staff=make_customer("s@example.com", is_staff=True))

    cooker = MailingList.objects.get(slug="cooker")
    assert cooker.name_fr == "Cooker (développement)"
    assert "\u00a0:" in cooker.description_fr
    assert cooker.members_may_post


def test_the_demo_has_a_post_in_the_archive_and_one_to_moderate(customer, staff):
    demo.seed(customer=customer, staff=staff)
    demo.seed(customer=customer, staff=staff)

    posts = Post.objects.filter(mailing_list__slug="cooker")
    assert sorted(posts.values_list("status", flat=True)) == [Post.Status.HELD, Post.Status.SENDING]
