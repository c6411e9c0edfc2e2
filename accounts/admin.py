import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import customer_numbers, deletion, export, services
from accounts.forms import PasswordFieldsMixin, email_taken_message, password_fields
from accounts.models import AccountEvent, Customer, DataExport, IssuedCustomerNumber, PrivacyRequest
from mandrakeonline.admin_lists import BigTableAdminMixin, EstimatedCountPaginator
from mandrakeonline.card_numbers import reject_card_numbers


class CustomerChangeForm(UserChangeForm):
    class Meta:
        model = Customer
        fields = "__all__"


class CustomerCreationForm(PasswordFieldsMixin, forms.ModelForm):
    password1, password2 = password_fields()

    class Meta:
        model = Customer
        fields = ["email", "first_name", "last_name", "language"]

    def clean_email(self):
        email = Customer.objects.normalize_email(self.cleaned_data["email"].strip())
        if Customer.objects.with_email(email).exists():
            raise ValidationError(email_taken_message(), code="email_taken")
        return email

    def save(self, commit=True):
        customer = super().save(commit=False)
        customer.customer_number = IssuedCustomerNumber.issue()
        customer.set_password(self.cleaned_data["password1"])
        if commit:
            customer.save()
        return customer


class StaffRequestForm(forms.Form):
    """A request by letter, phone or email, answered by staff through the same code as online."""

    channel = forms.ChoiceField(
        label=_("Received"),
        choices=[c for c in PrivacyRequest.Channel.choices if c[0] != PrivacyRequest.Channel.ONLINE],
    )
    received_on = forms.DateField(label=_("Received on"), initial=datetime.date.today)
    notes = forms.CharField(
        label=_("Notes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        validators=[reject_card_numbers],
        help_text=_("What was asked and how you checked it was the customer. No other personal details."),
    )

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise ValidationError(_("A request cannot be received in the future."), code="future")
        return received_on


class StaffDeleteForm(StaffRequestForm):
    confirm = forms.BooleanField(label=_("I checked that the request comes from this customer."))


class StaffAccessAuditMixin:
    """Records every opening of a customer's record by staff in that customer's history,
    which the customer sees as "who accessed or changed my data"."""

    def customer_of(self, obj) -> Customer | None:
        return getattr(obj, "customer", None)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, object_id)
            customer = self.customer_of(obj) if obj is not None else None
            if customer is not None:
                services.customer_record_viewed(customer=customer, staff=request.user)
        return response


class CustomerNumberSearchMixin(BigTableAdminMixin):
    """For the admin of records that belong to a customer: besides the search fields, the
    search finds a record by its customer's number, typed with or without spaces or dashes
    ("4821 0937 5", "4821-0937-5") or as its first digits."""

    # The lookup from the model to its customer.
    customer_path = "customer"

    def search_matches(self, request, term):
        number = customer_numbers.normalize(term)
        if not (number.isascii() and number.isdigit()):
            return super().search_matches(request, term)
        by_number = self.model._default_manager.filter(**{f"{self.customer_path}__customer_number__startswith": number})
        return [*super().search_matches(request, term), by_number]


