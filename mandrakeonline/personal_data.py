"""The registry of personal data: one place that knows every personal field.

Each app declares, in its ``personal_data.py`` (imported from its AppConfig.ready), every
field of its models: either as personal data (with its category, the purpose the privacy
policy gives for it, and how it is erased) or as not personal (with the reason). The
account pages, the export and the erasure read this registry, so a field cannot be
forgotten: ``tests/test_personal_data_registry.py`` fails when a model field of any of our
apps is in neither list.
"""

import datetime
import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from mandrakeonline.choices import choice_labels

# Our apps; their free-text fields carry the card-number guard.
OWN_APPS = ("accounts", "mailinglists", "registrations", "billing")
# The apps whose models must all be classified: ours, and the third-party ones that keep
# rows about a customer (django-otp's devices for two-factor authentication).
CLASSIFIED_APPS = (*OWN_APPS, "otp_totp", "otp_static")


class Erasure(enum.Enum):
    BLANK = "blank"  # emptied (blank string, NULL or the field's default)
    ANONYMISE = "anonymise"  # replaced by a value that no longer identifies anyone
    KEEP = "keep"  # kept after deletion, for the reason given in `retention`
    DELETE = "delete"  # the whole row is deleted with the account


@dataclass(frozen=True)
class PersonalField:
    model: type[models.Model]
    name: str
    category: Promise | str
    purpose: Promise | str
    erasure: Erasure
    retention: Promise | str = ""
    # How the value reads on the account pages and in the export, when not the plain value.
    show: Callable[[models.Model], str] | None = None
    export: Callable[[models.Model], Any] | None = None
    anonymise: Callable[[models.Model], Any] | None = None

    @property
    def field(self) -> models.Field:
        return self.model._meta.get_field(self.name)

    @property
    def label(self) -> str:
        return self.field.verbose_name

    @cached_property
    def labels(self) -> dict:
        """The field's choices, read once: Django's get_FOO_display builds (and translates)
        all of them again on every call, which an export does for every row."""
        return choice_labels(self.field) if self.field.choices else {}

    @cached_property
    def _shown(self) -> Callable[[Any], str]:
        """How a value of this field reads, chosen once from the field's kind: an export
        shows tens of thousands of values."""
        field = self.field
        if isinstance(field, CountryField):
            # Before the choices: a country field's choices are every country, translated.
            return _country_name
        if self.labels:
            labels = self.labels
            return lambda value: str(labels.get(value, value))
        if isinstance(field, models.DateTimeField):
            return _moment
        if isinstance(field, models.DateField):
            return _day
        return _plain

    def display_value(self, instance: models.Model) -> str:
        if self.show is not None:
            return self.show(instance)
        return self._shown(getattr(instance, self.name))

    def export_value(self, instance: models.Model) -> Any:
        if self.export is not None:
            return self.export(instance)
        return to_json_value(getattr(instance, self.field.attname))

    def erase(self, instance: models.Model) -> None:
        if self.erasure in (Erasure.KEEP, Erasure.DELETE):
            return
        if self.erasure is Erasure.ANONYMISE:
            setattr(instance, self.field.attname, self.anonymise(instance))
            return
        field = self.field
        if field.null:
            blank_value = None
        elif field.has_default():
            blank_value = field.get_default()
        else:
            blank_value = ""
        setattr(instance, field.attname, blank_value)


_country_names: dict[tuple[str, str], str] = {}


def _country_name(country) -> str:
    # django-countries translates its whole list to name one country; an export names the
    # same few countries on thousands of rows. (At most every country in every language.)
    key = (country.code, get_language())
    if key not in _country_names:
        _country_names[key] = str(country.name)
    return _country_names[key]


def _moment(value) -> str:
    # In the site's time zone, as the pages show times: the database gives UTC.
    return "" if value is None else date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _day(value) -> str:
    return "" if value is None else date_format(value, "DATE_FORMAT")


