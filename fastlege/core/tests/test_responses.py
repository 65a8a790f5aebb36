"""Issue 18, low findings on responses: huge numbers are bad input (never a 500 on
SQLite), error pages are Norwegian, personal pages are never cached, the health check
tells the public only ok/not ok, and the public search hides small waiting counts."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

from fastlege.accounts.models import Role
from fastlege.registry.models import WaitingListEntry
from fastlege.registry.tests.factories import add_members, gp_list, user_with

pytestmark = pytest.mark.django_db

HUGE = "9" * 25


def _patterns(resolver: URLResolver, prefix: str = ""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def test_no_url_takes_an_unbounded_integer():
    """Every id in a URL uses the bounded ``id`` converter (at most 18 digits)."""
    unbounded = [
        route
        for route, p in _patterns(get_resolver())
        if any(isinstance(c, IntConverter) for c in getattr(p.pattern, "converters", {}).values())
    ]
    assert unbounded == []


def test_a_huge_id_in_a_url_is_not_found():
    client = Client()
    client.force_login(user_with(Role.MUNICIPALITY, municipality_id="5001"))
    r = client.get(f"/kommune/5001/liste/{HUGE}/")
    assert r.status_code == 404


def test_a_huge_number_in_a_form_is_a_form_error_not_a_server_error():
    person = add_members(gp_list(ceiling=10), 1)[0]
    client = Client(raise_request_exception=False)
    client.force_login(user_with(Role.CITIZEN, resident=person))
    r = client.post(reverse("web:switch", args=[person.pk]), {"agreement": HUGE}, follow=True)
    assert r.status_code == 200
    assert person.switch_requests.count() == 0


def test_a_number_too_large_for_the_database_anywhere_else_gives_400_in_norwegian(rf):
    """Paths the converter and the forms do not guard (e.g. the admin's model forms)
    reach the database with what they get; on SQLite a number beyond 2⁶³ − 1 raises
    OverflowError. The middleware answers 400 in Norwegian, not 500."""
    from fastlege.core.middleware import PrivatePagesAndBadNumbers

    def view(request):
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    middleware = PrivatePagesAndBadNumbers(view)
    request = rf.get("/")
    try:
        view(request)
    except OverflowError as exc:
        response = middleware.process_exception(request, exc)
    assert response is not None and response.status_code == 400
    assert "Et tall i forespørselen er for stort." in response.content.decode()
    assert middleware.process_exception(request, ValueError("other")) is None


def test_error_pages_are_norwegian(settings):
    client = Client(enforce_csrf_checks=True)
    r = client.post(reverse("web:login"), {"username": "x", "password": "y"})
    assert r.status_code == 403
    assert "Skjemaet er utløpt" in r.content.decode()
    from django.template.loader import render_to_string

    assert "Noe gikk galt" in render_to_string("500.html")
    assert "Ugyldig forespørsel" in render_to_string("400.html")


def test_personal_pages_are_never_cached_public_ones_may_be():
    client = Client()
    public = client.get(reverse("home"))
    assert "no-store" not in public.get("Cache-Control", "")
    client.force_login(user_with(Role.MUNICIPALITY, municipality_id="5001"))
    personal = client.get(reverse("web:municipality", args=["5001"]))
    control = personal["Cache-Control"]
    assert "no-store" in control and "private" in control


def test_the_health_check_says_ok_and_nothing_else():
    r = Client().get(reverse("health"))
    assert r.status_code == 200 and r.json() == {"status": "ok"}


def test_the_public_search_hides_waiting_counts_below_five():
    full = gp_list(ceiling=2, members=2)
    waiting = add_members(gp_list(ceiling=100), 7)
    for person in waiting[:2]:
        WaitingListEntry.objects.create(resident=person, agreement=full)
    html = Client().get(reverse("web:find_gp"), {"kommune": "5001"}).content.decode()
    assert "(&lt;5 venter)" in html and "(2 venter)" not in html
    for person in waiting[2:]:
        WaitingListEntry.objects.create(resident=person, agreement=full)
    html = Client().get(reverse("web:find_gp"), {"kommune": "5001"}).content.decode()
    assert "(7 venter)" in html
