"""get_FOO_display() through mandrakeonline.choices: the label in the language of the
moment, the raw value for a value outside the choices."""

from django.utils import translation

from accounts.models import AccountEvent
from billing.models import Order


def test_the_label_follows_the_active_language():
    event = AccountEvent(kind=AccountEvent.Kind.PASSWORD_CHANGED)
    with translation.override("en"):
        english = event.get_kind_display()
        assert english == str(AccountEvent.Kind.PASSWORD_CHANGED.label)
    with translation.override("fr"):
        french = event.get_kind_display()

    assert english != french
    with translation.override("fr"):
        assert french == str(AccountEvent.Kind.PASSWORD_CHANGED.label)


def test_a_value_outside_the_choices_shows_as_it_is():
    assert Order(status="lost-in-transit").get_status_display() == "lost-in-transit"
    assert Order(status=Order.Status.PAID).get_status_display() == str(Order.Status.PAID.label)
