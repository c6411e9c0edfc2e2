import re

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from accounts import customer_numbers
from accounts.admin import StaffAccessAuditMixin
from registrations import services
from registrations.models import (
    CONFIGURATION_FIELDS,
    MAX_SERIAL_LENGTH,
    Configuration,
    Disclosure,
    Partner,
    Product,
    Registration,
    normalize_serial,
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


@admin.register(Registration)
class RegistrationAdmin(StaffAccessAuditMixin, admin.ModelAdmin):
    list_display = [
        "serial",
        "product",
        "customer_number",
        "customer_email",
        "purchase_date",
        "support_until",
        "support_active",
    ]
    list_filter = ["product", SupportStatusFilter]
    list_select_related = ["product", "customer"]
    # Searched by get_search_results below; listed so that the admin shows the search box
    # and the disclosure form can look registrations up by key.
    search_fields = ["serial", "customer__email"]
    search_help_text = _(
        "A registration key, a customer number (with or without spaces), an email address or a product."
    )
    raw_id_fields = ["customer"]
    readonly_fields = ["registered_at", "record_disclosure_link"]
    inlines = [ConfigurationInline, DisclosureInline]
    date_hierarchy = "purchase_date"
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).with_support_end()

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        matches = (
            _serial_matches(term)
            | Q(customer__email__iexact=term)
            | Q(product__name__icontains=term)
            | Q(product__edition__icontains=term)
            | Q(product__version=term)
        )
        number = customer_numbers.normalize(term)
        if number.isdigit():
            # "4821 0937 5", "4821-0937-5" and "482109375" find the same customer.
            matches |= Q(customer__customer_number__startswith=number)
        return queryset.filter(matches), False

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


def _serial_matches(term: str) -> Q:
    # Keys are found whatever separators were typed, or none: "mdk aaaa bbbb" and
    # "MDKAAAABBBB" both find MDK-AAAA-BBBB-CCCC.
    characters = [character for character in normalize_serial(term) if character.isalnum()][:MAX_SERIAL_LENGTH]
    if not characters:
        return Q(pk__in=[])
    return Q(serial__regex="[^A-Z0-9]*".join(re.escape(character) for character in characters))


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
class DisclosureAdmin(StaffAccessAuditMixin, admin.ModelAdmin):
    """Staff with the record_disclosure permission add disclosures; nobody changes or
    deletes them, so that the record stays what it was."""

    form = DisclosureForm
    list_display = ["disclosed_at", "partner", "product", "customer_number", "recorded_by"]
    list_filter = ["partner", "product"]
    list_select_related = ["partner", "product", "customer", "recorded_by"]
    autocomplete_fields = ["registration"]
    search_fields = ["customer__customer_number", "customer__email", "partner__name"]
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
