from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.http import HttpRequest


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        required=False, help_text="Optional. Only used to send you a link if you forget your password."
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")


class AccountDeleteForm(forms.Form):
    """Asks for the password again before an account is deleted.

    Checked through `authenticate`, so a wrong password counts towards the login lockout (django-axes): a session
    left open on a shared computer cannot be used to guess the password here."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, request: HttpRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        user = self.request.user
        checked = authenticate(self.request, username=user.get_username(), password=password)
        if checked is None or checked.pk != user.pk:
            raise forms.ValidationError("That is not your password. Your account has not been deleted.")
        return password
