"""The account navigation shown on every page to a logged-in customer."""

from dataclasses import dataclass

from django import template
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

register = template.Library()


@dataclass(frozen=True)
class Entry:
    label: Promise
    url_name: str
    # The pages that belong to this entry, as "namespace:name", or "namespace:" for a whole app.
    pages: tuple[str, ...]


ENTRIES = [
    Entry(
        _("Overview"),
        "accounts:overview",
        (
            "accounts:overview",
            "accounts:edit_profile",
            "accounts:edit_address",
            "accounts:change_email",
            "accounts:marketing",
        ),
    ),
    Entry(
        _("My data"),
        "accounts:my_data",
        ("accounts:my_data", "accounts:request_data_export", "accounts:data_export", "accounts:delete_account"),
    ),
    Entry(_("Mailing lists"), "mailinglists:my_lists", ("mailinglists:",)),
    Entry(_("Product registrations"), "registrations:list", ("registrations:",)),
    Entry(_("Orders and donations"), "billing:overview", ("billing:",)),
    Entry(
        _("Security and history"),
        "accounts:security",
        (
            "accounts:security",
            "accounts:change_password",
            "accounts:two_factor_setup",
            "accounts:two_factor_disable",
            "accounts:recovery_codes",
            "accounts:renew_recovery_codes",
            "accounts:history",
        ),
    ),
]


def _belongs(match, pages: tuple[str, ...]) -> bool:
    if match is None:
        return False
    return f"{match.namespace}:" in pages or f"{match.namespace}:{match.url_name}" in pages


@register.inclusion_tag("includes/account_navigation.html", takes_context=True)
def account_navigation(context):
    request = context["request"]
    match = request.resolver_match
    links = []
    for entry in ENTRIES:
        url = reverse(entry.url_name)
        # "page" on the entry's own page, "true" on the pages under it (a form it leads to).
        current = "page" if request.path == url else "true" if _belongs(match, entry.pages) else ""
        links.append({"label": entry.label, "url": url, "current": current})
    return {"links": links}
