from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.contrib.auth.signals import user_logged_in


class MandrakeonlineConfig(AppConfig):
    name = "mandrakeonline"
    verbose_name = "Mandrake Online"

    def ready(self):
        from mandrakeonline.middleware import mark_session_start

        user_logged_in.connect(mark_session_start, dispatch_uid="mandrakeonline.mark_session_start")


class StaffAdminConfig(admin_apps.AdminConfig):
    default = False  # named in INSTALLED_APPS in place of django.contrib.admin
    default_site = "mandrakeonline.admin_site.StaffAdminSite"
