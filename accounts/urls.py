from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("signup/client/", views.signup_client, name="signup-client"),
    path("signup/lawyer/", views.signup_lawyer, name="signup-lawyer"),
    path("signup/check-your-email/", views.signup_done, name="signup-done"),
    path("verify-email/resend/", views.verification_resend, name="verification-resend"),
    path("verify-email/<str:token>/", views.verify_email, name="verify-email"),
    path("organisation/", views.organisation, name="organisation"),
    path(
        "organisation/join-code/",
        views.organisation_join_code_regenerate,
        name="organisation-join-code-regenerate",
    ),
]

# Django's auth views keep their global names (login, logout, password_reset, …).
auth_urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
