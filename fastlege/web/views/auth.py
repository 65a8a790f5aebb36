"""Log-in and log-out. The identity step is Django's; docs/login.md tells how ID-porten
(OpenID Connect) replaces it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from fastlege.registry.services.access import scope_of
from fastlege.web.forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


def start_url(user: Any) -> str:
    """Where a user lands after log-in: the main page of their role."""
    scope = scope_of(user)
    if scope.residents:
        return reverse("web:citizen_home")
    if scope.doctors:
        return reverse("web:gp_home")
    if scope.municipalities:
        return reverse("web:municipality", args=[sorted(scope.municipalities)[0]])
    if scope.counties:
        return reverse("web:county", args=[sorted(scope.counties)[0]])
    if scope.national:
        return reverse("web:national")
    if scope.ministry:
        return reverse("dialogue:organiser")
    return reverse("web:no_role")


@never_cache
def start(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return HttpResponseRedirect(reverse("web:login"))
    return HttpResponseRedirect(start_url(request.user))


def no_role(request: HttpRequest) -> HttpResponse:
    return render(request, "web/no_role.html")
