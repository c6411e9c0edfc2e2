from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import customer_numbers, services
from accounts.forms import CustomerNumberField, PasswordFieldsMixin, email_taken_message, password_fields
from accounts.models import Customer, IssuedCustomerNumber


class AdminLoginForm(AdminAuthenticationForm):
    # Staff log in with their customer number too, typed however they like.
    username = CustomerNumberField()


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


admin.site.login_form = AdminLoginForm
admin.site.site_header = _("Mandrake Online staff")
admin.site.site_title = _("Mandrake Online staff")


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


@admin.register(Customer)
class CustomerAdmin(StaffAccessAuditMixin, UserAdmin):
    form = CustomerChangeForm
    add_form = CustomerCreationForm
    ordering = ["-date_joined"]
    list_display = [
        "formatted_number",
        "email",
        "first_name",
        "last_name",
        "country",
        "email_verified",
        "is_staff",
    ]
    list_filter = ["is_staff", "is_active", "language"]
    search_fields = ["customer_number", "email", "first_name", "last_name"]
    readonly_fields = [
        "customer_number",
        "date_joined",
        "last_login",
        "email_verified_at",
    ]
    # The full COUNT(*) of a large customer table is slow and rarely useful.
    show_full_result_count = False
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

    @admin.display(description=_("customer number"), ordering="customer_number")
    def formatted_number(self, customer):
        return customer.formatted_number

    @admin.display(description=_("email verified"), boolean=True)
    def email_verified(self, customer):
        return customer.email_verified

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            # The customer's history names the staff member who corrected their data.
            services.customer_corrected_by_staff(customer=obj, staff=request.user, changed_fields=form.changed_data)

    def get_search_results(self, request, queryset, search_term):
        # "4821 0937 5" and "4821-0937-5" find the customer 482109375.
        number = customer_numbers.normalize(search_term)
        if number.isdigit() and number != search_term.strip():
            return queryset.filter(customer_number__startswith=number), False
        return super().get_search_results(request, queryset, search_term)
