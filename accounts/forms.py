from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import customer_numbers, two_factor
from accounts.models import Customer, MarketingProfile
from accounts.services import customer_request_password_reset
from mandrakeonline.card_numbers import reject_card_numbers

ADDRESS_FIELDS = [
    "address_line1",
    "address_line2",
    "postal_code",
    "city",
    "region",
    "country",
]


class CustomerNumberField(forms.CharField):
    """A customer number typed with or without spaces, dashes or dots."""

    default_error_messages = {
        "invalid_number": _("This is not a valid customer number. Check the nine digits and try again."),
    }

    TYPED_MAX_LENGTH = 20

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Customer number"))
        kwargs.setdefault("max_length", self.TYPED_MAX_LENGTH)
        kwargs.setdefault(
            "help_text",
            _("The nine digits we gave you when you created your account, e.g. 4821 0937 5."),
        )
        widget = forms.TextInput(
            attrs={
                "autocomplete": "username",
                "inputmode": "numeric",
                "spellcheck": "false",
            }
        )
        kwargs.setdefault("widget", widget)
        super().__init__(**kwargs)

    def clean(self, value):
        number = customer_numbers.normalize(super().clean(value))
        if not customer_numbers.is_valid(number):
            raise ValidationError(self.error_messages["invalid_number"], code="invalid_number")
        return number


