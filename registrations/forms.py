from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mandrakeonline.card_numbers import reject_card_numbers
from registrations import hardware, lspci
from registrations.models import CONFIGURATION_FIELDS, Configuration, Product, Registration, normalize_serial

REGISTRATION_FIELDS = [
    "product",
    "serial",
    "purchase_date",
    "place_of_purchase",
    "support_contact_name",
    "support_contact_email",
    "support_contact_phone",
]


class RegistrationForm(forms.ModelForm):
    """Register a product, or correct a registration. The model's clean() checks the key
    against the product's format and the purchase date against its release."""

    class Meta:
        model = Registration
        fields = REGISTRATION_FIELDS
        widgets = {
            "serial": forms.TextInput(
                attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
            ),
            "purchase_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            # Someone else's details, possibly: the browser must not fill in the customer's own.
            "support_contact_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "support_contact_email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "support_contact_phone": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        products = Product.objects.open_for_registration()
        if self.instance.product_id:
            # A registration of a product no longer offered can still be corrected.
            products = Product.objects.filter(Q(open_for_registration=True) | Q(pk=self.instance.product_id))
        self.fields["product"].queryset = products
        self.fields["product"].empty_label = _("Choose the product you bought")

    def clean_serial(self):
        return normalize_serial(self.cleaned_data["serial"])


class ConfigurationForm(forms.ModelForm):
    MIB, GIB = "MiB", "GiB"

    memory_amount = forms.DecimalField(
        label=_("Memory (RAM)"),
        required=False,
        min_value=0,
        max_digits=9,
        decimal_places=2,
        help_text=_("As the BIOS or the command free shows it, e.g. 256 MiB or 2 GiB."),
    )
    memory_unit = forms.ChoiceField(label=_("Memory unit"), choices=[(MIB, "MiB"), (GIB, "GiB")], initial=MIB)
    disks = forms.CharField(
        label=_("Disks"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    other_systems = forms.MultipleChoiceField(
        label=_("Other operating systems on the computer"),
        required=False,
        choices=Configuration.OtherSystem.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Configuration
        fields = [name for name in CONFIGURATION_FIELDS if name != "memory_mib"]
        widgets = {
            "hardware_listing": forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "class": "font-monospace"}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    field_order = [
        "architecture",
        "processor",
        "processor_mhz",
        "memory_amount",
        "memory_unit",
        "disks",
        "graphics_card",
        "sound_card",
        "network_card",
        "printer",
        "other_systems",
        "bootloader",
        "kernel_version",
        "hardware_listing",
        "notes",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted here, in the language of the request, not once when the module loads.
        self.fields["disks"].help_text = gettext(
            "One disk per line: its size and unit, then what it is, e.g. “%(example)s”."
        ) % {"example": hardware.DISK_EXAMPLE}
        self.fields["architecture"].choices = [("", _("Not known")), *Configuration.Architecture.choices]
        self.fields["bootloader"].choices = [("", _("Not known")), *Configuration.Bootloader.choices]
        if not self.is_bound:
            self.initial["disks"] = hardware.disks_as_text(self.instance.disks)
            mib = self.instance.memory_mib
            if mib:
                in_gib = mib % hardware.MIB_PER_GIB == 0
                self.initial["memory_amount"] = mib // hardware.MIB_PER_GIB if in_gib else mib
                self.initial["memory_unit"] = self.GIB if in_gib else self.MIB

    def clean_disks(self):
        text = self.cleaned_data["disks"]
        reject_card_numbers(text)
        return hardware.parse_disks(text)

    def clean_hardware_listing(self):
        listing = self.cleaned_data["hardware_listing"]
        if listing.strip() and not lspci.parse(listing):
            raise ValidationError(
                _("We found no device in this listing. Paste what the command lspci prints, or leave the box empty."),
                code="no_devices",
            )
        return listing

    def clean(self):
        cleaned_data = super().clean()
        amount = cleaned_data.get("memory_amount")
        cleaned_data["memory_mib"] = None
        if amount is not None:
            factor = hardware.MIB_PER_GIB if cleaned_data.get("memory_unit") == self.GIB else 1
            mib = int((amount * factor).to_integral_value())
            if not hardware.MIN_MEMORY_MIB <= mib <= hardware.MAX_MEMORY_MIB:
                self.add_error(
                    "memory_amount",
                    ValidationError(
                        _("Enter between %(min)s MiB and %(max)s GiB."),
                        code="memory_bounds",
                        params={
                            "min": hardware.MIN_MEMORY_MIB,
                            "max": number_format(hardware.MAX_MEMORY_MIB // hardware.MIB_PER_GIB, force_grouping=True),
                        },
                    ),
                )
            else:
                cleaned_data["memory_mib"] = mib
        return cleaned_data

    def values(self) -> dict:
        """Every configuration field with its cleaned value, for the service."""
        return {name: self.cleaned_data[name] for name in CONFIGURATION_FIELDS}
