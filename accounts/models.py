import calendar
import datetime

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import FieldDoesNotExist
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from accounts import customer_numbers, user_agents
from mandrakeonline.admin_lists import case_insensitive_search
from mandrakeonline.card_numbers import reject_card_numbers
from mandrakeonline.choices import ChoiceLabels


class IssuedCustomerNumber(models.Model):
    """Every customer number ever given out, kept after the account is gone.

    Its primary key is what guarantees that a number is never issued twice, even once the
    customer who held it has deleted their account.
    """

    number = models.CharField(max_length=customer_numbers.NUMBER_LENGTH, primary_key=True)
    issued_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return customer_numbers.format_number(self.number)

    @classmethod
    def issue(cls) -> str:
        # 90 million possible numbers: a collision is rare, and the savepoint makes a retry
        # safe inside the caller's transaction.
        while True:
            number = customer_numbers.random_number()
            try:
                with transaction.atomic():
                    cls.objects.create(number=number)
            except IntegrityError:
                continue
            return number


class CustomerQuerySet(models.QuerySet):
    def with_email(self, email: str):
        return self.filter(email__iexact=email.strip())


class CustomerManager(BaseUserManager.from_queryset(CustomerQuerySet)):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(customer_number=customer_numbers.normalize(username))

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("A customer needs an email address.")
        with transaction.atomic():
            customer = self.model(
                customer_number=fields.pop("customer_number", None) or IssuedCustomerNumber.issue(),
                email=self.normalize_email(email),
                **fields,
            )
            customer.set_password(password)
            customer.save(using=self._db)
        return customer

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class Customer(AbstractBaseUser, PermissionsMixin):
    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        FRENCH = "fr", _("French")

    customer_number = models.CharField(
        _("customer number"),
        max_length=customer_numbers.NUMBER_LENGTH,
        unique=True,
        editable=False,
    )
    email = models.EmailField(_("email address"), validators=[reject_card_numbers])
    email_verified_at = models.DateTimeField(_("email verified on"), null=True, blank=True)
    # An address the customer asked to change to, waiting for the link sent to it.
    pending_email = models.EmailField(
        _("new email address awaiting confirmation"), blank=True, validators=[reject_card_numbers]
    )
    first_name = models.CharField(_("first name"), max_length=150, validators=[reject_card_numbers])
    last_name = models.CharField(_("last name"), max_length=150, validators=[reject_card_numbers])
    address_line1 = models.CharField(_("address line 1"), max_length=200, blank=True, validators=[reject_card_numbers])
    address_line2 = models.CharField(_("address line 2"), max_length=200, blank=True, validators=[reject_card_numbers])
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True, validators=[reject_card_numbers])
    city = models.CharField(_("city"), max_length=100, blank=True, validators=[reject_card_numbers])
    region = models.CharField(_("region or state"), max_length=100, blank=True, validators=[reject_card_numbers])
    country = CountryField(_("country"), blank=True)
    language = models.CharField(
        _("preferred language"),
        max_length=2,
        choices=Language,
        default=Language.ENGLISH,
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("customer since"), default=timezone.now)
    # When we warned that the account would be deleted after years without a login.
    inactivity_warned_at = models.DateTimeField(_("warned of deletion for inactivity on"), null=True, blank=True)

    objects = CustomerManager()

    USERNAME_FIELD = "customer_number"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email", "first_name", "last_name"]

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        permissions = [
            ("export_customer_data", _("Can export a customer's data for a request by letter or phone")),
            ("delete_customer_account", _("Can delete a customer's account for a request by letter or phone")),
        ]
        indexes = [
            # The admin's list starts with the newest customers (ordered by date_joined, id).
            models.Index(fields=["date_joined", "id"], name="customer_joined"),
            # Case-insensitive lookups: the forms' email__iexact, the admin's prefix search.
            models.Index(case_insensitive_search("email"), name="customer_email_search"),
            models.Index(case_insensitive_search("last_name"), name="customer_last_name_search"),
            models.Index(case_insensitive_search("first_name"), name="customer_first_name_search"),
        ]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="customer_email_unique_ignoring_case"),
            models.CheckConstraint(
                condition=models.Q(customer_number__regex=r"^[1-9][0-9]{8}$"),
                name="customer_number_is_nine_digits",
            ),
        ]

    def __str__(self):
        return self.formatted_number

    @property
    def formatted_number(self) -> str:
        return customer_numbers.format_number(self.customer_number)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.first_name

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def has_address(self) -> bool:
        return bool(self.address_line1 or self.city or self.country)

    def address_lines(self) -> list[str]:
        """The postal address as it would be written on an envelope."""
        locality = " ".join(part for part in (self.postal_code, self.city) if part)
        lines = [self.address_line1, self.address_line2, locality, self.region]
        if self.country:
            lines.append(str(self.country.name))
        return [line for line in lines if line]


