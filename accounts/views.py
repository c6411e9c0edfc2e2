from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from accounts import deletion, export, forms, overview, reauthentication, services, two_factor
from accounts.models import AccountEvent, Customer, DataExport, LoginSession, MarketingProfile, PrivacyRequest
from accounts.reauthentication import reauthentication_required
from accounts.tokens import email_change_token, email_verification_token
from mandrakeonline.personal_data import registry
from mandrakeonline.ratelimit import by_customer, by_posted, rate_limit

HOUR = 3600


def _activate_language(response, language: str):
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        samesite="Lax",
    )
    return response


def _posted(request):
    # Not `request.POST or None`: an empty POST (every field cleared) must still be a
    # submitted form.
    return request.POST if request.method == "POST" else None


def _customer_from_link(uidb64: str, token: str, token_generator) -> Customer:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        raise Http404 from None
    customer = Customer.objects.filter(pk=pk, is_active=True).first()
    if customer is None or not token_generator.check_token(customer, token):
        raise Http404
    return customer


@rate_limit("sign-up", limit=10, window_seconds=HOUR)
def sign_up(request):
    if request.user.is_authenticated:
        return redirect("accounts:overview")
    form = forms.SignUpForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        services.customer_sign_up(
            email=form.cleaned_data["email"], password=form.cleaned_data["password1"], **form.account_fields()
        )
        # The same page whether or not the address already had an account.
        return _activate_language(redirect("accounts:sign_up_sent"), form.cleaned_data["language"])
    return render(request, "accounts/sign_up.html", {"form": form})


def sign_up_sent(request):
    return render(request, "accounts/sign_up_sent.html")


class LoginView(auth_views.LoginView):
    form_class = forms.LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        customer = form.get_user()
        if two_factor.has_two_factor(customer):
            # Not logged in yet: the password was right, the code comes next.
            two_factor.start_pending_login(self.request, customer, next_url=self.get_success_url())
            return redirect("accounts:login_code")
        response = super().form_valid(form)
        # From now on the site speaks the language the customer chose.
        return _activate_language(response, customer.language)


def _safe_next(request, default: str) -> str:
    next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return next_url
    return default


@never_cache
@rate_limit("login-code", limit=30, window_seconds=HOUR)
def login_code(request):
    """The second step of a login, for accounts with two-factor authentication; also for a
    staff member logged in before setting it up, whom the admin sends here."""
    if request.user.is_authenticated:
        customer, next_url = request.user, _safe_next(request, resolve_url(settings.LOGIN_REDIRECT_URL))
        if customer.is_verified() or not two_factor.has_two_factor(customer):
            return redirect(next_url)
    else:
        pending = two_factor.pending_login(request)
        customer = pending and Customer.objects.filter(pk=pending["customer"], is_active=True).first()
        if not customer:
            messages.info(request, _("Please log in again."))
            return redirect("accounts:login")
        next_url = pending["next"]
    form = forms.TwoFactorCodeForm(customer, _posted(request))
    if request.method == "POST" and form.is_valid():
        if not request.user.is_authenticated:
            two_factor.end_pending_login(request)
            login(request, customer, backend=pending["backend"])
        otp_login(request, form.device)
        if two_factor.is_recovery_code_device(form.device):
            services.recovery_code_used(customer=customer)
        return _activate_language(redirect(next_url), customer.language)
    return render(request, "accounts/login_code.html", {"form": form})


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        # Added after the session is emptied, so it reaches the next page.
        messages.success(request, _("You are logged out."))
        return response


@rate_limit("forgot-number", limit=20, window_seconds=HOUR)
@rate_limit("forgot-number-email", limit=5, window_seconds=HOUR, key=by_posted("email"))
def forgot_number(request):
    form = forms.ForgotNumberForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        services.customer_send_number_reminder(email=form.cleaned_data["email"])
        # The same answer whether or not the address has an account.
        return redirect("accounts:forgot_number_sent")
    return render(request, "accounts/forgot_number.html", {"form": form})


