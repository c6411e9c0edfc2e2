import datetime
import re

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import OpClass
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Func, Value
from django.db.models.functions import Reverse, Upper
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from mandrakeonline.card_numbers import reject_card_numbers
from mandrakeonline.choices import ChoiceLabels
from registrations import hardware, lspci

MAX_SERIAL_LENGTH = 64


def normalize_serial(value: str) -> str:
    """A key as we store and compare it: capitals, no spaces, whatever the customer typed."""
    return "".join((value or "").split()).upper()


def serial_letters_and_digits() -> Func:
    """A key without its separators ("MDK-AB12-CD34" -> "MDKAB12CD34"), computed by the
    database (and indexed), so that staff find a key however they type it."""
    return Func(
        models.F("serial"),
        Value("[^A-Z0-9]+"),
        Value(""),
        Value("g"),
        function="REGEXP_REPLACE",
        output_field=models.TextField(),
    )


def validate_serial_pattern(value: str) -> None:
    try:
        re.compile(value)
    except re.error as error:
        raise ValidationError(
            _("This is not a valid regular expression: %(error)s.") % {"error": error}, code="invalid_pattern"
        ) from None


validate_kernel_version = RegexValidator(
    # As `uname -r` prints it: 2.4.8-26mdk, 2.2.19-7.1mdksmp, 6.8.0-45-generic.
    regex=r"^\d{1,3}\.\d{1,3}(?:\.\d{1,4}){0,2}(?:[-_.+~][0-9A-Za-z][0-9A-Za-z._+~-]*)?$",
    message=_("Enter the kernel version as the command uname -r prints it, e.g. 2.4.8-26mdk."),
    code="invalid_kernel_version",
)


class ProductQuerySet(models.QuerySet):
    def open_for_registration(self):
        return self.filter(open_for_registration=True)


class Product(models.Model):
    name = models.CharField(
        _("name"), max_length=100, validators=[reject_card_numbers], help_text=_("For example: Mandrake Linux.")
    )
    edition = models.CharField(
        _("edition"),
        max_length=50,
        validators=[reject_card_numbers],
        help_text=_("For example: Standard, PowerPack or ProSuite."),
    )
    version = models.CharField(_("version"), max_length=20, validators=[reject_card_numbers])
    release_date = models.DateField(_("release date"))
    serial_pattern = models.CharField(
        _("key format (regular expression)"),
        max_length=200,
        validators=[validate_serial_pattern, reject_card_numbers],
        help_text=_(
            "The whole key must match it. Keys are compared in capitals without spaces, so write the "
            "expression for that form, e.g. MDK-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}."
        ),
    )
    serial_example = models.CharField(
        _("key example"),
        max_length=MAX_SERIAL_LENGTH,
        validators=[reject_card_numbers],
        help_text=_("Shown to customers, e.g. MDK-XXXX-XXXX-XXXX. A real-looking key that matches the format."),
    )
    support_days = models.PositiveSmallIntegerField(
        _("included support (days)"),
        validators=[MaxValueValidator(3650)],
        help_text=_("Days of support from the purchase date, e.g. 60 for installation support."),
    )
    open_for_registration = models.BooleanField(
        _("open for registration"),
        default=True,
        help_text=_("Untick to stop offering the product in the registration form; registrations are kept."),
    )

    objects = ProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["-release_date", "name", "edition"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version", "edition"], name="product_unique_name_version_edition"),
            models.CheckConstraint(condition=models.Q(support_days__lte=3650), name="product_support_days_bounded"),
        ]

    def __str__(self):
        return f"{self.name} {self.version} {self.edition}"

    def clean(self):
        if self.serial_pattern and self.serial_example:
            try:
                matches = self.serial_matches(self.serial_example)
            except re.error:
                return  # the pattern's own validator has said what is wrong with it
            if not matches:
                raise ValidationError(
                    {"serial_example": _("The example does not match the key format.")}, code="example_mismatch"
                )

    def serial_matches(self, serial: str) -> bool:
        return re.fullmatch(self.serial_pattern, normalize_serial(serial)) is not None

    def support_ends_on(self, purchase_date: datetime.date) -> datetime.date:
        return purchase_date + datetime.timedelta(days=self.support_days)


