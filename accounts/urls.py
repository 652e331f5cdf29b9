from django.urls import path

from .views import public

app_name = "accounts"

urlpatterns = [
    path("signup/", public.SignupView.as_view(), name="signup"),
    path("signup/sent/", public.SignupSentView.as_view(), name="signup_sent"),
    path("email/confirm/<str:token>/", public.EmailConfirmView.as_view(), name="email_confirm"),
    path("email/confirm-again/", public.EmailConfirmationResendView.as_view(), name="email_confirmation_resend"),
    path("login/", public.LoginView.as_view(), name="login"),
    path("logout/", public.LogoutView.as_view(), name="logout"),
    path("profile/", public.ProfileView.as_view(), name="profile"),
    path("password/change/", public.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", public.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", public.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        public.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
]
