"""Forms of accounts: the log-in forms' refusal when locked, and user names
that must differ from every other user's in their canonical form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from fastlege.accounts.backends import was_locked
from fastlege.accounts.models import username_taken

LOCKED_MESSAGE = _("For mange mislykkede forsøk. Vent en stund og prøv igjen.")


class LockedMessageMixin:
    """On an authentication form: say that the attempt was refused by the limit."""

    request: Any

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()  # type: ignore[misc]
        except forms.ValidationError:
            if was_locked(self.request):
                raise forms.ValidationError(LOCKED_MESSAGE, code="locked") from None
            raise


class AdminLoginForm(LockedMessageMixin, AdminAuthenticationForm):
    """The admin's log-in form (``admin.site.login_form``)."""


class _CanonicalUsernameMixin:
    instance: Any
    cleaned_data: dict[str, Any]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if username_taken(username, exclude_pk=self.instance.pk):
            raise forms.ValidationError(
                _(
                    "En bruker med et likt brukernavn finnes allerede (store/små bokstaver "
                    "og varianter av tegn regnes som like)."
                ),
                code="username_lookalike",
            )
        return str(username)


class UserCreateForm(_CanonicalUsernameMixin, AdminUserCreationForm):
    pass


class UserEditForm(_CanonicalUsernameMixin, UserChangeForm):
    pass


class SecondFactorForm(forms.Form):
    """The code step: a code from the app (6 digits) or a recovery code."""

    code = forms.CharField(
        label=_("Engangskode"),
        max_length=32,
        strip=True,
        error_messages={"required": _("Skriv inn koden.")},
    )


class EnrolmentForm(forms.Form):
    """The app's first code, which confirms that it is set up."""

    code = forms.CharField(
        label=_("Kode fra appen"),
        max_length=16,
        strip=True,
        error_messages={"required": _("Skriv inn koden fra appen.")},
    )
