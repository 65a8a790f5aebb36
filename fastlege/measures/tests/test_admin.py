"""The admin pages of the measures app open for national staff (superuser)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils.html import escape

from fastlege.measures.models import Demand, DemandList, Measure, MeasureType
from fastlege.measures.services import create_demand_list
from fastlege.measures.tests.factories import TRONDHEIM, measure, mtype

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [MeasureType, Measure, DemandList, Demand])
def test_changelist_add_and_change_pages_open(admin_client, model):
    measure(TRONDHEIM, value=1)
    create_demand_list(
        None,
        TRONDHEIM,
        title="Krav",
        submitted_by="Legene",
        demands=[("Mindre lister", mtype("lavere-listetak").pk)],
    )
    assert model in admin.site._registry
    meta = model._meta
    base = f"admin:{meta.app_label}_{meta.model_name}"
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"the test world holds no {meta.label}: add one"
    change_url = reverse(f"{base}_change", args=[obj.pk])
    changelist = admin_client.get(reverse(f"{base}_changelist"))
    assert changelist.status_code == 200
    assert escape(change_url) in changelist.content.decode()  # the row links to its page
    add = admin_client.get(reverse(f"{base}_add"))
    assert add.status_code == 200
    assert f"<h1>Legg til ny {escape(meta.verbose_name)}</h1>" in add.content.decode()
    change = admin_client.get(change_url)
    assert change.status_code == 200
    assert escape(str(obj)) in change.content.decode()  # the page is about that object
