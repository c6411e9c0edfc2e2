import re

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.db.models.functions import Reverse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.admin import CustomerNumberSearchMixin, StaffAccessAuditMixin
from registrations import services
from registrations.models import (
    CONFIGURATION_FIELDS,
    Configuration,
    Disclosure,
    Partner,
    Product,
    Registration,
    normalize_serial,
    serial_letters_and_digits,
)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "version",
        "edition",
        "release_date",
        "support_days",
        "serial_example",
        "open_for_registration",
    ]
    list_filter = ["open_for_registration", "version"]
    search_fields = ["name", "edition", "version"]


class SupportStatusFilter(admin.SimpleListFilter):
    title = _("support")
    parameter_name = "support"

    def lookups(self, request, model_admin):
        return [("active", _("Active")), ("expired", _("Ended"))]

    def queryset(self, request, queryset):
        # Computed in SQL (purchase date + the product's days), so it works on any number of rows.
        if self.value() == "active":
            return queryset.support_active(timezone.localdate())
        if self.value() == "expired":
            return queryset.support_expired(timezone.localdate())
        return queryset


class ConfigurationInline(admin.StackedInline):
    model = Configuration
    can_delete = False
    max_num = 1
    extra = 0
    readonly_fields = ["devices_found", "updated_at"]

    @admin.display(description=_("devices found in the listing"))
    def devices_found(self, configuration):
        if not configuration.devices:
            return "—"
        return format_html_join(
            mark_safe("<br>"),
            "{} {}: {} {}",
            (
                (device["slot"], device["device_class"], device["vendor"], device["name"])
                for device in configuration.devices
            ),
        )


