from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Customer accounts")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from accounts import overview, personal_data  # noqa: F401  (registrations)
        from accounts.reauthentication import password_typed_at_login
        from accounts.signals import forget_login_session, record_login_session

        user_logged_in.connect(record_login_session, dispatch_uid="accounts.record_login_session")
        user_logged_in.connect(password_typed_at_login, dispatch_uid="accounts.password_typed_at_login")
        user_logged_out.connect(forget_login_session, dispatch_uid="accounts.forget_login_session")
