import csv

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.admin import CustomerNumberSearchMixin, StaffAccessAuditMixin
from mailinglists import services
from mailinglists.models import MailingList, SubscriberExport, Subscription, SubscriptionEvent

EXPORT_PERMISSION = "mailinglists.export_subscribers"
# Spreadsheets run cells that start with these as formulas (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value) -> str:
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


@admin.register(MailingList)
class MailingListAdmin(admin.ModelAdmin):
    list_display = [
        "name_en",
        "slug",
        "address",
        "joinable",
        "members_may_post",
        "active_subscribers",
        "position",
    ]
    list_filter = ["joinable", "members_may_post"]
    search_fields = ["slug", "name_en", "name_fr", "address"]
    prepopulated_fields = {"slug": ["name_en"]}
    fieldsets = [
        (None, {"fields": ["slug", "address", "joinable", "members_may_post", "position"]}),
        (_("English"), {"fields": ["name_en", "description_en"]}),
        (_("French"), {"fields": ["name_fr", "description_fr"]}),
    ]

    def get_queryset(self, request):
        # The count for every list of the page comes with the page's one query.
        return super().get_queryset(request).with_active_subscriber_count()

    @admin.display(description=_("active subscribers"), ordering="active_subscriber_count")
    def active_subscribers(self, mailing_list):
        return mailing_list.active_subscriber_count

    def get_list_display(self, request):
        if request.user.has_perm(EXPORT_PERMISSION):
            return [*self.list_display, "export_link"]
        return self.list_display

    @admin.display(description=_("export"))
    def export_link(self, mailing_list):
        url = reverse("admin:mailinglists_mailinglist_export", args=[mailing_list.pk])
        return format_html('<a href="{}">{}</a>', url, _("Active subscribers (CSV)"))

    def get_readonly_fields(self, request, obj=None):
        # The slug makes the List-Id, which RFC 2919 asks to keep for the life of the list.
        return ["slug"] if obj is not None else []

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None else self.prepopulated_fields

    def get_urls(self):
        export = self.admin_site.admin_view(self.export_subscribers)
        return [path("<int:pk>/export/", export, name="mailinglists_mailinglist_export"), *super().get_urls()]

    def export_subscribers(self, request, pk):
        """The list's active subscribers as CSV, for staff with the dedicated permission.
        Each export is recorded (who, which list, when, how many)."""
        if not request.user.has_perm(EXPORT_PERMISSION):
            raise PermissionDenied
        mailing_list = get_object_or_404(MailingList, pk=pk)
        subscribers = (
            Subscription.objects.active()
            .filter(mailing_list=mailing_list)
            .select_related("customer")
            .order_by("customer__customer_number")
        )
        SubscriberExport.objects.create(
            mailing_list=mailing_list, exported_by=request.user, subscriber_count=subscribers.count()
        )
        writer = csv.writer(_Echo())
        header = [
            _("customer number"),
            _("email address"),
            _("first name"),
            _("last name"),
            _("language"),
            _("subscribed since"),
        ]

        def rows():
            yield writer.writerow([str(title) for title in header])
            for subscription in subscribers.iterator(chunk_size=2000):
                customer = subscription.customer
                yield writer.writerow(
                    _csv_cell(value)
                    for value in (
                        customer.formatted_number,
                        customer.email,
                        customer.first_name,
                        customer.last_name,
                        customer.language,
                        subscription.status_changed_at.isoformat(),
                    )
                )

        filename = f"{mailing_list.slug}-subscribers-{timezone.localdate():%Y-%m-%d}.csv"
        return StreamingHttpResponse(
            rows(),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
        )


class SubscriptionEventInline(admin.TabularInline):
    model = SubscriptionEvent
    fields = ["created_at", "kind", "source", "actor"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    # The events are the proof of consent: nobody edits or adds them by hand.
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Subscription)
class SubscriptionAdmin(StaffAccessAuditMixin, CustomerNumberSearchMixin, admin.ModelAdmin):
    list_display = ["formatted_number", "customer_email", "mailing_list", "status", "status_changed_at"]
    list_filter = ["mailing_list", "status"]
    list_select_related = ["customer", "mailing_list"]
    search_fields = ["customer__email__istartswith"]
    search_help_text = _("A customer number (spaces allowed) or the start of an email address.")
    ordering = ["-status_changed_at"]
    fields = ["customer", "mailing_list", "status", "created_at", "status_changed_at"]
    readonly_fields = fields
    inlines = [SubscriptionEventInline]
    actions = ["unsubscribe_selected"]

    @admin.display(description=_("customer number"), ordering="customer__customer_number")
    def formatted_number(self, subscription):
        return subscription.customer.formatted_number

    @admin.display(description=_("email address"), ordering="customer__email")
    def customer_email(self, subscription):
        return subscription.customer.email

    # Only the customer subscribes (consent is theirs to give), and the history is the proof
    # of that consent: staff neither add nor delete subscriptions here.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Unsubscribe the selected subscriptions"), permissions=["change"])
    def unsubscribe_selected(self, request, queryset: QuerySet[Subscription]):
        stopped = services.subscription_unsubscribe_many(
            subscriptions=queryset, source=SubscriptionEvent.Source.ADMIN, actor=request.user
        )
        self.message_user(
            request,
            gettext("Subscriptions stopped: %(count)d.") % {"count": stopped},
            messages.SUCCESS,
        )


@admin.register(SubscriberExport)
class SubscriberExportAdmin(admin.ModelAdmin):
    """The access trail of exports: read only, for everyone who may see it."""

    list_display = ["exported_at", "mailing_list", "exported_by", "subscriber_count"]
    list_filter = ["mailing_list"]
    list_select_related = ["mailing_list", "exported_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
