from django import forms
from django.utils.translation import gettext_lazy as _


class UnsubscribeForm(forms.Form):
    """The buttons of the page an unsubscribe link opens (the token in the URL is the authority)."""

    UNSUBSCRIBE = "unsubscribe"
    RESUBSCRIBE = "resubscribe"
    LEAVE_ALL = "leave_all"

    action = forms.ChoiceField(
        choices=[
            (UNSUBSCRIBE, _("Unsubscribe")),
            (RESUBSCRIBE, _("Subscribe again")),
            (LEAVE_ALL, _("Leave all lists")),
        ],
        error_messages={"required": _("Choose one of the buttons."), "invalid_choice": _("Choose one of the buttons.")},
    )