class LoginForm(AuthenticationForm):
    username = CustomerNumberField()

    error_messages = {
        # One message whether or not the number exists, so the form cannot be used to probe.
        "invalid_login": _("The customer number or the password is wrong. Check both and try again."),
        "inactive": _("The customer number or the password is wrong. Check both and try again."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        # AuthenticationForm limits the field to the stored number's nine digits, which
        # would cut "4821 0937 5" short in the browser; spaces and dashes must fit.
        username.max_length = CustomerNumberField.TYPED_MAX_LENGTH
        username.widget.attrs.update(maxlength=str(CustomerNumberField.TYPED_MAX_LENGTH), autofocus=True)


def password_fields() -> tuple[forms.CharField, forms.CharField]:
    """A new password and its repetition, declared in a form's body as ``password1, password2``."""
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    return password1, password2


class PasswordFieldsMixin:
    """Checks password2 against password1; the form declares both with password_fields()."""

    error_messages = {"password_mismatch": _("The two passwords are not the same.")}

    def clean_password2(self):
        password1 = self.cleaned_data.get("password1")
        password2 = self.cleaned_data.get("password2")
        if password1 and password2 and password1 != password2:
            raise ValidationError(self.error_messages["password_mismatch"], code="password_mismatch")
        return password2


def clean_address(cleaned_data: dict) -> None:
    """An address is optional, but a partial one cannot carry a parcel."""
    if not any(cleaned_data.get(name) for name in ADDRESS_FIELDS):
        return
    required = {
        "address_line1": _("Enter the street and number."),
        "city": _("Enter the city."),
        "country": _("Choose the country."),
    }
    errors = {name: message for name, message in required.items() if not cleaned_data.get(name)}
    if errors:
        raise ValidationError({name: ValidationError(message, code="required") for name, message in errors.items()})


class SignUpForm(PasswordFieldsMixin, forms.ModelForm):
    # Not a model field of the form: the model's unique constraint would turn an address
    # that has an account into a form error. Whether it has one is never said here (the
    # service tells its owner by email instead), so that sign-up cannot probe addresses.
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        validators=[reject_card_numbers],
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1, password2 = password_fields()

    field_order = ["email"]

    class Meta:
        model = Customer
        fields = ["first_name", "last_name", "language", *ADDRESS_FIELDS]
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "address_line1": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "address_line2": forms.TextInput(attrs={"autocomplete": "address-line2"}),
            "postal_code": forms.TextInput(attrs={"autocomplete": "postal-code"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "region": forms.TextInput(attrs={"autocomplete": "address-level1"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].widget.attrs["autocomplete"] = "country"

    def clean_email(self):
        return Customer.objects.normalize_email(self.cleaned_data["email"].strip())

    def clean(self):
        cleaned_data = super().clean()
        clean_address(cleaned_data)
        password = cleaned_data.get("password2")
        if password:
            # Check against the names and email just entered, not yet saved.
            candidate = Customer(
                email=cleaned_data.get("email", ""),
                first_name=cleaned_data.get("first_name", ""),
                last_name=cleaned_data.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned_data

    def account_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def email_taken_message():
    return _("An account already uses this email address. If it is yours, ask for your customer number instead.")


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Customer
        fields = ["first_name", "last_name", "language"]
        widgets = SignUpForm.Meta.widgets


class AddressForm(forms.ModelForm):
    class Meta:
        model = Customer
        fields = ADDRESS_FIELDS
        widgets = SignUpForm.Meta.widgets

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].widget.attrs["autocomplete"] = "country"

    def clean(self):
        cleaned_data = super().clean()
        clean_address(cleaned_data)
        return cleaned_data


class EmailChangeForm(forms.Form):
    new_email = forms.EmailField(
        label=_("New email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, customer: Customer, *args, **kwargs):
        self.customer = customer
        super().__init__(*args, **kwargs)

    def clean_new_email(self):
        email = Customer.objects.normalize_email(self.cleaned_data["new_email"].strip())
        if email.lower() == self.customer.email.lower():
            raise ValidationError(_("This is already your email address."), code="same_email")
        return email


class ForgotNumberForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        help_text=_("The address your account uses. We will send your customer number to it."),
    )


class PasswordResetRequestForm(forms.Form):
    identifier = forms.CharField(
        label=_("Customer number or email address"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )

    def save(self, **kwargs):
        # Called by contrib.auth's PasswordResetView; the service queues the email.
        customer_request_password_reset(identifier=self.cleaned_data["identifier"].strip())


class PasswordConfirmForm(forms.Form):
    """Asks for the password again before an action that exposes or destroys data, or that
    changes how the account is reached (accounts/reauthentication.py)."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("We ask for it again so that nobody else can do this from a browser you left open."),
    )

    def __init__(self, customer: Customer, *args, **kwargs):
        self.customer = customer
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.customer.check_password(password):
            raise ValidationError(_("This is not your current password."), code="wrong_password")
        return password


class DeleteAccountForm(forms.Form):
    understood = forms.BooleanField(
        label=_("I understand that my account and its data will be erased for good, except what is listed as kept."),
    )


class MarketingProfileForm(forms.ModelForm):
    interests = forms.MultipleChoiceField(
        label=_("What interests you"),
        choices=MarketingProfile.Interest.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = MarketingProfile
        fields = ["usage", "interests", "organisation_size", "heard_from"]

    def clean(self):
        cleaned_data = super().clean()
        if not any(cleaned_data.get(name) for name in self.Meta.fields):
            raise ValidationError(
                _("Answer at least one question, or leave the questionnaire without saving."), code="empty"
            )
        return cleaned_data


class TwoFactorCodeForm(forms.Form):
    """The second step of a login: a code of the authenticator app, or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false", "autocapitalize": "off"}
        ),
        help_text=_("The six digits your authenticator app shows now, or one of your recovery codes."),
    )

    def __init__(self, customer: Customer, *args, **kwargs):
        self.customer = customer
        self.device = None
        super().__init__(*args, **kwargs)

    def clean_code(self):
        try:
            self.device = two_factor.matching_device(self.customer, self.cleaned_data["code"])
        except two_factor.CodeThrottled:
            raise ValidationError(
                _("Too many wrong codes in a row. Wait a minute, then try again."), code="throttled"
            ) from None
        if self.device is None:
            raise ValidationError(wrong_code_message(), code="wrong_code")
        return self.cleaned_data["code"]


def wrong_code_message():
    return _("This code is not right. Check it (codes change every 30 seconds) and try again.")


class TwoFactorSetupForm(forms.Form):
    code = forms.CharField(
        label=_("Code shown by the app"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}),
        help_text=_("Six digits. It proves that the app is set up right."),
    )
