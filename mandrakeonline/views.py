from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.cache import never_cache

from mandrakeonline.personal_data import registry


def home(request):
    if request.user.is_authenticated:
        return redirect("accounts:overview")
    return render(request, "home.html")


@never_cache
def healthz(request):
    # One trivial query: proves the process is up and the database answers.
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def privacy_policy(request):
    # The policy is legal text: one template per language, each written whole, rather than
    # dozens of translated fragments. The table of data held comes from the registry.
    language = "fr" if translation.get_language() == "fr" else "en"
    context = {
        "kinds": registry.describe_models(),
        "unverified_days": settings.UNVERIFIED_SIGNUP_DAYS,
        "inactive_years": settings.INACTIVE_ACCOUNT_YEARS,
        "audit_years": settings.AUDIT_RETENTION_DAYS // 365,
        "billing_years": settings.BILLING_RETENTION_YEARS,
    }
    return render(request, f"privacy/policy_{language}.html", context)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
