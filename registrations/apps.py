from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    name = "registrations"
    verbose_name = _("Product registrations")

    def ready(self):
        from registrations import overview, personal_data  # noqa: F401  (registrations)
