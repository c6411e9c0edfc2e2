"""The archive of a list: its members read past posts; for everyone else it does not exist."""

import datetime

import pytest
from django.utils import timezone

from mailinglists.models import Post, Subscription
from tests.mailinglists.conftest import draft, subscribe

pytestmark = pytest.mark.django_db

Status = Subscription.Status


def page_text(response) -> str:
    return " ".join(response.content.decode().split())


def archived(mailing_list, **fields) -> Post:
    """A post that went out, as delivery leaves it (without sending anything here)."""
    fields = {
        "status": Post.Status.SENT,
        "decided_at": timezone.now(),
        "subject": "Cooker is frozen",
        "text": "No new packages.",
        **fields,
    }
    return Post.objects.create(mailing_list=mailing_list, **fields)


def members_post(mailing_list, **fields) -> Post:
    fields = {
        "origin": Post.Origin.EMAIL,
        "subject": "Re: urpmi is slow",
        "text": "Try --wget.\n> urpmi takes ages\nhttps://www.mandrakelinux.com/",
        "sender_email": "bob@example.org",
        "sender_name": "Bob Leroy",
        **fields,
    }
    return archived(mailing_list, **fields)


@pytest.fixture
def member_client(customer_client, customer, cooker):
    subscribe(customer, cooker)
    return customer_client


def test_a_member_reads_the_archive_with_the_posters_addresses(member_client, cooker):
    post = members_post(cooker)
    archived(cooker, subject="Cooker is frozen")

    index = page_text(member_client.get("/account/lists/cooker/archive/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "<h1>Archive of Cooker (development)</h1>" in index
    assert "Re: urpmi is slow" in index
    assert "Cooker is frozen" in index
    assert 'Bob Leroy &lt;<a href="mailto:bob@example.org">bob@example.org</a>&gt;' in index

    page = page_text(member_client.get(f"/account/lists/cooker/archive/{post.pk}/", HTTP_ACCEPT_LANGUAGE="en"))
    assert '<h1 id="post-subject">Re: urpmi is slow</h1>' in page
    assert "bob@example.org" in page
    assert "&gt; urpmi takes ages" in page  # quoting kept, and escaped
    assert '<a href="https://www.mandrakelinux.com/" rel="nofollow">' in page


def test_a_staff_post_is_signed_by_mandrake(member_client, cooker):
    archived(cooker)

    page = page_text(member_client.get("/account/lists/cooker/archive/", HTTP_ACCEPT_LANGUAGE="en"))

    assert "<td>Mandrake</td>" in page


def test_drafts_held_and_rejected_posts_are_not_in_the_archive(member_client, cooker, staff):
    hidden = [
        draft(cooker, staff, subject="Draft"),
        members_post(cooker, status=Post.Status.HELD, subject="Held"),
        members_post(cooker, status=Post.Status.REJECTED, subject="Rejected"),
    ]

    index = page_text(member_client.get("/account/lists/cooker/archive/", HTTP_ACCEPT_LANGUAGE="en"))

    assert "Nothing has been sent to this list yet." in index
    for post in hidden:
        assert member_client.get(f"/account/lists/cooker/archive/{post.pk}/").status_code == 404


@pytest.mark.parametrize("status", [None, Status.UNSUBSCRIBED])
def test_someone_not_on_the_list_gets_404(customer_client, customer, cooker, status):
    if status is not None:
        subscribe(customer, cooker, status=status)
    post = members_post(cooker)

    assert customer_client.get("/account/lists/cooker/archive/").status_code == 404
    response = customer_client.get(f"/account/lists/cooker/archive/{post.pk}/")
    assert response.status_code == 404
    assert "bob@example.org" not in response.content.decode()


def test_a_suspended_member_still_reads_the_archive(customer_client, customer, cooker):
    subscribe(customer, cooker, status=Status.SUSPENDED)
    post = members_post(cooker)

    assert customer_client.get(f"/account/lists/cooker/archive/{post.pk}/").status_code == 200


def test_staff_who_are_not_members_get_404_too(client, staff, cooker):
    client.force_login(staff)

    assert client.get("/account/lists/cooker/archive/").status_code == 404


def test_a_post_of_another_list_cannot_be_read_through_mine(member_client, announcements):
    elsewhere = archived(announcements)

    assert member_client.get(f"/account/lists/cooker/archive/{elsewhere.pk}/").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, cooker):
    post = archived(cooker)

    for url in ("/account/lists/cooker/archive/", f"/account/lists/cooker/archive/{post.pk}/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")


def test_my_lists_links_to_the_archives_of_my_lists(member_client, announcements):
    page = page_text(member_client.get("/account/lists/", HTTP_ACCEPT_LANGUAGE="en"))

    assert 'href="/account/lists/cooker/archive/"' in page
    assert 'href="/account/lists/announcements/archive/"' not in page


def test_the_archive_is_paginated_newest_first(member_client, cooker):
    for number in range(30):
        sent_at = timezone.now() - datetime.timedelta(hours=number)
        archived(cooker, subject=f"Post number {number:02}", decided_at=sent_at)

    first = page_text(member_client.get("/account/lists/cooker/archive/", HTTP_ACCEPT_LANGUAGE="en"))
    second = page_text(member_client.get("/account/lists/cooker/archive/", {"page": 2}, HTTP_ACCEPT_LANGUAGE="en"))

    assert first.index("Post number 00") < first.index("Post number 24")
    assert "Post number 25" not in first
    assert "Post number 29" in second
    assert "Page 2 of 2" in second


@pytest.mark.parametrize("post_count", [1, 10, 25])
def test_the_archive_runs_a_constant_number_of_queries(member_client, cooker, django_assert_num_queries, post_count):
    for number in range(post_count):
        members_post(cooker, subject=f"Post {number}", message_id=f"<{number}@example.org>")

    # Session, customer, membership (with the list), the count, the page of posts.
    with django_assert_num_queries(5):
        member_client.get("/account/lists/cooker/archive/")


def test_reading_a_post_runs_a_constant_number_of_queries(member_client, cooker, django_assert_num_queries):
    post = members_post(cooker)

    with django_assert_num_queries(4):
        member_client.get(f"/account/lists/cooker/archive/{post.pk}/")