def _plain(value) -> str:
    return "" if value is None else str(value)


def to_json_value(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "code"):  # a django-countries Country
        return value.code or None
    return value


@dataclass(frozen=True)
class PersonalModel:
    """How to find one customer's rows of a model that holds personal data."""

    model: type[models.Model]
    # The lookup from the model to its customer, e.g. "customer" or "registration__customer";
    # "pk" for the customer model itself.
    customer_path: str
    # What the account pages call these rows ("Mailing-list subscriptions").
    title: Promise | str
    # A date field saying since when each row is held.
    since: str | None = None
    # The URL name where the customer sees, corrects or deletes these rows.
    manage_url: str | None = None
    # What customer_path is compared with: the customer's primary key, or their number
    # (for records that outlive the account and keep only the number).
    match_on: str = "pk"
    # For rows kept after the account is deleted: until when, as a function of the customer.
    kept_until: Callable | None = None
    # The related objects the rows show (a subscription its list): read with the rows, not
    # one query per row, in the export and the deletion preview.
    select_related: tuple[str, ...] = ()
    # Large columns the lists of rows do not show (a PDF's bytes): left out of their queries.
    defer: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def rows_for(self, customer) -> models.QuerySet:
        value = customer.customer_number if self.match_on == "customer_number" else customer.pk
        rows = self.model._default_manager.filter(**{self.customer_path: value}).order_by("pk")
        if self.defer:
            rows = rows.defer(*self.defer)
        return rows.select_related(*self.select_related) if self.select_related else rows


