from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essor.core.moderation import queue_states
from essor.core.ratelimit import clear_login_failures, ratelimit

from . import services
from .forms import (
    DeleteAccountForm,
    EmailAuthenticationForm,
    ProfileForm,
    QueuedPasswordResetForm,
    ResendConfirmationForm,
    SignupForm,
)
from .models import Notification
from .perms import can_moderate
from .tokens import read_confirmation_token

User = get_user_model()


@require_http_methods(["GET", "POST"])
@ratelimit("signup", limit=10, period=3600)
def signup(request):
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.sign_up(form)
        email = form.cleaned_data["email"]
        return render(request, "accounts/signup_done.html", {"email": email})
    return render(request, "accounts/signup.html", {"form": form})


@require_http_methods(["GET"])
def confirm_email(request, token):
    try:
        user_pk, email = read_confirmation_token(token)
    except signing.SignatureExpired:
        return render(request, "accounts/confirm_email_invalid.html", {"expired": True}, status=400)
    except signing.BadSignature:
        return render(request, "accounts/confirm_email_invalid.html", status=400)
    user = User.objects.filter(pk=user_pk, email__iexact=email).first()
    if user is None:
        return render(request, "accounts/confirm_email_invalid.html", status=400)
    if user.has_confirmed_email:
        messages.info(request, "Ce lien a déjà été utilisé : votre adresse est confirmée.")
        return redirect("accounts:login")
    user.confirm_email()
    messages.success(request, "Votre adresse est confirmée. Vous pouvez vous connecter.")
    return redirect("accounts:login")


@require_http_methods(["GET", "POST"])
@ratelimit("resend-confirmation", limit=5, period=3600)
def resend_confirmation(request):
    form = ResendConfirmationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
        # Same answer whether or not the address has an account: no account enumeration.
        if user and not user.has_confirmed_email:
            services.send_confirmation_email(user)
        return render(request, "accounts/signup_done.html", {"email": form.cleaned_data["email"]})
    return render(request, "accounts/resend_confirmation.html", {"form": form})


@method_decorator(ratelimit("login", limit=10, period=300), name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


@require_http_methods(["GET", "POST"])
def admin_login(request):
    """/gestion/login/ goes through the site login, its rate limits and its per-account
    lock: the admin has no login form of its own to guess passwords against."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = ""
    return redirect(f"{reverse('accounts:login')}?{urlencode({'next': target or '/gestion/'})}")


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, "Vous êtes déconnecté·e.")
    return redirect("portal:home")


@method_decorator(ratelimit("password-reset", limit=5, period=3600), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = QueuedPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form):
        response = super().form_valid(form)
        # Receiving the reset e-mail proves the address too, and lifts a login lock.
        if not form.user.has_confirmed_email:
            form.user.confirm_email()
        clear_login_failures(form.user.email)
        messages.success(self.request, "Votre mot de passe a été changé. Connectez-vous.")
        return response


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Votre profil est enregistré.")
        return redirect("accounts:profile")
    memberships = request.user.memberships.select_related("organisation")
    return render(request, "accounts/profile.html", {"form": form, "memberships": memberships})


@login_required
@require_http_methods(["GET"])
def export_data(request):
    response = HttpResponse(
        services.personal_data_json(request.user), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="mes-donnees-essor.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.delete_account(user)
        messages.success(request, "Votre compte et vos données personnelles ont été supprimés.")
        return redirect("portal:home")
    return render(request, "accounts/delete_account.html", {"form": form})


@login_required
@require_GET
def notifications(request):
    page = Paginator(request.user.notifications.all(), 20).get_page(request.GET.get("page"))
    return render(request, "accounts/notifications.html", {"page": page})


@login_required
@require_GET
def notification_open(request, pk):
    """Follow a notification to its page, and mark it read on the way."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    Notification.mark_read(request.user, [notification.pk])
    target = notification.url
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("accounts:notifications")
    return redirect(target)


@login_required
@require_POST
def notifications_read(request):
    """Mark one notification (`notification`) or all of them read."""
    chosen = [value for value in request.POST.getlist("notification") if value.isdigit()]
    Notification.mark_read(request.user, [int(v) for v in chosen] if chosen else None)
    messages.success(
        request, "Notification marquée comme lue." if chosen else "Tout est marqué comme lu."
    )
    return redirect("accounts:notifications")


@login_required
@require_GET
def moderation_overview(request):
    """Every moderation queue of the platform, with what waits in each."""
    if not can_moderate(request.user):
        raise PermissionDenied("Seule l'équipe de la CRESS modère les contenus de la plateforme.")
    states = queue_states()
    return render(
        request,
        "accounts/moderation.html",
        {"queues": states, "waiting": sum(state.count for state in states)},
    )
