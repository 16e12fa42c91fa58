from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from essor.core.emails import deferred, queue_email
from essor.core.ratelimit import clear_login_failures, login_locked, record_login_failure

from .models import User
from .services import password_reset_link


class SignupForm(forms.ModelForm):
    password1 = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Confirmation du mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    accept_terms = forms.BooleanField(
        label="J'ai lu comment ESSor traite mes données personnelles.", required=True
    )

    class Meta:
        model = User
        fields = ["email", "first_name", "last_name"]
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "email"})}

    def clean_email(self):
        # An address that has an account is not refused here: the answer would tell who
        # has an account (issue 12.12). services.sign_up e-mails the holder instead.
        return self.cleaned_data["email"].lower()

    def validate_unique(self):
        pass  # the same reason: services.sign_up handles an address already taken

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "Les deux mots de passe ne correspondent pas.")
        if p1:
            candidate = User(
                email=cleaned.get("email", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_password(self.cleaned_data["password1"])
        if commit:
            user.save()
        return user


class EmailAuthenticationForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Adresse e-mail ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
        "unconfirmed": "Confirmez d'abord votre adresse e-mail : suivez le lien reçu par e-mail, "
        "ou demandez-en un nouveau.",
        "locked": "Trop de mots de passe erronés pour ce compte : par sécurité, il refuse les "
        "connexions pendant encore %(minutes)s minute(s). Vous pouvez réinitialiser votre mot "
        "de passe pour le débloquer tout de suite.",
    }

    def clean(self):
        # The per-account lock holds whatever the client's address, and even for the
        # right password: a guesser learns nothing while it lasts.
        email = (self.cleaned_data.get("username") or "").strip()
        if email:
            wait = login_locked(email)
            if wait:
                raise forms.ValidationError(
                    self.error_messages["locked"],
                    code="locked",
                    params={"minutes": (wait + 59) // 60},
                )
        try:
            cleaned = super().clean()
        except forms.ValidationError as error:
            if email and error.code == "invalid_login":
                record_login_failure(email)
            raise
        if email:
            clear_login_failures(email)
        return cleaned

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.has_confirmed_email:
            raise forms.ValidationError(self.error_messages["unconfirmed"], code="unconfirmed")


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, with the e-mail sent by the task worker."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        # The link (its token) is made when the e-mail is sent, never stored in the queue.
        user = context["user"]
        queue_email(
            "accounts/emails/password_reset",
            {"user": user, "link": deferred(password_reset_link, user)},
            [to_email],
        )


class ResendConfirmationForm(forms.Form):
    email = forms.EmailField(label="Adresse e-mail")


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name"]


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Votre mot de passe, pour confirmer",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        if not self.user.check_password(self.cleaned_data["password"]):
            raise forms.ValidationError("Mot de passe incorrect.")
        return self.cleaned_data["password"]
