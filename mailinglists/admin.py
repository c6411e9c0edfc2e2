import csv

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.admin import CustomerNumberSearchMixin, StaffAccessAuditMixin
from accounts.models import Customer
from mailinglists import delivery, services
from mailinglists.models import (
    Delivery,
    MailingList,
    Post,
    SubscriberExport,
    Subscription,
    SubscriptionEvent,
)
from mandrakeonline.card_numbers import reject_card_numbers

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


SEND_PERMISSION = "mailinglists.send_post"
MODERATE_PERMISSION = "mailinglists.moderate_post"
DRAFT_FIELDS = ["mailing_list", "subject", "text", "html"]


class ModerationForm(forms.Form):
    APPROVE, REJECT, DISCARD = "approve", "reject", "discard"

    action = forms.ChoiceField(
        choices=[
            (APPROVE, _("Approve and send to the list")),
            (REJECT, _("Reject and tell the sender")),
            (DISCARD, _("Discard without telling anyone (spam)")),
        ],
        widget=forms.RadioSelect,
        label=_("Decision"),
    )
    note = forms.CharField(
        label=_("Note to the sender"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[reject_card_numbers],
        help_text=_("Sent with a rejection, in the email telling the sender why."),
    )


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    """List managers write a post, preview it as a subscriber gets it, send it, and watch it go
    out; they approve or reject the posts that members' mail left for moderation. A post
    that went out (or was held) cannot be edited or deleted."""

    list_display = ["subject", "mailing_list", "status", "origin", "sender", "created_at", "progress"]
    list_filter = ["status", "origin", "mailing_list"]
    list_select_related = ["mailing_list"]
    search_fields = ["subject", "sender_email"]
    show_full_result_count = False
    change_form_template = "admin/mailinglists/post/change_form.html"

    def get_fieldsets(self, request, obj=None):
        if obj is None or obj.status == Post.Status.DRAFT:
            return [(None, {"fields": DRAFT_FIELDS})]
        fieldsets = [(None, {"fields": ["mailing_list", "subject", "status", "origin", "created_by", "created_at"]})]
        if obj.origin == Post.Origin.EMAIL:
            fieldsets.append(
                (_("Sender"), {"fields": ["sender_name", "sender_email", "held_reason", "moderation_note"]})
            )
        fieldsets.append(
            (
                _("Delivery"),
                {
                    "fields": [
                        "decided_by",
                        "decided_at",
                        "recipient_count",
                        "sent_count",
                        "queued",
                        "failed_count",
                        "skipped_count",
                        "interrupted_count",
                        "finished_at",
                        "deliveries_link",
                    ]
                },
            )
        )
        fieldsets.append((_("Content"), {"fields": ["text", "html"]}))
        return fieldsets

    def has_change_permission(self, request, obj=None):
        # Only a draft can be edited; what went out (or came in by email) is shown as it is.
        return super().has_change_permission(request, obj) and (obj is None or obj.status == Post.Status.DRAFT)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.status == Post.Status.DRAFT)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("from"))
    def sender(self, post):
        if post.origin == Post.Origin.EMAIL:
            return post.sender_email
        return post.mailing_list.address or "-"

    @admin.display(description=_("progress"))
    def progress(self, post):
        if post.status not in (Post.Status.SENDING, Post.Status.SENT):
            return "-"
        return gettext("%(sent)s of %(total)s sent, %(failed)s failed") % {
            "sent": post.sent_count,
            "total": post.recipient_count,
            "failed": post.failed_count + post.interrupted_count,
        }

    @admin.display(description=_("waiting"))
    def queued(self, post):
        return post.queued_count

    @admin.display(description=_("each recipient"))
    def deliveries_link(self, post):
        if post.status not in (Post.Status.SENDING, Post.Status.SENT):
            return "-"
        url = reverse("admin:mailinglists_delivery_changelist") + f"?post={post.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Deliveries of this post"))

    def get_urls(self):
        def view(function, suffix):
            return path(
                f"<int:pk>/{suffix}/",
                self.admin_site.admin_view(function),
                name=f"mailinglists_post_{suffix.replace('/', '_')}",
            )

        return [
            view(self.preview_view, "preview"),
            view(self.preview_html_view, "preview/html"),
            view(self.send_view, "send"),
            view(self.moderate_view, "moderate"),
            *super().get_urls(),
        ]

    def _post_for(self, request, pk, permission: str | None = None) -> Post:
        post = get_object_or_404(Post.objects.select_related("mailing_list"), pk=pk)
        if not self.has_view_permission(request, post) or (permission and not request.user.has_perm(permission)):
            raise PermissionDenied
        return post

    def _page(self, request, template: str, post: Post, title, **context):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "post": post,
            **context,
        }
        return TemplateResponse(request, f"admin/mailinglists/post/{template}", context)

    def _preview_message(self, request, post: Post):
        language = request.GET.get("language")
        if language not in dict(Customer.Language.choices):
            language = request.user.language
        # The staff member stands in for the subscriber: their address, a link of the right form.
        stand_in = Subscription(customer=request.user, mailing_list=post.mailing_list)
        return delivery.build_post_message(post, stand_in, language=language), language

    def preview_view(self, request, pk):
        """The post as a subscriber gets it: headers, text with the footer, and the HTML."""
        post = self._post_for(request, pk)
        message, language = self._preview_message(request, post)
        headers = [
            (gettext("From"), message.from_email),
            (gettext("Reply-To"), ", ".join(message.reply_to)),
            (gettext("To"), ", ".join(message.to)),
            (gettext("Subject"), message.subject),
            *sorted(message.extra_headers.items()),
        ]
        return self._page(
            request,
            "preview.html",
            post,
            _("Preview: %(subject)s") % {"subject": post.subject},
            headers=[(name, value) for name, value in headers if value],
            body=message.body,
            has_html=bool(message.alternatives),
            language=language,
            languages=Customer.Language.choices,
        )

    def preview_html_view(self, request, pk):
        """The HTML version alone, in a sandbox: no script runs and nothing loads but images,
        as in a careful mail program."""
        post = self._post_for(request, pk)
        message, _language = self._preview_message(request, post)
        if not message.alternatives:
            return redirect("admin:mailinglists_post_preview", pk)
        response = HttpResponse(message.alternatives[0][0], content_type="text/html; charset=utf-8")
        # Set here, so the site's policy is not: the post's own styles apply, scripts never.
        response["Content-Security-Policy"] = (
            "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; frame-ancestors 'none'"
        )
        return response

    def send_view(self, request, pk):
        post = self._post_for(request, pk, SEND_PERMISSION)
        if post.status != Post.Status.DRAFT:
            messages.warning(request, gettext("This post is no longer a draft: it was sent already."))
            return redirect("admin:mailinglists_post_change", pk)
        if request.method == "POST":
            try:
                services.post_send(post=post, actor=request.user)
            except ValidationError as error:
                messages.error(request, error.messages[0])
            else:
                messages.success(request, gettext("Sending started. This page shows how far it got."))
            return redirect("admin:mailinglists_post_change", pk)
        return self._page(
            request,
            "send.html",
            post,
            _("Send this post"),
            subscriber_count=post.mailing_list.subscriptions.active().count(),
        )

    def moderate_view(self, request, pk):
        post = self._post_for(request, pk, MODERATE_PERMISSION)
        if post.status != Post.Status.HELD:
            messages.warning(request, gettext("This post is no longer held for moderation."))
            return redirect("admin:mailinglists_post_change", pk)
        form = ModerationForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            action, note = form.cleaned_data["action"], form.cleaned_data["note"]
            try:
                if action == ModerationForm.APPROVE:
                    services.post_approve(post=post, actor=request.user)
                else:
                    services.post_reject(
                        post=post, actor=request.user, note=note, notify=action == ModerationForm.REJECT
                    )
            except ValidationError as error:
                messages.error(request, error.messages[0])
            else:
                messages.success(request, _moderation_message(action))
            return redirect("admin:mailinglists_post_change", pk)
        return self._page(request, "moderate.html", post, _("Moderate this post"), form=form)