class RegistrationQuerySet(models.QuerySet):
    def for_customer(self, customer):
        return self.filter(customer=customer)

    def with_support_end(self):
        # PostgreSQL adds days to a date with date + integer; done in SQL so that the admin
        # can filter and sort on it.
        return self.annotate(
            support_end=models.ExpressionWrapper(
                models.F("purchase_date") + models.F("product__support_days"), output_field=models.DateField()
            )
        )

    def support_active(self, today: datetime.date):
        return self.with_support_end().filter(support_end__gte=today)

    def support_expired(self, today: datetime.date):
        return self.with_support_end().filter(support_end__lt=today)


class Registration(models.Model):
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("customer")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("product")
    )
    serial = models.CharField(
        _("registration key"),
        max_length=MAX_SERIAL_LENGTH,
        validators=[reject_card_numbers],
        help_text=_("As printed on the registration card in the box. Capitals and spaces do not matter."),
    )
    purchase_date = models.DateField(_("purchase date"))
    place_of_purchase = models.CharField(
        _("place of purchase"),
        max_length=200,
        blank=True,
        validators=[reject_card_numbers],
        help_text=_("The shop or web site, e.g. MandrakeStore or a bookshop in Lyon."),
    )
    support_contact_name = models.CharField(
        _("support contact name"),
        max_length=150,
        blank=True,
        validators=[reject_card_numbers],
        help_text=_("Only if support should ask for someone else than you, e.g. your system administrator."),
    )
    support_contact_email = models.EmailField(
        _("support contact email address"),
        blank=True,
        validators=[reject_card_numbers],
        help_text=_("Leave empty to be contacted at your account's email address."),
    )
    support_contact_phone = models.CharField(
        _("support contact phone"),
        max_length=30,
        blank=True,
        validators=[
            RegexValidator(
                r"^\+?[0-9 ().\-/]{6,30}$",
                message=_("Enter a phone number with digits, spaces and an optional + in front."),
                code="invalid_phone",
            ),
            reject_card_numbers,
        ],
    )
    registered_at = models.DateTimeField(_("registered on"), default=timezone.now, editable=False)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["-purchase_date", "-pk"]
        constraints = [
            # One key, one registration, whoever holds it. Keys are stored normalised, so
            # "mdk-ab12 ..." and "MDK-AB12..." are the same key.
            models.UniqueConstraint(fields=["product", "serial"], name="registration_serial_unique_per_product"),
            models.CheckConstraint(
                condition=models.Q(serial=Upper("serial")) & ~models.Q(serial__regex=r"\s"),
                name="registration_serial_normalised",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "-purchase_date"], name="registration_by_customer"),
            # The admin's list starts with the latest purchases (ordered by purchase_date, id).
            models.Index(fields=["purchase_date", "id"], name="registration_purchase_date"),
            # Staff find a key by its letters and digits, whatever separators they type, from
            # its first characters or its last ones (the key read backwards).
            models.Index(
                OpClass(serial_letters_and_digits(), name="text_pattern_ops"), name="registration_serial_search"
            ),
            models.Index(
                OpClass(Reverse(serial_letters_and_digits()), name="text_pattern_ops"),
                name="registration_serial_end_search",
            ),
        ]

    def __str__(self):
        return f"{self.product} · {self.serial}"

    def clean(self):
        self.serial = normalize_serial(self.serial)
        errors = {}
        product = self.product if self.product_id else None
        if product and self.serial and not product.serial_matches(self.serial):
            errors["serial"] = ValidationError(
                _("This is not a key of %(product)s: its keys look like %(example)s. Check the key on your card."),
                code="serial_format",
                params={"product": product, "example": product.serial_example},
            )
        elif product and self.serial and self._serial_taken():
            errors["serial"] = self._serial_taken_error()
        if self.purchase_date:
            if self.purchase_date > timezone.localdate():
                errors["purchase_date"] = ValidationError(
                    _("The purchase date cannot be in the future."), code="purchase_in_future"
                )
            elif product and self.purchase_date < product.release_date:
                errors["purchase_date"] = ValidationError(
                    _("%(product)s came out on %(date)s: it cannot have been bought before."),
                    code="purchase_before_release",
                    params={"product": product, "date": date_format(product.release_date, "DATE_FORMAT")},
                )
        if errors:
            raise ValidationError(errors)

    def _serial_taken(self) -> bool:
        return Registration.objects.filter(product_id=self.product_id, serial=self.serial).exclude(pk=self.pk).exists()

    def _serial_taken_error(self) -> ValidationError:
        # Whose it is stays unsaid; only the customer's own registrations are named as such.
        own = Registration.objects.filter(product_id=self.product_id, serial=self.serial, customer_id=self.customer_id)
        if self.customer_id and own.exclude(pk=self.pk).exists():
            return ValidationError(_("You have already registered this key."), code="serial_registered_by_you")
        return serial_taken_error()

    @property
    def support_ends_on(self) -> datetime.date:
        return self.product.support_ends_on(self.purchase_date)

    @property
    def support_is_active(self) -> bool:
        # Support runs to the end of its last day, in the site's time zone.
        return timezone.localdate() <= self.support_ends_on

    @property
    def support_days_left(self) -> int:
        return max((self.support_ends_on - timezone.localdate()).days, 0)

    def configuration_or_none(self) -> "Configuration | None":
        try:
            return self.configuration
        except Configuration.DoesNotExist:
            return None


