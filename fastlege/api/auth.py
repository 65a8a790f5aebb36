"""Token authentication for API clients: ``Authorization: Bearer flk_<prefix>.<secret>``.

The token is looked up by its prefix and compared by hash in constant time; a
revoked or expired token, or one of a deactivated client, is refused like a wrong
one (401, no hint which). The request then acts as the client's service account,
so every selector and service scopes it like the web pages do. ``last_used_at`` is
written at most once a minute per token, so reading does not turn into writing.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from fastlege.api.models import ApiToken
from fastlege.api.services.clients import matches, split

TOUCH_EVERY = datetime.timedelta(minutes=1)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        scheme, _sep, value = header.partition(" ")
        if scheme != self.keyword:
            return None
        parts = split(value.strip())
        token = None
        if parts is not None:
            token = ApiToken.objects.select_related("client__user").filter(prefix=parts[0]).first()
        now = timezone.now()
        if (
            token is None
            or not matches(token, parts[1] if parts else "")
            or not token.valid_at(now)
            or not token.client.active
            or not token.client.user.is_active
        ):
            raise exceptions.AuthenticationFailed(
                _("Ugyldig, utløpt eller tilbaketrukket API-nøkkel.")
            )
        if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        user = token.client.user
        user.api_client = token.client
        return user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="fastlege-api"'