def forgot_number_sent(request):
    return render(request, "accounts/forgot_number_sent.html")


@rate_limit("email-link", limit=30, window_seconds=HOUR)
def verify_email(request, uidb64, token):
    # GET shows a button; only the POST verifies, because mail scanners follow links.
    try:
        customer = _customer_from_link(uidb64, token, email_verification_token)
    except Http404:
        return render(request, "accounts/link_invalid.html", status=404)
    if request.method == "POST":
        services.customer_verify_email(customer=customer)
        # Whoever holds this link has the mailbox the number was sent to: showing the
        # number here reveals nothing the email did not, and saves looking it up.
        return render(request, "accounts/email_verified.html", {"customer": customer})
    return render(request, "accounts/verify_email.html", {"customer": customer})


@login_required
@require_POST
@rate_limit("resend-verification", limit=5, window_seconds=HOUR, key=by_customer)
def resend_verification(request):
    if not request.user.email_verified:
        services.customer_send_verification(customer=request.user)
        messages.success(
            request,
            _("We sent a new link to %(email)s.") % {"email": request.user.email},
        )
    return redirect("accounts:overview")


@login_required
def account_overview(request):
    return render(
        request,
        "accounts/overview.html",
        {"sections": overview.sections_for(request.user)},
    )


@login_required
def edit_profile(request):
    form = forms.ProfileForm(_posted(request), instance=Customer.objects.get(pk=request.user.pk))
    if request.method == "POST" and form.is_valid():
        services.customer_update_details(customer=request.user, changes=form.cleaned_data, actor=request.user)
        messages.success(request, _("Your name and language are saved."))
        return _activate_language(redirect("accounts:overview"), request.user.language)
    return render(request, "accounts/edit_profile.html", {"form": form})


@login_required
def edit_address(request):
    form = forms.AddressForm(_posted(request), instance=Customer.objects.get(pk=request.user.pk))
    if request.method == "POST" and form.is_valid():
        services.customer_update_details(customer=request.user, changes=form.cleaned_data, actor=request.user)
        messages.success(request, _("Your postal address is saved."))
        return redirect("accounts:overview")
    return render(request, "accounts/edit_address.html", {"form": form})


@login_required
@reauthentication_required
@rate_limit("change-email", limit=10, window_seconds=HOUR, key=by_customer)
def change_email(request):
    form = forms.EmailChangeForm(request.user, _posted(request))
    if request.method == "POST" and form.is_valid():
        new_email = form.cleaned_data["new_email"]
        services.customer_request_email_change(customer=request.user, new_email=new_email)
        messages.success(
            request,
            _("We sent a link to %(email)s. Your address changes when you follow it.") % {"email": new_email},
        )
        return redirect("accounts:overview")
    return render(request, "accounts/change_email.html", {"form": form})


@rate_limit("email-link", limit=30, window_seconds=HOUR)
def confirm_email_change(request, uidb64, token):
    try:
        customer = _customer_from_link(uidb64, token, email_change_token)
    except Http404:
        return render(request, "accounts/link_invalid.html", status=404)
    if not customer.pending_email:
        return render(request, "accounts/link_invalid.html", status=404)
    if request.method == "POST":
        try:
            services.customer_confirm_email_change(customer=customer)
        except services.EmailAlreadyUsed:
            return render(request, "accounts/link_invalid.html", status=409)
        messages.success(
            request,
            _("Your email address is now %(email)s.") % {"email": customer.email},
        )
        return redirect("accounts:overview" if request.user.is_authenticated else "accounts:login")
    return render(request, "accounts/confirm_email_change.html", {"customer": customer})


