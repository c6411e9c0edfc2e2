import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Now
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from mandrakeonline.card_numbers import reject_card_numbers
from mandrakeonline.choices import ChoiceLabels

# 16 random bytes, url-safe base64 without padding: 22 characters.
PUBLIC_KEY_LENGTH = 22


def new_public_key() -> str:
    return secrets.token_urlsafe(16)


class MailingListQuerySet(models.QuerySet):
    def joinable(self):
        return self.filter(joinable=True)

    def joinable_by(self, customer):
        """The lists a customer may join: those open to customers, and any they were paused
        on after bounces (which they may resume even once the list is closed)."""
        paused = Subscription.objects.filter(
            mailing_list=OuterRef("pk"), customer=customer, status=Subscription.Status.SUSPENDED
        )
        return self.filter(Q(joinable=True) | Exists(paused))

    def with_active_subscriber_count(self):
        return self.annotate(
            active_subscriber_count=Count("subscriptions", filter=Q(subscriptions__status=Subscription.Status.ACTIVE))
        )

    def memberships_of(self, customer) -> list["Membership"]:
        """The lists a customer sees on "My lists", each with their subscription, in two queries.

        Every joinable list, and every list they have a subscription to: a list closed to
        new members still shows to its members, so that they can leave it and see their
        history. Nothing about other members is read.
        """
        subscriptions = list(
            Subscription.objects.for_customer(customer).with_last_event_source().select_related("mailing_list")
        )
        memberships = [Membership(subscription.mailing_list, subscription) for subscription in subscriptions]
        others = self.joinable().exclude(pk__in=[subscription.mailing_list_id for subscription in subscriptions])
        memberships += [Membership(mailing_list, None) for mailing_list in others]
        return sorted(
            memberships, key=lambda membership: (membership.mailing_list.position, membership.mailing_list.slug)
        )


class MailingList(models.Model):
    slug = models.SlugField(
        _("short name"),
        unique=True,
        help_text=_("Used in addresses and in the List-Id header; it cannot change once the list exists."),
        validators=[reject_card_numbers],
    )
    name_en = models.CharField(_("name in English"), max_length=100, validators=[reject_card_numbers])
    name_fr = models.CharField(_("name in French"), max_length=100, validators=[reject_card_numbers])
    description_en = models.TextField(_("description in English"), blank=True, validators=[reject_card_numbers])
    description_fr = models.TextField(_("description in French"), blank=True, validators=[reject_card_numbers])
    address = models.EmailField(
        _("list address"),
        blank=True,
        help_text=_("Where members post, e.g. cooker@lists.mandrakeonline.net. Leave empty for an announcement list."),
        validators=[reject_card_numbers],
    )
    joinable = models.BooleanField(
        _("customers can see and join it"),
        default=True,
        help_text=_("Members of a list that is closed to customers can still see it and leave it."),
    )
    members_may_post = models.BooleanField(_("members may post"), default=False)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Lists are shown in this order, then by short name.")
    )
    created_at = models.DateTimeField(_("created on"), default=timezone.now, editable=False)

    objects = MailingListQuerySet.as_manager()

    class Meta:
        verbose_name = _("mailing list")
        verbose_name_plural = _("mailing lists")
        ordering = ["position", "slug"]
        permissions = [("export_subscribers", _("Can export the active subscribers of a list"))]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_fr if translation.get_language() == "fr" else self.name_en

    @property
    def description(self) -> str:
        return self.description_fr if translation.get_language() == "fr" else self.description_en

    @property
    def list_id(self) -> str:
        # Built from the slug, which cannot change, because RFC 2919 asks that a List-Id
        # stays the same when the list moves to another address or server.
        return f"{self.slug}.{settings.LIST_ID_DOMAIN}"

    @property
    def request_address(self) -> str:
        """The list's administrative address (the `-request` convention of list servers)."""
        if not self.address:
            return ""
        local, _at, domain = self.address.rpartition("@")
        return f"{local}-request@{domain}"


