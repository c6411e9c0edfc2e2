import pytest
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services, two_factor
from accounts.models import AccountEvent, LoginSession
from tests.conftest import PASSWORD, CommittingClient, code_of

pytestmark = pytest.mark.django_db


def turn_on(client, customer) -> list[str]:
    client.get("/account/security/two-factor/")
    device = TOTPDevice.objects.get(user=customer, confirmed=False)
    client.post("/account/security/two-factor/", {"code": code_of(device)})
    return client.session["_show_recovery_codes"]  # shown once, on the next page


@pytest.fixture
def protected(customer):
    """A customer with two-factor authentication on; returns their recovery codes."""
    device = TOTPDevice.objects.create(user=customer, name="authenticator", confirmed=True)
    codes = two_factor.new_recovery_codes(customer)
    return device, codes


def log_in(client, customer, **extra):
    return client.post(
        "/login/", {"username": customer.customer_number, "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en", **extra
    )


def test_the_setup_page_shows_a_qr_code_without_inline_script_or_style(customer_client, customer):
    response = customer_client.get("/account/security/two-factor/", HTTP_ACCEPT_LANGUAGE="en")

    page = response.content.decode()
    device = TOTPDevice.objects.get(user=customer, confirmed=False)
    assert "<svg" in page
    assert "<path" in page
    assert two_factor.secret_for_typing(device) in page
    assert "style=" not in page
    assert "<script>" not in page
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    # Reloading shows the same secret, so a half-done setup in the app still works.
    customer_client.get("/account/security/two-factor/")
    assert TOTPDevice.objects.get(user=customer, confirmed=False).pk == device.pk


def test_turning_it_on_needs_a_code_from_the_app_then_shows_the_recovery_codes_once(
    customer_client, customer, mailoutbox
):
    customer_client.get("/account/security/two-factor/")
    device = TOTPDevice.objects.get(user=customer, confirmed=False)

    wrong = customer_client.post("/account/security/two-factor/", {"code": "000000"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "This code is not right." in wrong.content.decode()
    assert not two_factor.has_two_factor(customer)

    device.throttle_reset()
    response = customer_client.post("/account/security/two-factor/", {"code": code_of(device)}, follow=True)

    assert two_factor.has_two_factor(customer)
    page = response.content.decode()
    codes = list(StaticToken.objects.filter(device__user=customer).values_list("token", flat=True))
    assert len(codes) == two_factor.RECOVERY_CODE_COUNT
    assert all(code in page for code in codes)
    assert customer_client.get("/account/security/recovery-codes/")["Location"] == "/account/security/"
    assert AccountEvent.objects.filter(customer=customer, kind="two_factor_enabled").exists()
    assert [message.subject for message in mailoutbox] == ["Two-factor authentication is on"]
    # This browser passed the second factor just now.
    assert customer_client.get("/account/").wsgi_request.user.is_verified()


def test_turning_it_on_logs_out_every_other_browser(customer, customer_client):
    laptop = CommittingClient()
    log_in(laptop, customer)
    assert LoginSession.objects.filter(customer=customer).count() == 2

    turn_on(customer_client, customer)

    assert laptop.get("/account/")["Location"].startswith("/login/")
    assert customer_client.get("/account/").status_code == 200


def test_the_login_asks_for_the_code_after_the_password(client, customer, protected):
    device, _codes = protected

    response = log_in(client, customer)

    assert response["Location"] == "/login/code/"
    assert "_auth_user_id" not in client.session  # not logged in before the code
    assert client.get("/account/")["Location"].startswith("/login/")

    refused = client.post("/login/code/", {"code": "123456"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "This code is not right." in refused.content.decode()
    assert "_auth_user_id" not in client.session

    device.throttle_reset()
    accepted = client.post("/login/code/", {"code": code_of(device)})
    assert accepted["Location"] == "/account/"
    assert client.get("/account/").wsgi_request.user.is_verified()


def test_the_code_step_goes_to_the_page_asked_for_before_the_login(client, customer, protected):
    device, _codes = protected

    log_in(client, customer, QUERY_STRING="next=/account/billing/")
    response = client.post("/login/code/", {"code": code_of(device)})

    assert response["Location"] == "/account/billing/"


def test_a_code_is_accepted_only_once(client, customer, protected):
    device, _codes = protected
    code = code_of(device)
    log_in(client, customer)
    client.post("/login/code/", {"code": code})

    thief = CommittingClient()
    log_in(thief, customer)
    response = thief.post("/login/code/", {"code": code}, HTTP_ACCEPT_LANGUAGE="en")

    assert "This code is not right." in response.content.decode()
    assert "_auth_user_id" not in thief.session


def test_guessing_codes_is_slowed_down(client, customer, protected):
    device, _codes = protected
    log_in(client, customer)
    client.post("/login/code/", {"code": "000000"})

    # Right away, even the right code waits: each wrong one doubles the pause.
    response = client.post("/login/code/", {"code": code_of(device)}, HTTP_ACCEPT_LANGUAGE="en")

    assert "Too many wrong codes in a row." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_code_step_without_the_password_step_sends_back_to_login(client, customer, protected):
    response = client.post("/login/code/", {"code": "123456"})

    assert response["Location"] == "/login/"


def test_the_code_step_expires(client, customer, protected, settings):
    device, _codes = protected
    log_in(client, customer)
    session = client.session
    session[two_factor.PENDING_LOGIN]["at"] -= settings.TWO_FACTOR_LOGIN_SECONDS + 1
    session.save()

    response = client.post("/login/code/", {"code": code_of(device)})

    assert response["Location"] == "/login/"
    assert "_auth_user_id" not in client.session


def test_a_recovery_code_logs_in_once_and_the_customer_is_told(client, customer, protected, mailoutbox):
    _device, codes = protected
    log_in(client, customer)

    response = client.post("/login/code/", {"code": codes[0].upper()[:4] + " " + codes[0][4:]})

    assert response["Location"] == "/account/"
    assert two_factor.recovery_codes_left(customer) == two_factor.RECOVERY_CODE_COUNT - 1
    assert [message.subject for message in mailoutbox] == ["A recovery code was used to log in"]
    assert "9 recovery codes are left." in mailoutbox[0].body
    assert AccountEvent.objects.filter(customer=customer, kind="recovery_code_used").exists()

    again = CommittingClient()
    log_in(again, customer)
    refused = again.post("/login/code/", {"code": codes[0]}, HTTP_ACCEPT_LANGUAGE="en")
    assert "This code is not right." in refused.content.decode()


def test_new_recovery_codes_replace_the_old_ones(customer_client, customer, protected):
    _device, old_codes = protected

    page = customer_client.post("/account/security/recovery-codes/new/", follow=True).content.decode()

    new_codes = set(StaticToken.objects.filter(device__user=customer).values_list("token", flat=True))
    assert len(new_codes) == two_factor.RECOVERY_CODE_COUNT
    assert not new_codes & set(old_codes)
    assert all(code in page for code in new_codes)
    assert AccountEvent.objects.filter(customer=customer, kind="recovery_codes_renewed").exists()


def test_turning_it_off_asks_a_confirmation_and_tells_the_customer(customer_client, customer, protected, mailoutbox):
    page = customer_client.get("/account/security/two-factor/off/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert two_factor.has_two_factor(customer)

    customer_client.post("/account/security/two-factor/off/")

    assert not two_factor.has_two_factor(customer)
    assert two_factor.recovery_codes_left(customer) == 0
    assert [message.subject for message in mailoutbox] == ["Two-factor authentication is off"]
    assert log_in(CommittingClient(), customer)["Location"] == "/account/"


def test_the_security_page_says_whether_it_is_on(customer_client, customer):
    off = customer_client.get("/account/security/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Turn on two-factor authentication" in off

    TOTPDevice.objects.create(user=customer, name="authenticator", confirmed=True)
    two_factor.new_recovery_codes(customer)

    on = customer_client.get("/account/security/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "10 recovery codes left." in on
    assert "Turn off two-factor authentication" in on


def test_the_my_data_page_and_the_export_know_the_devices(customer, protected):
    from mandrakeonline.personal_data import registry

    titles = {str(item["title"]): item["count"] for item in registry.summary(customer)}

    assert titles["Your two-factor authentication"] == 1
    assert titles["Your recovery codes"] == 1


def test_a_staff_member_without_a_device_is_sent_to_set_one_up_before_the_admin(client, staff):
    login = client.post("/login/", {"username": staff.customer_number, "password": PASSWORD})
    assert login["Location"] == "/account/"

    admin = client.get("/admin/", follow=True)
    assert admin.redirect_chain[-1][0] == "/account/security/two-factor/?next=%2Fadmin%2F"

    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    done = client.post("/account/security/two-factor/?next=%2Fadmin%2F", {"code": code_of(device)}, follow=True)
    assert done.redirect_chain[-1][0] == "/account/security/recovery-codes/?next=%2Fadmin%2F"
    assert 'href="/admin/"' in done.content.decode()
    assert client.get("/admin/").status_code == 200


def test_a_staff_member_with_a_device_reaches_the_admin_after_the_code(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="authenticator", confirmed=True)

    first = client.get("/admin/accounts/customer/", follow=True)
    assert first.redirect_chain[-1][0] == "/login/?next=%2Fadmin%2Faccounts%2Fcustomer%2F"

    client.post("/login/?next=/admin/accounts/customer/", {"username": staff.customer_number, "password": PASSWORD})
    response = client.post("/login/code/", {"code": code_of(device)})

    assert response["Location"] == "/admin/accounts/customer/"
    assert client.get("/admin/accounts/customer/").status_code == 200


def test_a_staff_session_without_the_second_factor_is_asked_for_the_code(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="authenticator", confirmed=True)
    client.force_login(staff)  # the password only

    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/login/code/?next=%2Fadmin%2F"

    client.post("/login/code/?next=%2Fadmin%2F", {"code": code_of(device)})
    assert client.get("/admin/").status_code == 200


def test_the_admin_has_no_password_only_login_form(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response["Location"] == "/login/?next=%2Fadmin%2F"


def test_staff_can_turn_it_off_for_a_customer_who_lost_everything(client, staff, customer, protected, mailoutbox):
    from tests.conftest import log_in_staff

    log_in_staff(client, staff)
    device, _codes = protected

    client.post("/admin/otp_totp/totpdevice/", {"action": "turn_off", "_selected_action": [device.pk]}, follow=True)

    assert not two_factor.has_two_factor(customer)
    event = AccountEvent.objects.get(customer=customer, kind="two_factor_disabled")
    assert event.actor == staff
    assert [message.to for message in mailoutbox] == [[customer.email]]


def test_the_device_admin_never_shows_the_secret(client, staff, protected):
    from tests.conftest import log_in_staff

    log_in_staff(client, staff)
    device, codes = protected

    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    recovery = client.get("/admin/otp_static/staticdevice/").content.decode()

    assert device.key not in page
    assert not [code for code in codes if code in recovery]


def test_services_refuse_a_wrong_code(customer):
    two_factor.unconfirmed_authenticator(customer)

    with pytest.raises(services.WrongCode):
        services.two_factor_enable(customer=customer, code="not a code", current_session_key=None)
