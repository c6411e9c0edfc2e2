from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from mandrakeonline import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("privacy/", views.privacy_policy, name="privacy_policy"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("mailinglists.urls")),
    path("", include("registrations.urls")),
    path("", include("billing.urls")),
]

# The ESP's webhooks: members' posts (inbound) and reports on sent mail (tracking). Served only
# with a secret for their basic auth: anymail would take anyone's calls otherwise.
if settings.ANYMAIL.get("WEBHOOK_SECRET"):
    urlpatterns.append(path("anymail/", include("anymail.urls")))

handler404 = "mandrakeonline.views.page_not_found"
handler500 = "mandrakeonline.views.server_error"