def _moderation_message(action: str) -> str:
    if action == ModerationForm.APPROVE:
        return gettext("The post is approved and goes out to the list.")
    if action == ModerationForm.REJECT:
        return gettext("The post is rejected; its sender is told.")
    return gettext("The post is discarded.")


@admin.register(Delivery)
class DeliveryAdmin(StaffAccessAuditMixin, CustomerNumberSearchMixin, admin.ModelAdmin):
    """Each recipient of each post: read only, and each opening is in the customer's history."""

    list_display = ["formatted_number", "customer_email", "post", "status", "attempts", "sent_at", "outcome"]
    list_filter = ["status", "outcome"]
    list_select_related = ["subscription__customer", "post"]
    search_fields = ["subscription__customer__email__istartswith"]
    search_help_text = _("A customer number (spaces allowed) or the start of an email address.")
    customer_path = "subscription__customer"
    ordering = ["-pk"]
    fields = [
        "post",
        "subscription",
        "status",
        "attempts",
        "claimed_at",
        "sent_at",
        "failure_reason",
        "outcome",
        "outcome_at",
    ]
    readonly_fields = fields

    def customer_of(self, obj):
        return obj.subscription.customer

    @admin.display(description=_("customer number"), ordering="subscription__customer__customer_number")
    def formatted_number(self, delivery):
        return delivery.subscription.customer.formatted_number

    @admin.display(description=_("email address"), ordering="subscription__customer__email")
    def customer_email(self, delivery):
        return delivery.subscription.customer.email

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
