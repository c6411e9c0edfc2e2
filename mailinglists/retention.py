"""Retention of list delivery data: who received which post, and posts held for moderation.

Deliveries are needed while a post goes out and for counting bounces; the post keeps its
totals after they go. Held posts often come from strangers, whose address we have no other
reason to keep.
"""

import datetime

from django.conf import settings
from django.db.models import Q

from accounts.retention import register_rule
from mailinglists.models import Delivery, Post


def _delete(queryset, dry_run: bool) -> int:
    if dry_run:
        return queryset.count()
    deleted, _by_model = queryset.delete()
    return deleted


@register_rule("list-deliveries", "records of who received which list post, past their period")
def purge_deliveries(now, dry_run):
    cutoff = now - datetime.timedelta(days=settings.LIST_DELIVERY_RETENTION_DAYS)
    return _delete(Delivery.objects.filter(post__status=Post.Status.SENT, post__finished_at__lt=cutoff), dry_run)


@register_rule("held-list-posts", "posts held for moderation, or rejected, past their period")
def purge_held_posts(now, dry_run):
    cutoff = now - datetime.timedelta(days=settings.LIST_HELD_POST_DAYS)
    held = Post.objects.filter(Q(status=Post.Status.HELD) | Q(status=Post.Status.REJECTED), created_at__lt=cutoff)
    return _delete(held, dry_run)
