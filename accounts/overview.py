"""Sections of the account overview page (/account/).

Each app adds its section from its AppConfig.ready() with ``register_section``: a template
and a function that gives that template its context for one customer. The function must run
a fixed number of queries, whatever the customer holds, so the overview's query count stays
constant.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from accounts.models import AccountEvent
from mandrakeonline.personal_data import registry


@dataclass(frozen=True)
class Section:
    template_name: str
    order: int
    context: Callable[[Any], dict]


_sections: list[Section] = []


def register_section(template_name: str, *, order: int, context: Callable[[Any], dict]) -> None:
    _sections.append(Section(template_name, order, context))
    _sections.sort(key=lambda section: section.order)


def sections_for(customer) -> list[tuple[str, dict]]:
    return [(section.template_name, section.context(customer)) for section in _sections]


def _personal_details(customer) -> dict:
    # Driven by the registry: a field registered for Customer shows up here without any
    # template change.
    groups: dict[str, list] = {}
    for entry in registry.rows(customer):
        groups.setdefault(str(entry.category), []).append((entry.label, entry.display_value(customer)))
    return {"groups": groups, "customer": customer}


register_section("accounts/overview/personal_details.html", order=10, context=_personal_details)


def _security(customer) -> dict:
    recent = AccountEvent.objects.for_customer(customer).order_by("-created_at")[:RECENT_EVENTS]
    return {"events": [(event, event.actor_description(customer)) for event in recent]}


RECENT_EVENTS = 10
register_section("accounts/overview/security.html", order=90, context=_security)