class SubscriptionQuerySet(models.QuerySet):
    def for_customer(self, customer):
        return self.filter(customer=customer)

    def receiving(self):
        """Subscriptions that still count as membership: active, or paused after bounces."""
        return self.filter(status__in=[Subscription.Status.ACTIVE, Subscription.Status.SUSPENDED])

    def active(self):
        return self.filter(status=Subscription.Status.ACTIVE)

    def with_last_event_source(self):
        """Annotate how the latest change came about (to tell a member why mail stopped)."""
        latest = SubscriptionEvent.objects.filter(subscription=OuterRef("pk")).order_by("-created_at", "-pk")
        return self.annotate(last_event_source=Subquery(latest.values("source")[:1]))


class Subscription(ChoiceLabels, models.Model):
    """One customer's membership of one list. Its events are the proof of consent."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Subscribed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        SUSPENDED = "suspended", _("Suspended: mail to the address bounced")

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions", verbose_name=_("customer")
    )
    # PROTECT: deleting a list must not silently delete its members' consent history.
    mailing_list = models.ForeignKey(
        MailingList, on_delete=models.PROTECT, related_name="subscriptions", verbose_name=_("mailing list")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.ACTIVE)
    # The random part of the unsubscribe link: it names this subscription without saying
    # anything about it, and is never derived from the id.
    public_key = models.CharField(
        _("unsubscribe key"),
        max_length=PUBLIC_KEY_LENGTH,
        unique=True,
        default=new_public_key,
        editable=False,
        validators=[reject_card_numbers],
    )
    created_at = models.DateTimeField(_("first subscribed on"), default=timezone.now, editable=False)
    status_changed_at = models.DateTimeField(_("status since"), default=timezone.now)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["customer", "mailing_list"], name="one_subscription_per_customer_and_list"),
            models.CheckConstraint(
                condition=Q(status__in=["active", "unsubscribed", "suspended"]), name="subscription_status_is_known"
            ),
        ]
        indexes = [
            models.Index(fields=["mailing_list", "status"], name="subscription_list_status"),
            # The admin's list starts with the latest changes (ordered by status_changed_at, id).
            models.Index(fields=["status_changed_at", "id"], name="subscription_status_changed"),
        ]

    def __str__(self):
        return f"{self.customer} - {self.mailing_list}"

    @property
    def is_receiving(self) -> bool:
        return self.status in (self.Status.ACTIVE, self.Status.SUSPENDED)

    @property
    def is_suspended(self) -> bool:
        return self.status == self.Status.SUSPENDED

    @property
    def stopped_by_complaint(self) -> bool:
        """Unsubscribed because a list email was reported as spam (needs with_last_event_source)."""
        return self.status == self.Status.UNSUBSCRIBED and self.last_event_source == SubscriptionEvent.Source.COMPLAINT


class SubscriptionEvent(ChoiceLabels, models.Model):
    """A change of a subscription, with what caused it and who acted.

    These rows are the proof of consent: they are never changed or deleted, except with the
    whole subscription when the account is erased.
    """

    class Kind(models.TextChoices):
        SUBSCRIBED = "subscribed", _("Joined the list")
        UNSUBSCRIBED = "unsubscribed", _("Left the list")
        RESUBSCRIBED = "resubscribed", _("Joined the list again")
        SUSPENDED = "suspended", _("Paused after bounces")
        # Bounces change nothing by themselves; enough of them pause the subscription.
        HARD_BOUNCE = "hard_bounce", _("A list email bounced: the address refuses mail")
        SOFT_BOUNCE = "soft_bounce", _("A list email bounced: the mailbox was full or unavailable")

    class Source(models.TextChoices):
        ACCOUNT = "account", _("from the account pages")
        LINK = "link", _("with the link in a list email")
        ONE_CLICK = "one_click", _("with the one-click unsubscribe of a mail program")
        ADMIN = "admin", _("by Mandrake staff")
        BOUNCE = "bounce", _("after mail to the address bounced")
        COMPLAINT = "complaint", _("after a list email was reported as spam")
        EMAIL = "email", _("by email to the list's request address")

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="events", verbose_name=_("subscription")
    )
    kind = models.CharField(_("what happened"), max_length=12, choices=Kind)
    source = models.CharField(_("how"), max_length=12, choices=Source)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("subscription event")
        verbose_name_plural = _("subscription events")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["subscription", "-created_at"], name="subscription_event_history")]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"


class SubscriberExport(models.Model):
    """The access trail of subscriber exports: which list, who exported it, when."""

    # PROTECT: a list that was exported keeps its access trail.
    mailing_list = models.ForeignKey(
        MailingList, on_delete=models.PROTECT, related_name="exports", verbose_name=_("mailing list")
    )
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("exported by"),
    )
    exported_at = models.DateTimeField(_("exported on"), default=timezone.now, editable=False)
    subscriber_count = models.PositiveIntegerField(_("number of subscribers exported"))

    class Meta:
        verbose_name = _("subscriber export")
        verbose_name_plural = _("subscriber exports")
        ordering = ["-exported_at"]

    def __str__(self):
        return f"{self.mailing_list.slug} ({self.exported_at:%Y-%m-%d %H:%M})"


class PostQuerySet(models.QuerySet):
    def archived(self):
        """Posts that went out to the list: what its members may read on the site."""
        return self.filter(status__in=[Post.Status.SENDING, Post.Status.SENT])

    def sending(self):
        return self.filter(status=Post.Status.SENDING)


class Post(ChoiceLabels, models.Model):
    """A message to a list: written by staff in the admin, or sent by email by a member.

    The counters follow its delivery. They are kept here rather than counted from the
    deliveries, so that the list of posts costs the same whatever the size of the lists, and
    stays right once old deliveries are purged.
    """

    class Origin(models.TextChoices):
        STAFF = "staff", _("written by staff")
        EMAIL = "email", _("sent by email to the list")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        HELD = "held", _("Held for moderation")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        REJECTED = "rejected", _("Rejected")

    class HeldReason(models.TextChoices):
        NOT_MEMBER = "not_member", _("The sender is not a member of the list")
        SUSPENDED = "suspended", _("The sender's subscription is paused after bounces")
        CLOSED = "closed", _("Members may not post to this list")
        SPAM = "spam", _("The mail provider flagged it as spam")

    # PROTECT: a list keeps its archive.
    mailing_list = models.ForeignKey(
        MailingList, on_delete=models.PROTECT, related_name="posts", verbose_name=_("mailing list")
    )
    origin = models.CharField(_("origin"), max_length=8, choices=Origin, default=Origin.STAFF, editable=False)
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.DRAFT, editable=False)
    subject = models.CharField(_("subject"), max_length=200, validators=[reject_card_numbers])
    text = models.TextField(
        _("text"),
        validators=[reject_card_numbers],
        help_text=_("Every subscriber gets it; the archive shows it. The unsubscribe footer is added to each copy."),
    )
    html = models.TextField(
        _("HTML version"),
        blank=True,
        validators=[reject_card_numbers],
        help_text=_("Optional: mail programs that show HTML show this instead of the text."),
    )
    # Posts that arrived by email: who sent them, as shown to the members.
    poster = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="list_posts",
        verbose_name=_("posted by"),
        editable=False,
    )
    sender_email = models.EmailField(
        _("sender's address"), blank=True, editable=False, validators=[reject_card_numbers]
    )
    sender_name = models.CharField(
        _("sender's name"), max_length=200, blank=True, editable=False, validators=[reject_card_numbers]
    )
    message_id = models.CharField(
        _("Message-ID"), max_length=255, blank=True, editable=False, validators=[reject_card_numbers]
    )
    in_reply_to = models.CharField(
        _("in reply to"), max_length=255, blank=True, editable=False, validators=[reject_card_numbers]
    )
    held_reason = models.CharField(_("why it is held"), max_length=10, choices=HeldReason, blank=True, editable=False)
    moderation_note = models.TextField(
        _("note to the sender"), blank=True, editable=False, validators=[reject_card_numbers]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
        editable=False,
    )
    created_at = models.DateTimeField(_("written or received on"), default=timezone.now, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent, approved or rejected by"),
        editable=False,
    )
    decided_at = models.DateTimeField(_("sent, approved or rejected on"), null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(_("delivery finished on"), null=True, blank=True, editable=False)
    # Delivery progress.
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0, editable=False)
    sent_count = models.PositiveIntegerField(_("sent"), default=0, editable=False)
    failed_count = models.PositiveIntegerField(_("failed"), default=0, editable=False)
    skipped_count = models.PositiveIntegerField(_("unsubscribed before their turn"), default=0, editable=False)
    interrupted_count = models.PositiveIntegerField(_("interrupted"), default=0, editable=False)
    # How far the recipients were written down: the last subscription id, so a fan-out that
    # stopped half-way goes on from there.
    fanout_cursor = models.BigIntegerField(default=0, editable=False)
    fanout_done = models.BooleanField(default=False, editable=False)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("send_post", _("Can send a post to the subscribers of a list")),
            ("moderate_post", _("Can approve or reject posts held for moderation")),
        ]
        constraints = [
            # An ESP retrying its webhook, or a replayed call, brings the same message twice.
            models.UniqueConstraint(
                fields=["mailing_list", "message_id"], condition=~Q(message_id=""), name="one_post_per_message_id"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "held", "sending", "sent", "rejected"]), name="post_status_is_known"
            ),
        ]
        indexes = [
            models.Index(
                fields=["mailing_list", "-decided_at"],
                condition=Q(status__in=["sending", "sent"]),
                name="post_archive",
            )
        ]

    def __str__(self):
        return self.subject

    @property
    def queued_count(self) -> int:
        if self.status != self.Status.SENDING:
            return 0
        done = self.sent_count + self.failed_count + self.skipped_count + self.interrupted_count
        return max(0, self.recipient_count - done)


class Delivery(models.Model):
    """One post to one subscription.

    Written before anything is sent, one row per (post, subscription), so that each
    subscriber gets a post once whatever crashes and however many workers share the work.
    The database defaults let the fan-out insert rows straight from the subscriptions.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        SENDING = "sending", _("Handed to the mail provider")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent: unsubscribed meanwhile")
        INTERRUPTED = "interrupted", _("Interrupted while sending: maybe sent, never sent again")

    class Outcome(models.TextChoices):
        DELIVERED = "delivered", _("Delivered")
        SOFT_BOUNCE = "soft_bounce", _("Bounced for now")
        HARD_BOUNCE = "hard_bounce", _("Bounced for good")
        COMPLAINT = "complaint", _("Reported as spam")

    # No index of its own: the unique constraint's index starts with the post.
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="deliveries", db_index=False, verbose_name=_("post")
    )
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("subscription")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status, default=Status.QUEUED, db_default=Status.QUEUED
    )
    created_at = models.DateTimeField(_("written down on"), default=timezone.now, db_default=Now(), editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0, db_default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now, db_default=Now())
    claimed_at = models.DateTimeField(_("handed to the mail provider on"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent on"), null=True, blank=True)
    failure_reason = models.CharField(
        _("why it failed"), max_length=500, blank=True, db_default="", validators=[reject_card_numbers]
    )
    outcome = models.CharField(_("what became of it"), max_length=12, choices=Outcome, blank=True, db_default="")
    outcome_at = models.DateTimeField(_("reported on"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["post", "subscription"], name="one_delivery_per_post_and_subscription"),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "sending", "sent", "failed", "skipped", "interrupted"]),
                name="delivery_status_is_known",
            ),
        ]
        indexes = [
            # Small, and shrinking as the post goes out: what workers claim from.
            models.Index(fields=["post", "id"], condition=Q(status="queued"), name="delivery_queued"),
            models.Index(fields=["claimed_at"], condition=Q(status="sending"), name="delivery_in_flight"),
        ]

    def __str__(self):
        return f"{self.post} - {self.subscription}"


class SendPacer(models.Model):
    """When the next batch of list mail may start. One row, shared by every worker, so that
    together they keep to LIST_SEND_RATE whatever their number."""

    next_batch_at = models.DateTimeField()

    def __str__(self):
        return f"next batch at {self.next_batch_at:%H:%M:%S.%f}"


@dataclass(frozen=True)
class Membership:
    """A list as one customer sees it: the list, and their subscription to it if any."""

    mailing_list: MailingList
    subscription: Subscription | None

    @property
    def is_receiving(self) -> bool:
        return self.subscription is not None and self.subscription.is_receiving

    @property
    def can_join(self) -> bool:
        # A suspended member may resume, even on a closed list; a member who left a closed
        # list cannot come back.
        if self.subscription is not None and self.subscription.is_suspended:
            return True
        active = self.subscription is not None and self.subscription.status == Subscription.Status.ACTIVE
        return self.mailing_list.joinable and not active