class DisclosureInline(admin.TabularInline):
    model = Disclosure
    fields = ["disclosed_at", "partner", "data_given", "reason", "recorded_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    @admin.display(description=_("data given"))
    def data_given(self, disclosure):
        return "; ".join(disclosure.data_display())

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


MIN_KEY_SEARCH = 6


@admin.register(Registration)
class RegistrationAdmin(StaffAccessAuditMixin, CustomerNumberSearchMixin, admin.ModelAdmin):
    list_display = [
        "serial",
        "product",
        "customer_number",
        "customer_email",
        "purchase_date",
        "support_until",
        "support_active",
    ]
    list_filter = ["product", SupportStatusFilter, "purchase_date"]
    # No date_hierarchy: its bar of years reads every row of the table on each page view;
    # the date filter beside the list narrows by period instead.
    list_select_related = ["product", "customer"]
    # Keys, customer numbers and products are searched by search_matches below.
    search_fields = ["customer__email__istartswith"]
    search_help_text = _(
        "A registration key (or at least its first or last six characters), a customer number (with or "
        "without spaces), the start of an email address, or a product."
    )
    raw_id_fields = ["customer"]
    readonly_fields = ["registered_at", "record_disclosure_link"]
    inlines = [ConfigurationInline, DisclosureInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_support_end()

    def search_matches(self, request, term):
        registrations = Registration.objects.all()
        by_product = registrations.filter(
            Q(product__name__icontains=term) | Q(product__edition__icontains=term) | Q(product__version=term)
        )
        # Keys are found by their letters and digits, whatever separators were typed, or
        # none, from their start or their end: "mdk aaaa", "MDKAAAABBBB" and "bbbb-cccc" all
        # find MDK-AAAA-BBBB-CCCC (each through an index; a fragment from the middle would
        # need a scan of every key). Fewer characters would match a good share of all keys.
        letters_and_digits = re.sub(r"[^A-Z0-9]+", "", normalize_serial(term))
        if len(letters_and_digits) < MIN_KEY_SEARCH:
            return [*super().search_matches(request, term), by_product]
        by_start = registrations.alias(key=serial_letters_and_digits()).filter(key__startswith=letters_and_digits)
        by_end = registrations.alias(key_backwards=Reverse(serial_letters_and_digits())).filter(
            key_backwards__startswith=letters_and_digits[::-1]
        )
        return [*super().search_matches(request, term), by_product, by_start, by_end]

    @admin.display(description=_("customer number"), ordering="customer__customer_number")
    def customer_number(self, registration):
        return registration.customer.formatted_number

    @admin.display(description=_("email address"), ordering="customer__email")
    def customer_email(self, registration):
        return registration.customer.email

    @admin.display(description=_("support until"), ordering="support_end")
    def support_until(self, registration):
        return registration.support_end

    @admin.display(description=_("support active"), boolean=True)
    def support_active(self, registration):
        return registration.support_end >= timezone.localdate()

    @admin.display(description=_("disclosure"))
    def record_disclosure_link(self, registration):
        if registration.pk is None:
            return "—"
        url = reverse("admin:registrations_disclosure_add") + f"?registration={registration.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Record a disclosure of this registration to a partner"))

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("registrations.record_disclosure"):
            fields.remove("record_disclosure_link")
        return fields

    def save_model(self, request, obj, form, change):
        # The history lists the fields whose saved value changed, compared with the database
        # rather than with what the form guessed, so that it never names an untouched field.
        before = Registration.objects.filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)
        services.registration_saved_by_staff(
            registration=obj, staff=request.user, created=not change, changed_fields=_changed(before, obj, form.fields)
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Configuration:
            super().save_formset(request, form, formset, change)
            return
        before = Configuration.objects.filter(registration=form.instance).first()
        super().save_formset(request, form, formset, change)
        after = Configuration.objects.filter(registration=form.instance).first()
        if after is not None:
            services.configuration_saved_by_staff(
                registration=form.instance,
                staff=request.user,
                changed_fields=_changed(before, after, CONFIGURATION_FIELDS),
            )

    def delete_model(self, request, obj):
        services.registration_delete(registration=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for registration in queryset:
            services.registration_delete(registration=registration, actor=request.user)


def _changed(before, after, names) -> list[str]:
    if before is None:
        return [name for name in names if getattr(after, name, None) not in (None, "", [])]
    return [name for name in names if getattr(before, name) != getattr(after, name)]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "contact_name", "contact_email"]
    list_filter = ["country"]
    search_fields = ["name", "contact_name", "contact_email"]


class DisclosureForm(forms.ModelForm):
    # Django's autocomplete box for the registration is a select without the empty first
    # option that HTML asks of a required one. The admin sends its forms with novalidate, so
    # the attribute does nothing here: without it the page is valid; the form still
    # refuses a disclosure without a registration.
    use_required_attribute = False

    data = forms.MultipleChoiceField(
        label=_("data given"),
        choices=Disclosure.Data.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only what the partner needs for the service."),
    )

    class Meta:
        model = Disclosure
        fields = ["registration", "partner", "data", "reason", "disclosed_at"]


@admin.register(Disclosure)
class DisclosureAdmin(StaffAccessAuditMixin, CustomerNumberSearchMixin, admin.ModelAdmin):
    """Staff with the record_disclosure permission add disclosures; nobody changes or
    deletes them, so that the record stays what it was."""

    form = DisclosureForm
    list_display = ["disclosed_at", "partner", "product", "customer_number", "recorded_by"]
    list_filter = ["partner", "product"]
    list_select_related = ["partner", "product", "customer", "recorded_by"]
    autocomplete_fields = ["registration"]
    search_fields = ["customer__email__istartswith", "partner__name"]
    date_hierarchy = "disclosed_at"

    @admin.display(description=_("customer number"), ordering="customer__customer_number")
    def customer_number(self, disclosure):
        return disclosure.customer.formatted_number if disclosure.customer else _("(account deleted)")

    @admin.display(description=_("data given"))
    def data_given(self, disclosure):
        return "; ".join(disclosure.data_display())

    def get_fields(self, request, obj=None):
        if obj is None:
            return DisclosureForm.Meta.fields
        return [
            "customer_number",
            "registration",
            "product",
            "partner",
            "data_given",
            "reason",
            "disclosed_at",
            "recorded_by",
            "recorded_at",
        ]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def has_add_permission(self, request):
        return request.user.has_perm("registrations.record_disclosure")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.disclosure_record(disclosure=obj, recorded_by=request.user)