class Registry:
    def __init__(self):
        self._personal: dict[tuple[type[models.Model], str], PersonalField] = {}
        self._not_personal: dict[tuple[type[models.Model], str], str] = {}
        self._models: dict[type[models.Model], PersonalModel] = {}
        self._attachment_providers: list[Callable] = []
        self._fields_of: dict[type[models.Model], list[PersonalField]] = {}

    def personal_model(self, model: type[models.Model], *, customer_path: str, title, **options) -> None:
        if options.get("since"):
            model._meta.get_field(options["since"])
        self._models[model] = PersonalModel(model=model, customer_path=customer_path, title=title, **options)

    def attachments(self, provider: Callable) -> None:
        """Add files to every export: provider(customer) yields (file name, iterable of bytes)."""
        self._attachment_providers.append(provider)

    def attachments_for(self, customer):
        for provider in self._attachment_providers:
            yield from provider(customer)

    def personal_models(self) -> list[PersonalModel]:
        """Every model holding personal data, in the order their apps declared them."""
        return list(self._models.values())

    def describe_models(self) -> list[dict]:
        """Per kind of personal data: its title, purposes and what is kept after deletion."""
        described = []
        for declared in self.personal_models():
            entries = self.fields_of(declared.model)
            kept = [str(entry.retention) for entry in entries if entry.erasure is Erasure.KEEP]
            described.append(
                {
                    "title": declared.title,
                    "fields": [entry.label for entry in entries],
                    "purposes": list(dict.fromkeys(str(entry.purpose) for entry in entries)),
                    "kept": list(dict.fromkeys(kept)),
                    "manage_url": declared.manage_url,
                }
            )
        return described

    def summary(self, customer) -> list[dict]:
        """For the "my data" page: per model, what is held, why, since when, how long kept.

        One query per declared model, whatever the number of rows.
        """
        summary = []
        for declared, described in zip(self.personal_models(), self.describe_models(), strict=True):
            aggregates = {"count": Count("pk")}
            if declared.since:
                aggregates["since"] = Min(declared.since)
            found = declared.rows_for(customer).order_by().aggregate(**aggregates)
            summary.append({**described, "count": found["count"], "since": found.get("since")})
        return summary

    def undeclared_models(self) -> list[str]:
        """Models with personal fields that do not say how to find a customer's rows."""
        holding = {model for model, _name in self._personal}
        return sorted(model._meta.label for model in holding if model not in self._models)

    def personal(self, model: type[models.Model], name: str, **options) -> None:
        if options["erasure"] is Erasure.ANONYMISE and options.get("anonymise") is None:
            raise ValueError(f"{model.__name__}.{name}: ANONYMISE needs an anonymise function")
        if options["erasure"] is Erasure.KEEP and not options.get("retention"):
            raise ValueError(f"{model.__name__}.{name}: KEEP needs a retention reason")
        model._meta.get_field(name)  # fails early on a typo
        self._personal[(model, name)] = PersonalField(model=model, name=name, **options)
        self._fields_of.pop(model, None)

    def not_personal(self, model: type[models.Model], *names: str, reason: str) -> None:
        for name in names:
            model._meta.get_field(name)
            self._not_personal[(model, name)] = reason

    def fields_of(self, model: type[models.Model]) -> list[PersonalField]:
        """The personal fields of a model, by category (in CATEGORY_ORDER), then field order."""
        # Asked on every account page: sorted once (ranking compares translatable
        # categories, which translates them), until a field is registered again.
        if model not in self._fields_of:
            entries = [
                self._personal[(model, field.name)]
                for field in model._meta.get_fields()
                if (model, field.name) in self._personal
            ]
            self._fields_of[model] = sorted(entries, key=lambda entry: _category_rank(entry.category))
        return self._fields_of[model]

    def unclassified(self, app_labels: Iterable[str] = CLASSIFIED_APPS) -> list[str]:
        missing = []
        for app_label in app_labels:
            for model in apps.get_app_config(app_label).get_models():
                for field in model._meta.get_fields():
                    if field.auto_created and not field.concrete:
                        continue  # reverse relations belong to the model that declares them
                    key = (model, field.name)
                    if key not in self._personal and key not in self._not_personal:
                        missing.append(f"{model._meta.label}.{field.name}")
        return missing

    def rows(self, instance: models.Model) -> list[PersonalField]:
        return self.fields_of(instance._meta.model)

    def export_instance(self, instance: models.Model) -> dict[str, Any]:
        return {entry.name: entry.export_value(instance) for entry in self.fields_of(instance._meta.model)}

    def erase_rows(self, declared: PersonalModel, customer) -> None:
        """Erase one customer's rows of a model: one DELETE when its rows go with the
        account, otherwise each row is minimised in place."""
        rows = declared.rows_for(customer)
        if any(entry.erasure is Erasure.DELETE for entry in self.fields_of(declared.model)):
            rows.delete()
            return
        for row in rows.iterator():
            self.erase_instance(row)

    def erase_instance(self, instance: models.Model) -> None:
        """Erase an instance's personal data: delete the row if its data goes with the
        account, otherwise blank or anonymise each field that is not kept, and save."""
        entries = self.fields_of(instance._meta.model)
        if any(entry.erasure is Erasure.DELETE for entry in entries):
            instance.delete()
            return
        changed = []
        for entry in entries:
            if entry.erasure is not Erasure.KEEP:
                entry.erase(instance)
                changed.append(entry.field.attname)
        if changed:
            instance.save(update_fields=changed)


registry = Registry()

# Categories and purposes shared by several apps, worded after the privacy policy.
CATEGORY_IDENTITY = _("Identity")
CATEGORY_CONTACT = _("Contact")
CATEGORY_ADDRESS = _("Postal address")
CATEGORY_PREFERENCES = _("Preferences")
CATEGORY_SECURITY = _("Account security")

# How categories read on the account pages and in the export; others follow, in the order
# their app registers them.
CATEGORY_ORDER = [CATEGORY_IDENTITY, CATEGORY_CONTACT, CATEGORY_ADDRESS, CATEGORY_PREFERENCES, CATEGORY_SECURITY]


def _category_rank(category) -> int:
    return CATEGORY_ORDER.index(category) if category in CATEGORY_ORDER else len(CATEGORY_ORDER)
