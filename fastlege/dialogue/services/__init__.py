"""Writes of the dialogue app: one transaction each, an acting user, an audit row."""

from .anonymise import anonymise_due
from .consultations import (
    SubmissionData,
    confirm_submission_email,
    create_consultation,
    mark_submission,
    publish_submissions,
    submit,
)
from .errors import Code, DialogueError
from .followup import may_follow_up, record_follow_up
from .forum import (
    add_party,
    build_agenda,
    create_forum,
    open_case,
    record_decision,
    set_case_indicators,
)
from .meetings import (
    MeetingData,
    add_action,
    add_group,
    add_group_note,
    create_meeting,
    create_series,
    extend_registration_deadline,
    save_minutes,
    set_action_status,
    set_capacity,
    set_programme,
    set_published,
)
from .registrations import RegistrationData, cancel, confirm_email, register

__all__ = [
    "may_follow_up",
    "record_follow_up",
    "Code",
    "DialogueError",
    "MeetingData",
    "RegistrationData",
    "SubmissionData",
    "add_action",
    "add_group",
    "add_group_note",
    "add_party",
    "anonymise_due",
    "build_agenda",
    "cancel",
    "confirm_email",
    "confirm_submission_email",
    "create_consultation",
    "create_forum",
    "create_meeting",
    "create_series",
    "extend_registration_deadline",
    "mark_submission",
    "open_case",
    "publish_submissions",
    "record_decision",
    "register",
    "save_minutes",
    "set_action_status",
    "set_capacity",
    "set_case_indicators",
    "set_programme",
    "set_published",
    "submit",
]
