from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailinglistsConfig(AppConfig):
    name = "mailinglists"
    verbose_name = _("Mailing lists")

    def ready(self):
        from anymail.signals import inbound, tracking

        from mailinglists import checks, overview, personal_data, retention  # noqa: F401  (registrations)
        from mailinglists.signals import on_inbound, on_tracking

        inbound.connect(on_inbound, dispatch_uid="mailinglists.on_inbound")
        tracking.connect(on_tracking, dispatch_uid="mailinglists.on_tracking")
