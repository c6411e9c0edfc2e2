from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("signup/", views.sign_up, name="sign_up"),
    path("signup/sent/", views.sign_up_sent, name="sign_up_sent"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/code/", views.login_code, name="login_code"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("forgot-number/", views.forgot_number, name="forgot_number"),
    path("forgot-number/sent/", views.forgot_number_sent, name="forgot_number_sent"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_sent.html"),
        name="password_reset_sent",
    ),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("verify-email/<uidb64>/<token>/", views.verify_email, name="verify_email"),
    path("account/", views.account_overview, name="overview"),
    path("account/data/", views.my_data, name="my_data"),
    path("account/delete/", views.delete_account, name="delete_account"),
    path("account/marketing/", views.marketing, name="marketing"),
    path("account/marketing/withdraw/", views.withdraw_marketing, name="withdraw_marketing"),
    path("account/deleted/", views.account_deleted, name="account_deleted"),
    path("account/data/export/", views.request_data_export, name="request_data_export"),
    path("account/data/export/<int:export_id>/", views.data_export, name="data_export"),
    path("account/data/export/<int:export_id>/status/", views.data_export_status, name="data_export_status"),
    path("account/data/export/<int:export_id>/download/", views.download_data_export, name="download_data_export"),
    path("account/profile/", views.edit_profile, name="edit_profile"),
    path("account/address/", views.edit_address, name="edit_address"),
    path("account/email/", views.change_email, name="change_email"),
    path("account/email/verify/", views.resend_verification, name="resend_verification"),
    path(
        "account/email/confirm/<uidb64>/<token>/",
        views.confirm_email_change,
        name="confirm_email_change",
    ),
    path("account/password/", views.PasswordChangeView.as_view(), name="change_password"),
    path("account/security/", views.security, name="security"),
    path("account/confirm-password/", views.confirm_password, name="confirm_password"),
    path("account/security/two-factor/", views.two_factor_setup, name="two_factor_setup"),
    path("account/security/two-factor/off/", views.two_factor_disable, name="two_factor_disable"),
    path("account/security/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("account/security/recovery-codes/new/", views.renew_recovery_codes, name="renew_recovery_codes"),
    path("account/history/", views.history, name="history"),
    path("account/security/sessions/<int:session_id>/end/", views.end_session, name="end_session"),
    path("account/security/sessions/end-others/", views.end_other_sessions, name="end_other_sessions"),
]
