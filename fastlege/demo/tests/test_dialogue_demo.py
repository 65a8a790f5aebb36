"""`fastlege dialogue_demo` enters the meetings of the source documents."""

from __future__ import annotations

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_demo_command_enters_the_source_meetings_once():
    from fastlege.dialogue.models import Forum, Meeting

    call_command("dialogue_demo")
    call_command("dialogue_demo")
    assert Meeting.objects.count() == 6
    stavanger = Meeting.objects.get(place="Stavanger")
    assert stavanger.programme.count() == 11 and stavanger.series is not None
    assert Forum.objects.get().parties.count() == 3