@method_decorator([login_required, reauthentication_required], name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    # The password was typed within minutes (reauthentication_required): the form asks only
    # for the new one.
    form_class = SetPasswordForm
    template_name = "accounts/change_password.html"
    success_url = reverse_lazy("accounts:overview")

    def form_valid(self, form):
        previous_session_key = self.request.session.session_key
        response = super().form_valid(form)  # keeps this session logged in, under a new key
        services.login_session_rekey(old_key=previous_session_key, new_key=self.request.session.session_key)
        services.customer_password_changed(
            customer=form.user, actor=form.user, current_session_key=self.request.session.session_key
        )
        messages.success(self.request, _("Your password is changed."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = forms.PasswordResetRequestForm
    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("accounts:password_reset_sent")


password_reset = rate_limit("password-reset", limit=20, window_seconds=HOUR)(
    rate_limit("password-reset-identifier", limit=5, window_seconds=HOUR, key=by_posted("identifier"))(
        PasswordResetView.as_view()
    )
)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:login")

    def render_to_response(self, context, **kwargs):
        # A used, expired or forged link is "not found", like the other links in our emails.
        return super().render_to_response(context, status=200 if self.validlink else 404, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        services.customer_password_changed(customer=form.user, actor=None)
        messages.success(self.request, _("Your new password is set. You can log in with it now."))
        return response


def locked_out(request, original_response, credentials):
    """django-axes calls this when a customer number is paused after too many failures."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"cooloff_minutes": minutes}, status=429)


@login_required
def security(request):
    sessions = LoginSession.objects.for_customer(request.user).order_by("-last_seen")
    return render(
        request,
        "accounts/security.html",
        {
            "sessions": sessions,
            "current_session_key": request.session.session_key,
            "authenticator": two_factor.authenticator_of(request.user),
            "recovery_codes_left": two_factor.recovery_codes_left(request.user),
        },
    )


@login_required
@rate_limit("confirm-password", limit=10, window_seconds=HOUR, key=by_customer)
def confirm_password(request):
    next_url = _safe_next(request, reverse("accounts:security"))
    form = forms.PasswordConfirmForm(request.user, _posted(request))
    if request.method == "POST" and form.is_valid():
        reauthentication.mark_password_typed(request)
        return redirect(next_url)
    return render(request, "accounts/confirm_password.html", {"form": form})


SHOW_RECOVERY_CODES = "_show_recovery_codes"


@never_cache
@login_required
@reauthentication_required
def two_factor_setup(request):
    device = two_factor.unconfirmed_authenticator(request.user)
    form = forms.TwoFactorSetupForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.two_factor_enable(
                customer=request.user, code=form.cleaned_data["code"], current_session_key=request.session.session_key
            )
        except services.WrongCode:
            form.add_error("code", ValidationError(forms.wrong_code_message(), code="wrong_code"))
        else:
            otp_login(request, device)  # this browser has just shown it holds the second factor
            request.session[SHOW_RECOVERY_CODES] = codes
            messages.success(request, _("Two-factor authentication is on."))
            return redirect(_with_next("accounts:recovery_codes", request))
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_code": two_factor.qr_code_svg(device),
            "secret": two_factor.secret_for_typing(device),
            "replacing": two_factor.has_two_factor(request.user),
        },
    )


def _with_next(url_name: str, request) -> str:
    next_url = request.GET.get(REDIRECT_FIELD_NAME)
    return reverse(url_name) + (f"?{urlencode({REDIRECT_FIELD_NAME: next_url})}" if next_url else "")


@never_cache
@login_required
def recovery_codes(request):
    # Shown once, right after they are made: they are not kept anywhere the page could read.
    codes = request.session.pop(SHOW_RECOVERY_CODES, None)
    if codes is None:
        return redirect("accounts:security")
    next_url = _safe_next(request, reverse("accounts:security"))
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next_url": next_url})


@login_required
@reauthentication_required
def renew_recovery_codes(request):
    if not two_factor.has_two_factor(request.user):
        return redirect("accounts:security")
    if request.method == "POST":
        request.session[SHOW_RECOVERY_CODES] = services.recovery_codes_renew(customer=request.user)
        return redirect("accounts:recovery_codes")
    return render(request, "accounts/renew_recovery_codes.html")


@login_required
@reauthentication_required
def two_factor_disable(request):
    if not two_factor.has_two_factor(request.user):
        return redirect("accounts:security")
    if request.method == "POST":
        services.two_factor_disable(customer=request.user, actor=request.user)
        messages.success(request, _("Two-factor authentication is off."))
        return redirect("accounts:security")
    return render(request, "accounts/two_factor_disable.html")


@login_required
@require_POST
def end_session(request, session_id):
    login_session = get_object_or_404(LoginSession.objects.for_customer(request.user), pk=session_id)
    services.login_sessions_end(customer=request.user, sessions=LoginSession.objects.filter(pk=login_session.pk))
    if login_session.session_key == request.session.session_key:
        return redirect("accounts:login")
    messages.success(request, _("That browser is logged out."))
    return redirect("accounts:security")


@login_required
@require_POST
def end_other_sessions(request):
    ended = services.login_sessions_end_others(customer=request.user, current_session_key=request.session.session_key)
    messages.success(request, _("Every other browser is logged out (%(count)s).") % {"count": ended})
    return redirect("accounts:security")


@login_required
def my_data(request):
    return render(request, "accounts/my_data.html", {"summary": registry.summary(request.user)})


@login_required
@reauthentication_required
@rate_limit("data-export", limit=5, window_seconds=24 * HOUR, key=by_customer)
def request_data_export(request):
    if request.method == "POST":
        try:
            data_export = services.data_export_request(customer=request.user)
        except services.ExportAlreadyRunning:
            messages.info(request, _("Your previous export is still being prepared."))
            data_export = DataExport.objects.for_customer(request.user).latest("requested_at")
        return redirect("accounts:data_export", data_export.pk)
    recent = DataExport.objects.for_customer(request.user).order_by("-requested_at")[:5]
    return render(request, "accounts/request_data_export.html", {"exports": recent})


@login_required
def data_export(request, export_id):
    data_export = get_object_or_404(DataExport.objects.for_customer(request.user), pk=export_id)
    return render(request, "accounts/data_export.html", {"export": data_export})


@login_required
def data_export_status(request, export_id):
    data_export = get_object_or_404(DataExport.objects.for_customer(request.user), pk=export_id)
    return JsonResponse({"status": data_export.status, "percent": data_export.progress_percent})


@login_required
def download_data_export(request, export_id):
    data_export = get_object_or_404(DataExport.objects.for_customer(request.user), pk=export_id)
    if not data_export.is_downloadable:
        return render(request, "accounts/data_export.html", {"export": data_export}, status=410)
    filename = f"mandrakeonline-{request.user.customer_number}-{data_export.finished_at:%Y%m%d}.zip"
    return FileResponse(export.export_path(data_export).open("rb"), as_attachment=True, filename=filename)


@login_required
@reauthentication_required
def delete_account(request):
    form = forms.DeleteAccountForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        deletion.account_delete(customer=request.user, actor=request.user, channel=PrivacyRequest.Channel.ONLINE)
        logout(request)
        return redirect("accounts:account_deleted")
    return render(
        request, "accounts/delete_account.html", {"form": form, "preview": deletion.deletion_preview(request.user)}
    )


def account_deleted(request):
    return render(request, "accounts/account_deleted.html")


@login_required
def marketing(request):
    profile = MarketingProfile.objects.filter(customer=request.user).first()
    form = forms.MarketingProfileForm(_posted(request), instance=profile)
    if request.method == "POST" and form.is_valid():
        services.marketing_answers_save(customer=request.user, answers=form.cleaned_data)
        messages.success(request, _("Thank you: your answers are saved."))
        return redirect("accounts:marketing")
    return render(request, "accounts/marketing.html", {"form": form, "profile": profile})


@login_required
@require_POST
def withdraw_marketing(request):
    services.marketing_answers_withdraw(customer=request.user)
    messages.success(request, _("Your answers are deleted."))
    return redirect("accounts:marketing")


@login_required
def history(request):
    events = AccountEvent.objects.for_customer(request.user).select_related("actor").order_by("-created_at", "-pk")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    rows = [(event, event.actor_description(request.user)) for event in page]
    return render(request, "accounts/history.html", {"page": page, "rows": rows})