@admin.register(Customer)
class CustomerAdmin(StaffAccessAuditMixin, UserAdmin):
    change_form_template = "admin/accounts/customer/change_form.html"
    form = CustomerChangeForm
    add_form = CustomerCreationForm
    ordering = ["-date_joined"]
    list_display = [
        "formatted_number",
        "email",
        "first_name",
        "last_name",
        "country_name",
        "email_verified",
        "is_staff",
    ]
    list_filter = ["is_staff", "is_active", "language"]
    # Starts of words, each served by an index (Customer.Meta.indexes); a customer number is
    # found by get_search_results. "Contains" would read every customer.
    search_fields = ["email__istartswith", "last_name__istartswith", "first_name__istartswith"]
    search_help_text = _(
        "A customer number (with or without spaces, or its first digits), or the start of an email address, "
        "a last name or a first name."
    )
    readonly_fields = [
        "customer_number",
        "date_joined",
        "last_login",
        "email_verified_at",
    ]
    # The full COUNT(*) of a large customer table is slow and rarely useful.
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    # No bulk actions, so no "delete selected": an account is deleted only through "Delete
    # account" (accounts/deletion.py), which retires the number and keeps what the law
    # requires. (A checkbox per row was also a third of the list's rendering time.)
    actions = None
    fieldsets = [
        (None, {"fields": ["customer_number", "password"]}),
        (
            _("Identity and contact"),
            {
                "fields": [
                    "first_name",
                    "last_name",
                    "email",
                    "email_verified_at",
                    "pending_email",
                    "language",
                ]
            },
        ),
        (
            _("Postal address"),
            {
                "fields": [
                    "address_line1",
                    "address_line2",
                    "postal_code",
                    "city",
                    "region",
                    "country",
                ]
            },
        ),
        (
            _("Permissions"),
            {
                "fields": [
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ]
            },
        ),
        (_("Dates"), {"fields": ["date_joined", "last_login"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "fields": [
                    "email",
                    "first_name",
                    "last_name",
                    "language",
                    "password1",
                    "password2",
                ]
            },
        ),
    ]

    def customer_of(self, obj):
        return obj

    def get_urls(self):
        own = [
            path(
                "<int:customer_id>/export-data/",
                self.admin_site.admin_view(self.export_data_view),
                name="accounts_customer_export_data",
            ),
            path(
                "<int:customer_id>/delete-account/",
                self.admin_site.admin_view(self.delete_account_view),
                name="accounts_customer_delete_account",
            ),
        ]
        return own + super().get_urls()

    def _customer_for(self, request, customer_id, permission):
        if not request.user.has_perm(f"accounts.{permission}"):
            raise PermissionDenied
        return get_object_or_404(Customer, pk=customer_id)

    def export_data_view(self, request, customer_id):
        customer = self._customer_for(request, customer_id, "export_customer_data")
        form = StaffRequestForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                data_export = services.data_export_request(customer=customer, actor=request.user)
            except services.ExportAlreadyRunning:
                messages.warning(request, _("An export of this customer's data is already being prepared."))
                return redirect("admin:accounts_dataexport_changelist")
            services.privacy_request_record(
                customer=customer, kind=PrivacyRequest.Kind.EXPORT, staff=request.user, **form.cleaned_data
            )
            messages.success(request, _("The export is being prepared; download it from the list of exports."))
            return redirect("admin:accounts_dataexport_change", data_export.pk)
        return self._request_page(request, customer, form, _("Export this customer's data"))

    def delete_account_view(self, request, customer_id):
        customer = self._customer_for(request, customer_id, "delete_customer_account")
        form = StaffDeleteForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            number = customer.formatted_number
            deletion.account_delete(
                customer=customer,
                actor=request.user,
                channel=form.cleaned_data["channel"],
                notes=form.cleaned_data["notes"],
                received_on=form.cleaned_data["received_on"],
            )
            messages.success(request, _("The account %(number)s is deleted.") % {"number": number})
            return redirect("admin:accounts_privacyrequest_changelist")
        return self._request_page(
            request, customer, form, _("Delete this customer's account"), preview=deletion.deletion_preview(customer)
        )

    def _request_page(self, request, customer, form, title, preview=None):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "customer": customer,
            "form": form,
            "preview": preview,
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/accounts/customer/staff_request.html", context)

    @admin.display(description=_("customer number"), ordering="customer_number")
    def formatted_number(self, customer):
        return customer.formatted_number

    # Not the field itself: the admin would look each row's country up among every
    # country's translated name (two hundred and fifty of them, on each of a hundred rows).
    @admin.display(description=_("country"), ordering="country")
    def country_name(self, customer):
        return customer.country.name

    @admin.display(description=_("email verified"), boolean=True)
    def email_verified(self, customer):
        return customer.email_verified

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            # The customer's history names the staff member who corrected their data.
            services.customer_corrected_by_staff(customer=obj, staff=request.user, changed_fields=form.changed_data)

    def get_search_results(self, request, queryset, search_term):
        # "4821 0937 5", "4821-0937-5", "482109375" and its first digits "4821 09" find the
        # customer 482109375.
        number = customer_numbers.normalize(search_term)
        if number.isascii() and number.isdigit():
            return queryset.filter(customer_number__startswith=number), False
        return super().get_search_results(request, queryset, search_term)


class OverdueFilter(admin.SimpleListFilter):
    title = _("answer")
    parameter_name = "answer"

    def lookups(self, request, model_admin):
        return [("open", _("Not answered yet")), ("overdue", _("Overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(completed_at__isnull=True)
        if self.value() == "overdue":
            return queryset.filter(completed_at__isnull=True, due_on__lt=timezone.localdate())
        return queryset


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(admin.ModelAdmin):
    list_display = ["formatted_number", "kind", "channel", "received_on", "due_on", "completed_at", "handled_by"]
    list_filter = [OverdueFilter, "kind", "channel"]
    search_fields = ["customer_number"]
    readonly_fields = ["due_on", "handled_by"]
    list_select_related = ["handled_by"]
    date_hierarchy = "received_on"

    @admin.display(description=_("customer number"), ordering="customer_number")
    def formatted_number(self, request_log):
        return customer_numbers.format_number(request_log.customer_number)

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, customer_numbers.normalize(search_term))

    def save_model(self, request, obj, form, change):
        if obj.handled_by_id is None:
            obj.handled_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(DataExport)
class DataExportAdmin(admin.ModelAdmin):
    list_display = ["customer", "status", "requested_at", "expires_at", "download_link"]
    list_filter = ["status"]
    list_select_related = ["customer"]
    search_fields = ["customer__customer_number"]
    fields = ["customer", "status", "requested_at", "finished_at", "expires_at", "size", "download_link"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        download = path(
            "<int:export_id>/download/",
            self.admin_site.admin_view(self.download_view),
            name="accounts_dataexport_download",
        )
        return [download, *super().get_urls()]

    @admin.display(description=_("file"))
    def download_link(self, data_export):
        if not data_export.is_downloadable:
            return "—"
        url = reverse("admin:accounts_dataexport_download", args=[data_export.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download"))

    def download_view(self, request, export_id):
        if not request.user.has_perm("accounts.export_customer_data"):
            raise PermissionDenied
        data_export = get_object_or_404(DataExport.objects.select_related("customer"), pk=export_id)
        if not data_export.is_downloadable:
            raise Http404
        filename = f"mandrakeonline-{data_export.customer.customer_number}-{data_export.finished_at:%Y%m%d}.zip"
        return FileResponse(export.export_path(data_export).open("rb"), as_attachment=True, filename=filename)


class ReadOnlyAdminMixin:
    """Trails are read, never written by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccountEvent)
class AccountEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit trail of every account: what changed (never the values), who did it, and
    each opening of a customer's record by staff."""

    list_display = ["created_at", "customer", "kind", "changed_field_list", "actor"]
    list_filter = ["kind"]
    list_select_related = ["customer", "actor"]
    search_fields = ["customer__customer_number", "actor__customer_number"]
    search_help_text = _("A customer number (spaces allowed), of the customer or of the staff member who acted.")
    date_hierarchy = "created_at"
    fields = ["created_at", "customer", "kind", "changed_field_list", "actor"]
    readonly_fields = fields
    show_full_result_count = False

    @admin.display(description=_("fields changed"))
    def changed_field_list(self, event):
        return ", ".join(event.changed_field_labels()) or "—"

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, customer_numbers.normalize(search_term))


@admin.register(LogEntry)
class StaffActionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What staff did in the admin (Django's own log of additions, changes and deletions)."""

    list_display = ["action_time", "user", "content_type", "object_repr", "action_flag", "change_message"]
    list_filter = ["action_flag", "content_type"]
    list_select_related = ["user", "content_type"]
    search_fields = ["user__customer_number", "object_repr"]
    date_hierarchy = "action_time"


@admin.register(TOTPDevice)
class AuthenticatorAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who has two-factor authentication, never the secrets. A superuser can turn it off
    for someone who lost both their phone and their recovery codes, once they proved who
    they are; that is recorded and the customer is told, as when they do it themselves."""

    list_display = ["user", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    list_select_related = ["user"]
    search_fields = ["user__customer_number"]
    fields = ["user", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields
    actions = ["turn_off"]

    def has_turn_off_permission(self, request):
        return request.user.is_superuser

    @admin.action(description=_("Turn off two-factor authentication for these customers"), permissions=["turn_off"])
    def turn_off(self, request, queryset):
        customers = Customer.objects.filter(pk__in=queryset.values("user"))
        for customer in customers:
            services.two_factor_disable(customer=customer, actor=request.user)
        self.message_user(
            request, gettext("Two-factor authentication turned off: %(count)d.") % {"count": len(customers)}
        )


@admin.register(StaticDevice)
class RecoveryCodesAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """How many recovery codes each account has left, never the codes."""

    list_display = ["user", "codes_left", "created_at", "last_used_at"]
    list_select_related = ["user"]
    search_fields = ["user__customer_number"]
    fields = ["user", "codes_left", "created_at", "last_used_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(codes_left_count=Count("token_set"))

    @admin.display(description=_("recovery codes left"), ordering="codes_left_count")
    def codes_left(self, device):
        return device.codes_left_count
