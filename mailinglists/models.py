import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from mandrakeonline.card_numbers import reject_card_numbers

# 16 random bytes, url-safe base64 without padding: 22 characters.
PUBLIC_KEY_LENGTH = 22


def new_public_key() -> str:
    return secrets.token_urlsafe(16)


class MailingListQuerySet(models.QuerySet):
    def joinable(self):
        return self.filter(joinable=True)

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
        subscriptions = list(Subscription.objects.for_customer(customer).select_related("mailing_list"))
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


class Subscription(models.Model):
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


class SubscriptionEvent(models.Model):
    """A change of a subscription, with what caused it and who acted.

    These rows are the proof of consent: they are never changed or deleted, except with the
    whole subscription when the account is erased.
    """

    class Kind(models.TextChoices):
        SUBSCRIBED = "subscribed", _("Joined the list")
        UNSUBSCRIBED = "unsubscribed", _("Left the list")
        RESUBSCRIBED = "resubscribed", _("Joined the list again")
        SUSPENDED = "suspended", _("Paused after bounces")

    class Source(models.TextChoices):
        ACCOUNT = "account", _("from the account pages")
        LINK = "link", _("with the link in a list email")
        ONE_CLICK = "one_click", _("with the one-click unsubscribe of a mail program")
        ADMIN = "admin", _("by Mandrake staff")
        BOUNCE = "bounce", _("after mail to the address bounced")

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
        # A suspended member may resume; a member of a closed list may only leave it.
        active = self.subscription is not None and self.subscription.status == Subscription.Status.ACTIVE
        return self.mailing_list.joinable and not active
