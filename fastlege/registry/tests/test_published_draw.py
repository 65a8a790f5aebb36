"""The published draw of a list reduction (§ 11, issue 20 item 6): households by
pseudonym, nothing that names a person, and the same result from the published input."""

from __future__ import annotations

import datetime
import hashlib
import json

import pytest

from fastlege.accounts.models import Role
from fastlege.core.errors import DomainError
from fastlege.registry import draw
from fastlege.registry.models import ReductionDraw, Resident
from fastlege.registry.published_draws import own_draws, publication
from fastlege.registry.services import cancel_list_reduction, prepare_list_reduction
from fastlege.registry.services.reduction import reproduce_draw
from fastlege.registry.tests.factories import add_members, gp_list, user_with

D = datetime.date
TODAY = D(2026, 3, 10)
MONTH = D(2026, 10, 1)


def reduced(muni, seed=None):
    """A list of 10 families of three and 12 people alone, 14 above its ceiling, two
    receiving lists (8 and 6 places)."""
    source = gp_list(ceiling=500, members=0)
    for h in range(1, 11):
        mum, dad = add_members(source, 2, household=h)
        add_members(source, 1, household=h, birth_date=D(2016, 1, 1), mother=mum, father=dad)
    add_members(source, 12)
    source.ceiling = 28
    source.save()
    t1, t2 = gp_list(ceiling=100), gp_list(ceiling=100)
    reduction = prepare_list_reduction(
        muni, source, effective_on=MONTH, plan=[(t1, 8), (t2, 6)], seed=seed, today=TODAY
    )
    return reduction, (t1, t2)


@pytest.fixture
def muni():
    return user_with(Role.MUNICIPALITY, municipality_id="5001")


@pytest.mark.django_db
def test_the_publication_is_the_recorded_draw_by_pseudonym(muni):
    reduction, (t1, t2) = reduced(muni)
    data = publication(reduction)
    assert data["method"] == "sha256-v2" and data["seed"] == reduction.seed
    assert data["seed_given"] is False and data["to_move"] == 14
    assert [(t["list"], t["places"]) for t in data["targets"]] == [(t1.pk, 8), (t2.pk, 6)]
    # 10 households of three and 12 alone, every one once
    assert sorted(h["size"] for h in data["households"]) == [1] * 12 + [3] * 10
    # Who was drawn, recomputed here from the method as docs/draw.md states it.
    order = sorted(
        data["households"],
        key=lambda h: hashlib.sha256(f"{data['seed']}:{h['pseudonym']}".encode()).hexdigest(),
    )
    room, expected = {t1.pk: 8, t2.pk: 6}, []
    for h in order:
        for target in (t1.pk, t2.pk):
            if room[target] >= h["size"]:
                room[target] -= h["size"]
                expected.append({"pseudonym": h["pseudonym"], "list": target})
                break
    assert data["drawn"] == expected
    # ... and it is what the reduction recorded: each drawn person's household pseudonym
    # went to the list the person was moved to.
    size = {h["pseudonym"]: h["size"] for h in data["households"]}
    assert sum(size[d["pseudonym"]] for d in data["drawn"]) == reduction.drawn == 14
    moved_to = {d["pseudonym"]: d["list"] for d in data["drawn"]}
    for row in ReductionDraw.objects.filter(reduction=reduction):
        person = Resident.objects.get(pk=row.resident_id)
        [own] = own_draws(user_with(Role.CITIZEN, resident=person), person)
        assert moved_to[own.pseudonym] == row.target_agreement_id


@pytest.mark.django_db
def test_nothing_published_names_a_person(muni):
    reduction, _targets = reduced(muni)
    text = json.dumps(publication(reduction), ensure_ascii=False)
    for person in Resident.objects.all():
        assert person.nin not in text and person.last_name not in text
    for h in publication(reduction)["households"]:
        assert set(h) == {"pseudonym", "size", "excluded"}
        assert len(h["pseudonym"]) == 14 and h["pseudonym"].count("-") == 2


@pytest.mark.django_db
def test_pseudonyms_do_not_link_two_reductions_even_with_the_same_seed(muni):
    first, _targets = reduced(muni, seed=11)
    before = {h["pseudonym"] for h in publication(first)["households"]}
    cancel_list_reduction(muni, first, today=TODAY)
    again = prepare_list_reduction(
        muni,
        first.agreement,
        effective_on=MONTH,
        plan=[(gp_list(ceiling=100), 14)],
        seed=11,
        today=TODAY,
    )
    assert again.units == first.units  # the same households ...
    after = {h["pseudonym"] for h in publication(again)["households"]}
    assert not before & after  # ... with unrelated pseudonyms
    assert publication(again)["seed_given"] is True


@pytest.mark.django_db
def test_the_recorded_draw_is_reproduced(muni):
    reduction, _targets = reduced(muni)
    stored = {
        (d.resident_id, d.target_agreement_id)
        for d in ReductionDraw.objects.filter(reduction=reduction)
    }
    again = reproduce_draw(reduction)
    assert {(rid, t) for _n, unit, t in again.assignments for rid in unit} == stored


def test_the_method_keeps_households_whole_and_honours_exclusions():
    households = [
        draw.Household("aaaa-0000-0001", 3),
        draw.Household("aaaa-0000-0002", 1, excluded=(7,)),
        draw.Household("aaaa-0000-0003", 1),
        draw.Household("aaaa-0000-0004", 2),
    ]
    result = draw.draw(households, [(7, 2), (8, 2)], seed=5)
    by_name = {h.pseudonym: h for h in households}
    for name, target in result:
        assert target not in by_name[name].excluded
    per_list = {t: sum(by_name[n].size for n, tt in result if tt == t) for t in (7, 8)}
    assert per_list[7] <= 2 and per_list[8] <= 2
    assert "aaaa-0000-0001" not in dict(result)  # three people fit nowhere
    assert draw.draw(households, [(7, 2), (8, 2)], seed=5) == result
    assert {draw.draw(households, [(7, 2), (8, 2)], seed=s)[0][0] for s in range(20)} != {
        result[0][0]
    }  # another seed, another order


@pytest.mark.django_db
def test_the_pseudonym_key_is_not_shown_in_the_admin(muni, admin_client):
    reduction, _targets = reduced(muni)
    page = admin_client.get(f"/admin/registry/listreduction/{reduction.pk}/change/")
    assert page.status_code == 200
    assert reduction.pseudonym_key not in page.content.decode()


@pytest.mark.django_db
def test_only_the_person_and_who_acts_for_them_see_their_pseudonym(muni):
    reduction, _targets = reduced(muni)
    row = ReductionDraw.objects.filter(reduction=reduction).first()
    assert row is not None
    person = Resident.objects.get(pk=row.resident_id)
    stranger = Resident.objects.exclude(household=person.household).exclude(pk=person.pk).first()
    with pytest.raises(DomainError):
        own_draws(user_with(Role.CITIZEN, resident=stranger), person)