def serial_taken_error() -> ValidationError:
    return ValidationError(
        _(
            "This key is already registered. If you bought the product new, write to support with your "
            "proof of purchase and we will look into it."
        ),
        code="serial_taken",
    )


class Configuration(models.Model):
    """The computer a registered product runs on, described by the customer for support."""

    class Architecture(models.TextChoices):
        I386 = "i386", _("Intel or compatible, 32-bit (i386 to i686)")
        X86_64 = "x86_64", _("AMD64 / Intel 64 (x86_64)")
        IA64 = "ia64", _("Itanium (IA-64)")
        PPC = "ppc", _("PowerPC (Macintosh, IBM)")
        SPARC = "sparc", _("SPARC (Sun)")
        ALPHA = "alpha", _("Alpha (Compaq, Digital)")
        OTHER = "other", _("Other")

    class Bootloader(models.TextChoices):
        LILO = "lilo", "LILO"
        GRUB = "grub", "GRUB"
        YABOOT = "yaboot", _("yaboot (PowerPC)")
        SILO = "silo", _("SILO (SPARC)")
        ABOOT = "aboot", _("aboot (Alpha)")
        ELILO = "elilo", _("ELILO (Itanium)")
        OTHER = "other", _("Another boot loader (e.g. the Windows NT loader, loadlin)")

    class OtherSystem(models.TextChoices):
        WINDOWS_9X = "windows_9x", _("Windows 95, 98 or Me")
        WINDOWS_NT = "windows_nt", _("Windows NT, 2000, XP or later")
        OTHER_LINUX = "other_linux", _("Another Linux distribution")
        BSD = "bsd", _("FreeBSD, NetBSD or OpenBSD")
        BEOS = "beos", "BeOS"
        OS2 = "os2", "OS/2"
        MAC_OS = "mac_os", "Mac OS"
        DOS = "dos", "DOS"
        OTHER = "other", _("Another system")

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="configuration", verbose_name=_("registration")
    )
    architecture = models.CharField(_("architecture"), max_length=16, choices=Architecture, blank=True)
    processor = models.CharField(
        _("processor"),
        max_length=100,
        blank=True,
        validators=[reject_card_numbers],
        help_text=_("Maker and model, e.g. AMD Athlon XP 1800+ or Intel Pentium III."),
    )
    processor_mhz = models.PositiveIntegerField(
        _("processor speed"),
        null=True,
        blank=True,
        help_text=_("In MHz, e.g. 1000 for 1 GHz."),
        validators=[MinValueValidator(1), MaxValueValidator(10_000)],
    )
    memory_mib = models.PositiveIntegerField(
        _("memory"),
        null=True,
        blank=True,
        validators=[MinValueValidator(hardware.MIN_MEMORY_MIB), MaxValueValidator(hardware.MAX_MEMORY_MIB)],
    )
    disks = models.JSONField(_("disks"), default=list, blank=True, validators=[reject_card_numbers])
    graphics_card = models.CharField(_("graphics card"), max_length=150, blank=True, validators=[reject_card_numbers])
    sound_card = models.CharField(_("sound card"), max_length=150, blank=True, validators=[reject_card_numbers])
    network_card = models.CharField(_("network card"), max_length=150, blank=True, validators=[reject_card_numbers])
    printer = models.CharField(_("printer"), max_length=150, blank=True, validators=[reject_card_numbers])
    other_systems = ArrayField(
        models.CharField(max_length=16, choices=OtherSystem),
        verbose_name=_("other operating systems on the computer"),
        default=list,
        blank=True,
    )
    bootloader = models.CharField(_("boot loader"), max_length=16, choices=Bootloader, blank=True)
    kernel_version = models.CharField(
        _("kernel version"),
        max_length=64,
        blank=True,
        validators=[validate_kernel_version, reject_card_numbers],
        help_text=_("What the command uname -r prints, e.g. 2.4.8-26mdk."),
    )
    hardware_listing = models.TextField(
        _("hardware listing (lspci)"),
        blank=True,
        max_length=lspci.MAX_INPUT_CHARS,
        validators=[reject_card_numbers],
        help_text=_("Optional: paste what the command lspci (or cat /proc/pci) prints. We read the devices from it."),
    )
    devices = models.JSONField(
        _("devices found in the listing"), default=list, blank=True, editable=False, validators=[reject_card_numbers]
    )
    notes = models.TextField(
        _("notes"),
        blank=True,
        max_length=2000,
        validators=[reject_card_numbers],
        help_text=_("Anything else support should know, e.g. a dual-boot setup or a device that does not work."),
    )
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        verbose_name = _("configuration")
        verbose_name_plural = _("configurations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(memory_mib__gte=hardware.MIN_MEMORY_MIB, memory_mib__lte=hardware.MAX_MEMORY_MIB)
                | models.Q(memory_mib__isnull=True),
                name="configuration_memory_bounded",
            ),
            models.CheckConstraint(
                condition=models.Q(processor_mhz__gte=1, processor_mhz__lte=10_000)
                | models.Q(processor_mhz__isnull=True),
                name="configuration_processor_speed_bounded",
            ),
        ]

    def __str__(self):
        return str(_("Configuration of %(registration)s") % {"registration": self.registration})

    def save(self, *args, **kwargs):
        # The device list is derived from the listing and must never disagree with it.
        self.devices = [device.as_dict() for device in lspci.parse(self.hardware_listing)]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "hardware_listing" in update_fields:
            kwargs["update_fields"] = {*update_fields, "devices"}
        super().save(*args, **kwargs)

    @property
    def memory_display(self) -> str:
        return hardware.memory_display(self.memory_mib)

    def disks_display(self) -> list[str]:
        return [hardware.disk_display(disk) for disk in self.disks]

    def other_systems_display(self) -> list[str]:
        labels = dict(self.OtherSystem.choices)
        return [str(labels.get(code, code)) for code in self.other_systems]

    def summary(self) -> list[tuple[str, str]]:
        """The fields the customer filled in, as (label, readable value); the pasted listing
        is shown as its device list instead."""
        rows = []
        for name in CONFIGURATION_FIELDS:
            if name == "hardware_listing" or getattr(self, name) in (None, "", []):
                continue
            rows.append((self._meta.get_field(name).verbose_name, self._display(name)))
        return rows

    def _display(self, name: str) -> str:
        if name in ("architecture", "bootloader"):
            return getattr(self, f"get_{name}_display")()
        if name == "memory_mib":
            return self.memory_display
        if name == "processor_mhz":
            return _("%(speed)s MHz") % {"speed": number_format(self.processor_mhz, force_grouping=True)}
        if name == "disks":
            return ", ".join(self.disks_display())
        if name == "other_systems":
            return ", ".join(self.other_systems_display())
        return getattr(self, name)


