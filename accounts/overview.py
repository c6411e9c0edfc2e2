"""Sections of the account overview page (/account/).

Each app adds its section from its AppConfig.ready() with ``register_section``: a template,
the querysets of what it shows for one customer, and optionally what its template gets from
their rows. The querysets of every section are run together, in one query
(mandrakeonline.fetch_together), so the overview costs the same whatever the customer holds
and however many apps add a section.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from accounts.models import AccountEvent
from mandrakeonline.fetch_together import fetch_together
from mandrakeonline.personal_data import registry


def _no_queries(customer) -> dict[str, QuerySet]:
    return {}


def _rows(customer, rows: dict[str, list]) -> dict:
    return rows


@dataclass(frozen=True)
class Section:
    template_name: str
    order: int
    queries: Callable[[Any], dict[str, QuerySet]]
    context: Callable[[Any, dict[str, list]], dict]


_sections: list[Section] = []


def register_section(
    template_name: str,
    *,
    order: int,
    queries: Callable[[Any], dict[str, QuerySet]] = _no_queries,
    context: Callable[[Any, dict[str, list]], dict] = _rows,
) -> None:
    """``queries(customer)`` names the querysets the section shows; ``context(customer,
    rows)`` gives its template their rows (by default, the rows under the same names)."""
    _sections.append(Section(template_name, order, queries, context))
    _sections.sort(key=lambda section: section.order)


def sections_for(customer) -> list[tuple[str, dict]]:
    """Each section's template and context, all their rows read in one query."""
    wanted = {
        (index, name): queryset
        for index, section in enumerate(_sections)
        for name, queryset in section.queries(customer).items()
    }
    found = fetch_together(wanted)
    sections = []
    for index, section in enumerate(_sections):
        rows = {name: found[(owner, name)] for owner, name in wanted if owner == index}
        sections.append((section.template_name, section.context(customer, rows)))
    return sections


def _personal_details(customer, rows) -> dict:
    # Driven by the registry: a field registered for Customer shows up here without any
    # template change.
    groups: dict[str, list] = {}
    for entry in registry.rows(customer):
        groups.setdefault(str(entry.category), []).append((entry.label, entry.display_value(customer)))
    return {"groups": groups, "customer": customer}


register_section("accounts/overview/personal_details.html", order=10, context=_personal_details)

RECENT_EVENTS = 10


def _recent_events(customer) -> dict[str, QuerySet]:
    return {"events": AccountEvent.objects.for_customer(customer).order_by("-created_at")[:RECENT_EVENTS]}


def _security(customer, rows) -> dict:
    return {"events": [(event, event.actor_description(customer)) for event in rows["events"]]}


register_section("accounts/overview/security.html", order=90, queries=_recent_events, context=_security)
