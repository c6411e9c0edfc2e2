"""The staff admin: only for staff who passed the second factor in this session.

Staff log in on the site's own login page (customer number, password, then the code of
their authenticator app). A staff member without a device is sent to set one up first; the
admin's own password-only login form is never offered.
"""

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import two_factor


class StaffAdminSite(admin.AdminSite):
    site_header = _("Mandrake Online staff")
    site_title = _("Mandrake Online staff")

    def has_permission(self, request):
        return super().has_permission(request) and request.user.is_verified()

    def login(self, request, extra_context=None):
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index", current_app=self.name)
        user = request.user
        if not user.is_authenticated:
            target = "accounts:login"
        elif not (user.is_active and user.is_staff):
            raise PermissionDenied
        elif user.is_verified():
            return redirect(next_url)
        elif two_factor.has_two_factor(user):
            # Logged in before the second factor was set up: the code is asked at login.
            target = "accounts:login_code"
        else:
            target = "accounts:two_factor_setup"
        return redirect(f"{reverse(target)}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")