class AccountEventQuerySet(models.QuerySet):
    def for_customer(self, customer):
        return self.filter(customer=customer)


class AccountEvent(ChoiceLabels, models.Model):
    """A change that matters to the customer, kept as their account's history.

    It names who acted (the customer, a staff member, or nobody for a link followed from an
    email) and which fields changed, never their values: the trail holds no personal data
    beyond the fact of the change.
    """

    class Kind(models.TextChoices):
        SIGNED_UP = "signed_up", _("Account created")
        EMAIL_VERIFIED = "email_verified", _("Email address confirmed")
        EMAIL_CHANGE_REQUESTED = "email_change_requested", _("Change of email address requested")
        EMAIL_CHANGED = "email_changed", _("Email address changed")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        DETAILS_CORRECTED = "details_corrected", _("Personal details corrected")
        DATA_EXPORTED = "data_exported", _("Export of your data requested")
        MARKETING_ANSWERED = "marketing_answered", _("Marketing answers given")
        MARKETING_WITHDRAWN = "marketing_withdrawn", _("Marketing answers withdrawn")
        STAFF_VIEWED = "staff_viewed", _("Your record opened by Mandrake staff")
        TWO_FACTOR_ENABLED = "two_factor_enabled", _("Two-factor authentication turned on")
        TWO_FACTOR_DISABLED = "two_factor_disabled", _("Two-factor authentication turned off")
        RECOVERY_CODES_RENEWED = "recovery_codes_renewed", _("New recovery codes made")
        RECOVERY_CODE_USED = "recovery_code_used", _("Logged in with a recovery code")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what happened"), max_length=32, choices=Kind)
    changed_fields = models.JSONField(_("fields changed"), default=list, blank=True, validators=[reject_card_numbers])
    actor = models.ForeignKey(
        Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("done by")
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    objects = AccountEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("account event")
        verbose_name_plural = _("account events")
        indexes = [models.Index(fields=["customer", "-created_at"], name="account_event_history")]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"

    def changed_field_labels(self) -> list[str]:
        labels = []
        for name in self.changed_fields:
            for model in (Customer, MarketingProfile):
                try:
                    labels.append(str(model._meta.get_field(name).verbose_name))
                    break
                except FieldDoesNotExist:
                    continue
            else:
                labels.append(name)
        return labels

    def actor_description(self, customer) -> str:
        if self.actor_id is None:
            return _("by a link sent to you")
        if self.actor_id == customer.pk:
            return _("by you")
        return _("by Mandrake staff")


class LoginSessionQuerySet(models.QuerySet):
    def for_customer(self, customer):
        return self.filter(customer=customer)


class LoginSession(models.Model):
    """One logged-in browser, so the customer can see where they are logged in and end it."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="login_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    user_agent = models.CharField(_("browser"), max_length=400, blank=True, validators=[reject_card_numbers])
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("logged in on"), default=timezone.now)
    last_seen = models.DateTimeField(_("last seen"), default=timezone.now)

    objects = LoginSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("login session")
        verbose_name_plural = _("login sessions")
        indexes = [models.Index(fields=["customer", "-last_seen"], name="login_session_recent")]

    def __str__(self):
        return f"{self.customer} {self.created_at:%Y-%m-%d %H:%M}"

    def device(self) -> str:
        return user_agents.describe(self.user_agent)


class DataExportQuerySet(models.QuerySet):
    def for_customer(self, customer):
        return self.filter(customer=customer)


class DataExport(ChoiceLabels, models.Model):
    """A download of everything held about a customer, built by a task into a private file."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Being prepared")
        READY = "ready", _("Ready to download")
        FAILED = "failed", _("Failed")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="data_exports")
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    requested_at = models.DateTimeField(_("requested on"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished on"), null=True, blank=True)
    expires_at = models.DateTimeField(_("link valid until"), null=True, blank=True)
    # Relative to settings.EXPORT_ROOT, a random name; never served by the web server itself.
    file_name = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    records_done = models.PositiveIntegerField(default=0)
    records_total = models.PositiveIntegerField(default=0)

    objects = DataExportQuerySet.as_manager()

    class Meta:
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")

    def __str__(self):
        return f"{self.customer} {self.requested_at:%Y-%m-%d %H:%M}"

    @property
    def is_downloadable(self) -> bool:
        return self.status == self.Status.READY and self.expires_at is not None and self.expires_at > timezone.now()

    @property
    def progress_percent(self) -> int:
        if self.status == self.Status.READY:
            return 100
        if not self.records_total:
            return 0
        return min(99, 100 * self.records_done // self.records_total)


def one_month_after(day: datetime.date) -> datetime.date:
    """The same day next month, or that month's last day (GDPR art. 12: "within one month")."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class PrivacyRequest(ChoiceLabels, models.Model):
    """A request to exercise a data right, online or by letter, phone or email.

    The log proves each request was answered within the month the law allows; it keeps the
    customer number only, so it outlives the account without identifying anyone by itself.
    """

    class Kind(models.TextChoices):
        ACCESS = "access", _("See my data")
        EXPORT = "export", _("Copy of my data")
        CORRECTION = "correction", _("Correct my data")
        DELETION = "deletion", _("Delete my account")

    class Channel(models.TextChoices):
        ONLINE = "online", _("On the website")
        LETTER = "letter", _("By letter")
        PHONE = "phone", _("By phone")
        EMAIL = "email", _("By email")

    customer_number = models.CharField(_("customer number"), max_length=customer_numbers.NUMBER_LENGTH)
    kind = models.CharField(_("request"), max_length=12, choices=Kind)
    channel = models.CharField(_("received"), max_length=8, choices=Channel)
    received_on = models.DateField(_("received on"), default=datetime.date.today)
    due_on = models.DateField(_("answer due by"), editable=False)
    completed_at = models.DateTimeField(_("completed on"), null=True, blank=True)
    handled_by = models.ForeignKey(
        Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("handled by")
    )
    notes = models.TextField(
        _("notes"),
        blank=True,
        validators=[reject_card_numbers],
        help_text=_("What was asked and done. No personal details beyond the customer number."),
    )

    class Meta:
        verbose_name = _("privacy request")
        verbose_name_plural = _("privacy requests")
        ordering = ["-received_on"]

    def __str__(self):
        return f"{self.get_kind_display()} {customer_numbers.format_number(self.customer_number)}"

    def save(self, *args, **kwargs):
        self.due_on = one_month_after(self.received_on)
        super().save(*args, **kwargs)

    @property
    def is_overdue(self) -> bool:
        return self.completed_at is None and self.due_on < datetime.date.today()


class MarketingProfile(models.Model):
    """Optional answers to our marketing questions: internal use only, to improve the products.

    Kept apart from everything else (its own table, its own page), never shared with anyone,
    and deleted outright when the customer withdraws.
    """

    class Usage(models.TextChoices):
        HOME = "home", _("At home")
        WORK = "work", _("At work")
        SCHOOL = "school", _("At school or university")
        SERVERS = "servers", _("On servers")

    class Interest(models.TextChoices):
        DESKTOP = "desktop", _("Desktop and office work")
        DEVELOPMENT = "development", _("Software development")
        GAMES = "games", _("Games and multimedia")
        NETWORKS = "networks", _("Networks and servers")
        SECURITY = "security", _("Security")
        EDUCATION = "education", _("Teaching and learning")

    class OrganisationSize(models.TextChoices):
        ALONE = "1", _("Just me")
        SMALL = "2-9", _("2 to 9 people")
        MEDIUM = "10-249", _("10 to 249 people")
        LARGE = "250+", _("250 people or more")

    class HeardFrom(models.TextChoices):
        FRIEND = "friend", _("A friend or colleague")
        MAGAZINE = "magazine", _("A magazine or a CD in a magazine")
        SHOP = "shop", _("A shop")
        WEB = "web", _("A web site or forum")
        EVENT = "event", _("A show or event")
        OTHER = "other", _("Somewhere else")

    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, related_name="marketing_profile")
    usage = models.CharField(_("where you use Mandrake Linux"), max_length=10, choices=Usage, blank=True)
    interests = ArrayField(
        models.CharField(max_length=12, choices=Interest),
        verbose_name=_("what interests you"),
        default=list,
        blank=True,
    )
    organisation_size = models.CharField(
        _("size of your organisation"), max_length=8, choices=OrganisationSize, blank=True
    )
    heard_from = models.CharField(_("how you heard of us"), max_length=10, choices=HeardFrom, blank=True)
    consent_at = models.DateTimeField(_("answers given on"), default=timezone.now)

    class Meta:
        verbose_name = _("marketing answers")
        verbose_name_plural = _("marketing answers")

    def __str__(self):
        return str(self.customer)

    def interest_labels(self) -> list[str]:
        labels = dict(self.Interest.choices)
        return [str(labels.get(code, code)) for code in self.interests]
