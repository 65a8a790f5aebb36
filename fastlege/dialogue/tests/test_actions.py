"""Group work and what each does next: groups with questions and a rapporteur, the
answers, follow-up actions owned by a municipality (or a party, the county governor,
an organisation), their status with history, who may do what, what each owner sees,
and the reminder before the due date (once per action and due date)."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from fastlege.accounts.models import Role
from fastlege.core.errors import DomainError
from fastlege.core.models import AuditEvent
from fastlege.dialogue import selectors_actions
from fastlege.dialogue.models import (
    ActionStatusChange,
    FollowUpAction,
    ForumParty,
    GroupQuestion,
    OutgoingEmail,
)
from fastlege.dialogue.services import Code, actions, create_forum, register
from fastlege.dialogue.services.actions import REMINDER_PURPOSE
from fastlege.notices.models import Frequency, Notice
from fastlege.notices.models import Kind as NoticeKind
from fastlege.reference.models import Municipality
from fastlege.registry.tests.factories import user_with

from .factories import county_governor, meeting, ministry, municipality_user, registration

pytestmark = pytest.mark.django_db

D = datetime.date
TRONDHEIM, MELHUS, OSLO = "5001", "5028", "0301"
QUESTIONS = [
    "Hvilke utfordringer har kommunen med fastlegeordningen?",
    "Hvilke grep har dere tatt, og med hvilken effekt?",
]


def audits(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def refused(code: Code, fn, *args, **kwargs) -> None:
    before = (
        FollowUpAction.objects.count(),
        ActionStatusChange.objects.count(),
        GroupQuestion.objects.count(),
        AuditEvent.objects.count(),
    )
    with pytest.raises(DomainError) as exc:
        fn(*args, **kwargs)
    assert exc.value.code == code
    after = (
        FollowUpAction.objects.count(),
        ActionStatusChange.objects.count(),
        GroupQuestion.objects.count(),
        AuditEvent.objects.count(),
    )
    assert after == before, "a refusal changes nothing"


@pytest.fixture
def governor():
    return county_governor()


@pytest.fixture
def m(governor):
    return meeting(governor, date=D(2030, 12, 7))


def participant(m, n: int = 1, email: str = "referent@trondheim.kommune.no"):
    return register(None, m.pk, registration(m.pk, n, email=email), email_confirmed=True)


# --- groups and answers --------------------------------------------------------------


def test_the_organiser_creates_a_group_with_questions_and_a_registered_rapporteur(governor, m):
    reg = participant(m)
    group = actions.add_group(governor, m.pk, "Gruppe 1", "\n".join(QUESTIONS) + "\n\n",
                              rapporteur_id=reg.pk)  # fmt: skip
    assert [q.text for q in group.questions.order_by("position")] == QUESTIONS
    assert [q.position for q in group.questions.order_by("position")] == [1, 2]
    assert group.rapporteur == reg and group.rapporteur_name == ""
    assert audits("dialogue.group.create") == 1


def test_a_rapporteur_must_be_registered_for_this_meeting_and_not_also_named(governor, m):
    other = meeting(governor, title="Et annet møte")
    stranger = participant(other)
    refused(Code.RAPPORTEUR_NOT_PARTICIPANT, actions.add_group, governor, m.pk, "G",
            QUESTIONS, rapporteur_id=stranger.pk)  # fmt: skip
    mine = participant(m)
    refused(Code.RAPPORTEUR_AMBIGUOUS, actions.add_group, governor, m.pk, "G", QUESTIONS,
            rapporteur_id=mine.pk, rapporteur_name="Kari")  # fmt: skip
    group = actions.add_group(governor, m.pk, "G", QUESTIONS, rapporteur_name="Kari Nordmann")
    assert group.rapporteur is None and group.rapporteur_name == "Kari Nordmann"


def test_only_the_meetings_organiser_creates_groups(m):
    for outsider in (county_governor("03"), municipality_user(), ministry()):
        refused(Code.NOT_AUTHORISED, actions.add_group, outsider, m.pk, "G", QUESTIONS)


def test_changing_a_groups_questions_keeps_the_answers_of_unchanged_questions(governor, m):
    group = actions.add_group(governor, m.pk, "G", QUESTIONS)
    first, second = group.questions.order_by("position")
    actions.record_answers(governor, group.pk, {first.pk: "Svar 1", second.pk: "Svar 2"})
    actions.add_group(governor, m.pk, "G", [QUESTIONS[0], "Et nytt spørsmål?"])
    rows = list(group.questions.order_by("position").values_list("text", "answer"))
    assert rows == [(QUESTIONS[0], "Svar 1"), ("Et nytt spørsmål?", "")]


def test_the_organiser_and_the_rapporteur_record_answers_no_one_else(governor, m):
    reg = participant(m, email="Referent@Trondheim.kommune.no")
    group = actions.add_group(governor, m.pk, "G", QUESTIONS, rapporteur_id=reg.pk)
    first, second = group.questions.order_by("position")
    rapporteur = user_with(Role.MUNICIPALITY, municipality_id=TRONDHEIM)
    rapporteur.email = "referent@trondheim.kommune.no"
    rapporteur.save()
    changed = actions.record_answers(rapporteur, group.pk, {first.pk: " Rekruttering. "})
    assert [q.pk for q in changed] == [first.pk]
    first.refresh_from_db()
    assert first.answer == "Rekruttering." and first.answered_by == rapporteur
    event = AuditEvent.objects.get(action="dialogue.group.answers")
    assert event.details == {"questions": [1], "as_rapporteur": True}
    actions.record_answers(governor, group.pk, {second.pk: "ALIS-avtaler."})
    assert group.questions.exclude(answer="").count() == 2

    someone = municipality_user()  # same municipality, other address
    refused(Code.NOT_AUTHORISED, actions.record_answers, someone, group.pk, {first.pk: "x"})
    refused(Code.NOT_AUTHORISED, actions.record_answers, county_governor("03"), group.pk,
            {first.pk: "x"})  # fmt: skip
    other_group = actions.add_group(governor, m.pk, "H", ["Annet?"])
    foreign = other_group.questions.get()
    refused(Code.QUESTION_NOT_IN_GROUP, actions.record_answers, governor, group.pk,
            {foreign.pk: "x"})  # fmt: skip


# --- actions -------------------------------------------------------------------------


def test_an_action_for_a_municipality_has_a_real_owner_a_due_date_and_a_first_history_row(
    governor, m
):
    group = actions.add_group(governor, m.pk, "G", QUESTIONS)
    action = actions.add_action(governor, m.pk, what="Lage felles vikarordning",
                                owner_kind="kommune", municipality_id=TRONDHEIM,
                                due=D(2031, 3, 1), group_id=group.pk)  # fmt: skip
    assert action.municipality == Municipality.objects.get(pk=TRONDHEIM)
    assert action.owner_label == "Trondheim" and action.status == "apen"
    assert list(action.status_changes.values_list("old_status", "new_status")) == [("", "apen")]
    assert audits("dialogue.action.create") == 1


def test_owners_are_checked(governor, m):
    def add(**kw):
        return actions.add_action(governor, m.pk, what="Noe", due=D(2031, 1, 1), **kw)

    refused(Code.MUNICIPALITY_OUTSIDE_COUNTY, add, owner_kind="kommune", municipality_id=OSLO)
    refused(Code.UNKNOWN_MUNICIPALITY, add, owner_kind="kommune", municipality_id=None)
    refused(Code.UNKNOWN_PARTY, add, owner_kind="part", party_id=None)
    refused(Code.ACTION_OWNER_MISSING, add, owner_kind="organisasjon", responsible=" ")
    refused(Code.ACTION_OWNER_MISSING, add, owner_kind="noe annet")
    refused(Code.TEXT_REQUIRED, actions.add_action, governor, m.pk, what=" ", due=None,
            responsible="KS")  # fmt: skip
    refused(Code.DUE_BEFORE_MEETING, actions.add_action, governor, m.pk, what="Noe",
            due=D(2030, 12, 6), owner_kind="statsforvalter")  # fmt: skip
    national = meeting(ministry(), county_id=None, title="Nasjonalt møte")
    refused(Code.NO_COUNTY_GOVERNOR, actions.add_action, ministry(), national.pk, what="Noe",
            due=None, owner_kind="statsforvalter")  # fmt: skip
    forum = create_forum(None, name="Trepart", parties=[("KS", "KS")])
    party = ForumParty.objects.get(forum=forum)
    assert add(owner_kind="part", party_id=party.pk).owner_label == "KS"
    assert add(owner_kind="statsforvalter").owner_label == "Statsforvalteren"
    # a national meeting may give an action to any municipality
    other = actions.add_action(ministry(), national.pk, what="Noe", due=None,
                               owner_kind="kommune", municipality_id=OSLO)  # fmt: skip
    assert other.municipality_id == OSLO


def test_only_the_organiser_creates_actions(m):
    for outsider in (county_governor("03"), municipality_user(TRONDHEIM), ministry()):
        refused(Code.NOT_AUTHORISED, actions.add_action, outsider, m.pk, what="Noe", due=None,
                owner_kind="kommune", municipality_id=TRONDHEIM)  # fmt: skip


def test_the_owner_and_the_organiser_change_the_status_with_history(governor, m):
    action = actions.add_action(governor, m.pk, what="Vikarordning", due=D(2031, 3, 1),
                                owner_kind="kommune", municipality_id=TRONDHEIM)  # fmt: skip
    owner = municipality_user(TRONDHEIM)
    actions.set_action_status(owner, action.pk, "pagar", "Arbeidsgruppe nedsatt.")
    actions.set_action_status(owner, action.pk, "pagar", "Første møte holdt.")
    actions.set_action_status(governor, action.pk, "ferdig", "")
    action.refresh_from_db()
    assert action.status == "ferdig" and action.status_changed_at is not None
    history = list(
        action.status_changes.order_by("changed_at", "pk").values_list(
            "old_status", "new_status", "comment", "changed_by"
        )
    )
    assert history == [
        ("", "apen", "", governor.pk),
        ("apen", "pagar", "Arbeidsgruppe nedsatt.", owner.pk),
        ("pagar", "pagar", "Første møte holdt.", owner.pk),
        ("pagar", "ferdig", "", governor.pk),
    ]
    assert audits("dialogue.action.status") == 3


def test_no_one_else_changes_the_status_and_bad_input_changes_nothing(governor, m):
    action = actions.add_action(governor, m.pk, what="Vikarordning", due=D(2031, 3, 1),
                                owner_kind="kommune", municipality_id=TRONDHEIM)  # fmt: skip
    for outsider in (
        municipality_user(MELHUS),
        county_governor("03"),
        user_with(Role.MUNICIPALITY, municipality_id=OSLO),
        ministry(),
    ):
        refused(Code.NOT_AUTHORISED, actions.set_action_status, outsider, action.pk, "ferdig")
    owner = municipality_user(TRONDHEIM)
    refused(Code.UNKNOWN_STATUS, actions.set_action_status, owner, action.pk, "kanskje")
    refused(Code.STATUS_UNCHANGED, actions.set_action_status, owner, action.pk, "apen", " ")
    refused(Code.UNKNOWN_ACTION, actions.set_action_status, owner, action.pk + 999, "ferdig")


def test_the_county_governor_changes_their_own_actions_as_owner(governor, m):
    action = actions.add_action(governor, m.pk, what="Samle erfaringer", due=None,
                                owner_kind="statsforvalter")  # fmt: skip
    other_governor = county_governor()  # another user of the same office
    actions.set_action_status(other_governor, action.pk, "pagar")
    refused(Code.NOT_AUTHORISED, actions.set_action_status, county_governor("03"), action.pk,
            "ferdig")  # fmt: skip


# --- what each owner sees --------------------------------------------------------------


def make_actions(governor, m) -> dict[str, FollowUpAction]:
    def add(what, municipality, due, **kw):
        return actions.add_action(governor, m.pk, what=what, owner_kind="kommune",
                                  municipality_id=municipality, due=due, **kw)  # fmt: skip

    made = {
        "late": add("Forsinket", TRONDHEIM, D(2031, 1, 10)),
        "soon": add("Snart", TRONDHEIM, D(2031, 2, 1)),
        "done": add("Utført", TRONDHEIM, D(2031, 1, 5)),
        "dropped": add("Avlyst", TRONDHEIM, D(2031, 1, 6)),
        "melhus": add("Melhus sitt", MELHUS, D(2031, 1, 1)),
        "governor": actions.add_action(governor, m.pk, what="Statsforvalterens", due=None,
                                       owner_kind="statsforvalter"),
    }  # fmt: skip
    actions.set_action_status(governor, made["done"].pk, "ferdig")
    actions.set_action_status(governor, made["dropped"].pk, "avlyst")
    actions.set_action_status(governor, made["soon"].pk, "pagar")
    return made


def test_a_municipality_sees_its_open_actions_until_done_others_see_nothing(
    governor, m, monkeypatch
):
    made = make_actions(governor, m)
    monkeypatch.setattr(
        "fastlege.dialogue.selectors_actions.timezone.localdate", lambda: D(2031, 1, 20)
    )
    trondheim = Municipality.objects.get(pk=TRONDHEIM)
    owner = municipality_user(TRONDHEIM)
    rows = selectors_actions.open_actions_for_municipality(owner, trondheim)
    assert [a.what for a in rows] == ["Forsinket", "Snart"]
    marks = [(getattr(a, "is_overdue"), getattr(a, "can_change")) for a in rows]  # noqa: B009
    assert marks == [(True, True), (False, True)]
    # the county governor of the county reads them (and, as organiser, may change them)
    assert len(selectors_actions.open_actions_for_municipality(governor, trondheim)) == 2
    for outsider in (municipality_user(MELHUS), county_governor("03"), ministry()):
        assert selectors_actions.open_actions_for_municipality(outsider, trondheim) == []
    assert made["melhus"].pk not in [a.pk for a in rows]


def test_the_county_governor_sees_their_actions_on_their_start_page(governor, m):
    make_actions(governor, m)
    rows = selectors_actions.open_actions_for_county_governor(governor, "50")
    assert [a.what for a in rows] == ["Statsforvalterens"]
    assert selectors_actions.open_actions_for_county_governor(county_governor("03"), "50") == []
    assert selectors_actions.open_actions_for_county_governor(municipality_user(), "50") == []


def test_the_municipality_overview_shows_the_action_and_marking_it_done_removes_it(
    client, governor, m
):
    action = actions.add_action(governor, m.pk, what="Lage felles vikarordning",
                                owner_kind="kommune", municipality_id=TRONDHEIM,
                                due=D(2031, 3, 1))  # fmt: skip
    # the due date has passed (the service refuses a due date before the meeting)
    FollowUpAction.objects.filter(pk=action.pk).update(due=D(2021, 1, 1))
    owner = municipality_user(TRONDHEIM)
    client.force_login(owner)
    page = reverse("web:municipality", args=[TRONDHEIM])
    html = client.get(page).content.decode()
    assert html.count('data-testid="owner-action"') == 1
    assert "Lage felles vikarordning" in html and "over fristen" in html
    done = client.post(
        reverse("dialogue:action_status", args=[action.pk]),
        {"status": "ferdig", "comment": "Avtale signert.", "next": page},
    )
    assert done.status_code == 302 and done["Location"] == page
    after = client.get(page).content.decode()
    assert "er nå «utført»" in after  # the message says so, and the list is empty
    assert 'data-testid="owner-action"' not in after and "Ingen åpne oppfølgingspunkter" in after
    assert action.status_changes.order_by("pk").values_list("comment", flat=True).last() == (
        "Avtale signert."
    )

    client.force_login(municipality_user(MELHUS))
    assert client.post(reverse("dialogue:action_status", args=[action.pk]),
                       {"status": "apen"}).status_code == 404  # fmt: skip
    action.refresh_from_db()
    assert action.status == "ferdig"


def test_an_outside_next_address_is_not_followed(client, governor, m):
    action = actions.add_action(governor, m.pk, what="Noe", due=None,
                                owner_kind="kommune", municipality_id=TRONDHEIM)  # fmt: skip
    client.force_login(municipality_user(TRONDHEIM))
    response = client.post(
        reverse("dialogue:action_status", args=[action.pk]),
        {"status": "pagar", "next": "https://evil.example/"},
    )
    assert response["Location"].endswith(reverse("web:municipality", args=[TRONDHEIM]))


def test_the_organiser_table_and_csv_list_every_action_with_status(client, governor, m):
    make_actions(governor, m)
    client.force_login(governor)
    html = client.get(reverse("dialogue:organiser_meeting", args=[m.pk])).content.decode()
    assert html.count('data-testid="action-row"') == 6
    csv = client.get(reverse("dialogue:actions_export", args=[m.pk]))
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 1 + 6
    done = "Utført;kommune;Trondheim;5001;;05.01.2031;utført;nei"
    assert any(line.startswith(done) for line in lines)
    client.force_login(county_governor("03"))
    assert client.get(reverse("dialogue:actions_export", args=[m.pk])).status_code == 403


def test_the_public_minutes_show_answers_and_actions_but_not_the_rapporteur(client, governor, m):
    reg = participant(m, email="kari@example.no")
    group = actions.add_group(governor, m.pk, "Gruppe 1", QUESTIONS, rapporteur_id=reg.pk)
    first = group.questions.get(position=1)
    actions.record_answers(governor, group.pk, {first.pk: "Mangel på ALIS-stillinger."})
    actions.add_action(governor, m.pk, what="Felles ALIS-kontor", due=D(2031, 6, 1),
                       owner_kind="kommune", municipality_id=TRONDHEIM)  # fmt: skip
    html = client.get(reverse("dialogue:meeting", args=[m.pk])).content.decode()
    assert "Mangel på ALIS-stillinger." in html and QUESTIONS[1] in html
    assert "Felles ALIS-kontor" in html and "Trondheim" in html
    assert reg.name not in html


# --- reminders -------------------------------------------------------------------------


def test_reminders_go_once_per_action_and_due_date_to_the_owners_users(
    governor, m, django_capture_on_commit_callbacks
):
    owner = municipality_user(TRONDHEIM)
    owner.email = "kommuneoverlege@trondheim.kommune.no"
    owner.save()
    silent = municipality_user(TRONDHEIM)  # no address: not reminded
    silent.email = ""
    silent.save()
    due = D(2031, 3, 10)
    action = actions.add_action(governor, m.pk, what="Vikarordning", due=due,
                                owner_kind="kommune", municipality_id=TRONDHEIM)  # fmt: skip
    actions.add_action(governor, m.pk, what="Organisasjonens", due=due, responsible="KS",
                       contact_email="post@ks.no")  # fmt: skip
    actions.add_action(governor, m.pk, what="Uten adresse", due=due, responsible="Noen")
    done = actions.add_action(governor, m.pk, what="Ferdig", due=due, owner_kind="kommune",
                              municipality_id=TRONDHEIM)  # fmt: skip
    actions.set_action_status(governor, done.pk, "ferdig")
    days = 7  # rules.PARAMETERS action_reminder_days_before
    assert actions.send_action_reminders(due - datetime.timedelta(days=days + 1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.send_action_reminders(due - datetime.timedelta(days=days)) == 3
        assert actions.send_action_reminders(due - datetime.timedelta(days=days)) == 0
        assert actions.send_action_reminders(due) == 0
    # the municipality's user is told as they chose for follow-up actions (notices: the
    # daily digest by default); the organisation's contact address has no account, so
    # the dialogue's own outbox sends it at once
    sent = OutgoingEmail.objects.filter(purpose=REMINDER_PURPOSE)
    assert list(sent.values_list("to", flat=True)) == ["post@ks.no"]
    assert [m.to[0] for m in mail.outbox] == ["post@ks.no"]
    assert "10.03.2031" in sent.get(to="post@ks.no").subject
    queued = Notice.objects.get(kind=NoticeKind.ACTION)
    assert (queued.user_id, queued.frequency) == (owner.pk, Frequency.DAILY)
    assert "10.03.2031" in queued.subject
    # a new due date is reminded again
    FollowUpAction.objects.filter(pk=action.pk).update(due=D(2031, 4, 10))
    assert actions.send_action_reminders(D(2031, 4, 5)) == 1
    assert audits("dialogue.action.reminder") == 4


def test_the_reminder_command_runs_the_same_function(governor, m):
    from django.core.management import call_command

    actions.add_action(governor, m.pk, what="Noe", due=D(2031, 3, 10), responsible="KS",
                       contact_email="post@ks.no")  # fmt: skip
    call_command("dialogue_remind_actions", "--dato", "2031-03-05")
    call_command("dialogue_remind_actions", "--dato", "2031-03-06")
    assert OutgoingEmail.objects.filter(purpose=REMINDER_PURPOSE).count() == 1


# --- the demo ----------------------------------------------------------------------------


def test_the_demo_gives_the_trondelag_meeting_groups_answers_and_actions_once(client):
    from django.core.management import call_command

    from fastlege.dialogue.models import WorkGroup

    call_command("dialogue_demo")
    call_command("dialogue_demo")
    m = FollowUpAction.objects.values_list("meeting", flat=True).distinct().get()
    groups = [
        (g.name, g.questions.count(), g.questions.exclude(answer="").count())
        for g in WorkGroup.objects.filter(meeting_id=m).order_by("name")
    ]
    assert groups == [
        ("Gruppe 1 – kommunene", 2, 2),
        ("Gruppe 2 – fastlegene", 2, 2),
        ("Gruppe 3 – erfaringsdeling", 2, 1),
    ]
    statuses = sorted(FollowUpAction.objects.values_list("status", flat=True))
    assert statuses == sorted(["pagar", "ferdig", "pagar", "ferdig", "apen", "avlyst", "apen"])
    today = datetime.date.today()
    overdue = [a.what for a in FollowUpAction.objects.all() if a.overdue_on(today)]
    assert sorted(overdue) == [
        "Lage en felles vikarordning for kommunene i Trondheimsregionen",
        "Samle fastlegenes erfaringer med legevakt i distriktene",
    ]
    trondheim = Municipality.objects.get(pk=TRONDHEIM)
    shown = selectors_actions.open_actions_for_municipality(municipality_user(), trondheim)
    assert len(shown) == 2  # the overdue one and the one ahead; Melhus' is done
    assert ActionStatusChange.objects.filter(comment="To ALIS-avtaler inngått.").exists()
    # the demo's pages: the organiser's table, the minutes, the county governor's start page
    client.force_login(county_governor())
    html = client.get(reverse("dialogue:organiser_meeting", args=[m])).content.decode()
    assert html.count('data-testid="action-row"') == 7 and "Randi Aune" in html
    public = client.get(reverse("dialogue:meeting", args=[m])).content.decode()
    assert "Gruppe 3 – erfaringsdeling" in public and "Randi Aune" not in public
    county = client.get(reverse("web:county", args=["50"])).content.decode()
    assert county.count('data-testid="owner-action"') == 1
    assert "Felles retningslinjer for rekrutteringstilskudd" in county


def test_the_rapporteur_records_answers_on_the_groups_page_others_get_not_found(
    client, governor, m
):
    reg = participant(m, email="referent@trondheim.kommune.no")
    group = actions.add_group(governor, m.pk, "Gruppe 1", QUESTIONS, rapporteur_id=reg.pk)
    first, second = group.questions.order_by("position")
    rapporteur = municipality_user(TRONDHEIM)
    rapporteur.email = "referent@trondheim.kommune.no"
    rapporteur.save()
    page = reverse("dialogue:group_answers", args=[group.pk])
    client.force_login(rapporteur)
    assert QUESTIONS[0] in client.get(page).content.decode()
    saved = client.post(page, {f"svar_{first.pk}": "Ingen ledige plasser.",
                               f"svar_{second.pk}": ""})  # fmt: skip
    assert saved.status_code == 302
    first.refresh_from_db()
    assert first.answer == "Ingen ledige plasser." and first.answered_by == rapporteur
    for outsider in (municipality_user(TRONDHEIM), county_governor("03")):
        client.force_login(outsider)
        assert client.get(page).status_code == 404
        assert client.post(page, {f"svar_{first.pk}": "x"}).status_code == 404
    first.refresh_from_db()
    assert first.answer == "Ingen ledige plasser."


def test_the_migration_turns_a_groups_question_text_into_numbered_rows(transactional_db):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    before = [("dialogue", "0006_invitations")]
    after = [("dialogue", "0007_actions")]
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        OldMeeting = old.get_model("dialogue", "Meeting")  # noqa: N806
        OldGroup = old.get_model("dialogue", "WorkGroup")  # noqa: N806
        meeting_row = OldMeeting.objects.create(
            title="Møte", date=D(2030, 12, 7), start_time=datetime.time(9),
            end_time=datetime.time(12), place="Teams", organiser_name="SF",
            personal_data_until=D(2031, 3, 7),
        )  # fmt: skip
        OldGroup.objects.create(meeting=meeting_row, name="G", questions="Første?\n\n  Andre?  \n")
        OldGroup.objects.create(meeting=meeting_row, name="Tom", questions="")
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        new = executor.loader.project_state(after).apps
        rows = new.get_model("dialogue", "GroupQuestion").objects.order_by(
            "group__name", "position"
        )
        assert [(r.group.name, r.position, r.text) for r in rows] == [
            ("G", 1, "Første?"),
            ("G", 2, "Andre?"),
        ]
    finally:  # the schema back at the latest migration, whatever happened above
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_rapporteurs_are_anonymised_with_the_meetings_registrants(governor, m):
    from fastlege.dialogue.services import anonymise_due

    reg = participant(m, email="kari@example.no")
    registered = actions.add_group(governor, m.pk, "A", QUESTIONS, rapporteur_id=reg.pk)
    named = actions.add_group(governor, m.pk, "B", QUESTIONS, rapporteur_name="Ola Berg")
    anonymise_due(None, m.personal_data_until)
    registered.refresh_from_db()
    named.refresh_from_db()
    assert registered.rapporteur is not None and registered.rapporteur.name == "anonymisert"
    assert named.rapporteur_name == "anonymisert"
    assert [q.text for q in named.questions.order_by("position")] == QUESTIONS