# The fields a customer fills in, in the order the form and the pages show them.
CONFIGURATION_FIELDS = [
    "architecture",
    "processor",
    "processor_mhz",
    "memory_mib",
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


class Partner(models.Model):
    """A company that may receive registration data to give a customer a service they asked for."""

    name = models.CharField(_("name"), max_length=150, unique=True, validators=[reject_card_numbers])
    country = CountryField(_("country"))
    purpose = models.TextField(
        _("what the partner does for customers"),
        max_length=1000,
        validators=[reject_card_numbers],
        help_text=_("Shown to customers, e.g. On-site installation help in the Paris region."),
    )
    contact_name = models.CharField(_("contact name"), max_length=150, blank=True, validators=[reject_card_numbers])
    contact_email = models.EmailField(_("contact email address"), blank=True, validators=[reject_card_numbers])
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True, validators=[reject_card_numbers])

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]

    def __str__(self):
        return self.name


class DisclosureQuerySet(models.QuerySet):
    def for_customer(self, customer):
        return self.filter(customer=customer)


class Disclosure(models.Model):
    """The legal record that part of a customer's registration data was given to a partner.

    It says what was given (kinds of data, not the values), to whom, why (the service the
    customer asked for), when, and which staff member recorded it. It is never changed or
    deleted: when the customer deletes the registration, or their whole account, the record
    stays, with its links to them emptied, so that it still proves what was shared without
    saying about whom.
    """

    class Data(models.TextChoices):
        IDENTITY = "identity", _("Name and customer number")
        EMAIL = "email", _("Email address")
        POSTAL_ADDRESS = "postal_address", _("Postal address")
        SUPPORT_CONTACT = "support_contact", _("Support contact details")
        PRODUCT_AND_KEY = "product_and_key", _("Product and registration key")
        PURCHASE = "purchase", _("Purchase date and place")
        HARDWARE = "hardware", _("Hardware (processor, memory, disks, cards, printer, device list)")
        SOFTWARE = "software", _("Software (architecture, kernel, boot loader, other systems)")
        NOTES = "notes", _("Your notes about the computer")

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="disclosures",
        verbose_name=_("customer"),
    )
    registration = models.ForeignKey(
        Registration,
        on_delete=models.SET_NULL,
        null=True,
        related_name="disclosures",
        verbose_name=_("registration"),
    )
    # Kept apart from the registration so that the record still says which product it was
    # about once the registration is deleted.
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product"))
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="disclosures", verbose_name=_("partner")
    )
    data = ArrayField(
        models.CharField(max_length=32, choices=Data),
        verbose_name=_("data given"),
        help_text=_("Only what the partner needs for the service."),
    )
    reason = models.TextField(
        _("reason"),
        max_length=1000,
        validators=[reject_card_numbers],
        help_text=_(
            "The service the customer asked for that needs it, in words the customer understands. "
            "The customer sees this text."
        ),
    )
    disclosed_at = models.DateTimeField(_("given on"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded on"), default=timezone.now, editable=False)

    objects = DisclosureQuerySet.as_manager()

    class Meta:
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        ordering = ["-disclosed_at", "-pk"]
        # Recorded, then read: no change or delete permission exists, so no role can get one.
        default_permissions = ("view",)
        permissions = [("record_disclosure", _("Can record a disclosure to a partner"))]
        constraints = [
            models.CheckConstraint(condition=models.Q(data__len__gt=0), name="disclosure_names_some_data"),
        ]
        indexes = [models.Index(fields=["customer", "-disclosed_at"], name="disclosure_by_customer")]

    def __str__(self):
        return str(
            _("%(product)s to %(partner)s on %(date)s")
            % {
                "product": self.product,
                "partner": self.partner,
                "date": date_format(timezone.localtime(self.disclosed_at), "DATE_FORMAT"),
            }
        )

    def clean(self):
        if self.disclosed_at and self.disclosed_at > timezone.now():
            raise ValidationError({"disclosed_at": _("A disclosure is recorded once it has happened, not before.")})

    def data_display(self) -> list[str]:
        labels = dict(self.Data.choices)
        return [str(labels.get(code, code)) for code in self.data]


class RegistrationEventQuerySet(models.QuerySet):
    def for_customer(self, customer):
        return self.filter(customer=customer)


class RegistrationEvent(ChoiceLabels, models.Model):
    """A change to a customer's registrations, kept as their history: what happened, to which
    product, which fields changed (never their values) and who acted."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Product registered")
        CORRECTED = "corrected", _("Registration corrected")
        CONFIGURATION_CHANGED = "configuration_changed", _("Computer configuration updated")
        DELETED = "deleted", _("Registration deleted")
        DISCLOSED = "disclosed", _("Data given to a partner")

    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registration_events")
    registration = models.ForeignKey(
        Registration, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product"))
    kind = models.CharField(_("what happened"), max_length=32, choices=Kind)
    changed_fields = models.JSONField(_("fields changed"), default=list, blank=True, validators=[reject_card_numbers])
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    objects = RegistrationEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration event")
        verbose_name_plural = _("registration events")
        indexes = [models.Index(fields=["customer", "-created_at"], name="registration_event_history")]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"

    def changed_field_labels(self) -> list[str]:
        labels = []
        for name in self.changed_fields:
            for model in (Registration, Configuration):
                try:
                    labels.append(str(model._meta.get_field(name).verbose_name))
                    break
                except FieldDoesNotExist:
                    continue
            else:
                labels.append(name)
        return labels

    def actor_description(self, customer) -> str:
        if self.actor_id == customer.pk:
            return _("by you")
        return _("by Mandrake staff")
