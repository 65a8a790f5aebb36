"""The registry's operations. Every write is a function here: one transaction, an
explicit acting user (``actor``; ``None`` is the system itself), an audit row in
the same transaction, and a ``DomainError`` with a stable code on refusal that
leaves nothing behind.

Modules: ``citizen`` (switch, cancel, opt out/in), ``waiting`` (waiting lists),
``municipality`` (lists, GPs, substitutes, closing, placing the unassigned),
``agreements`` (competence, the age limit and extensions, ending on § 12's terms),
``ceiling`` (list ceiling changes), ``reduction`` (list reduction by lot),
``removal`` (§§ 38–39), ``absence`` (a GP's absence and its cover),
``population`` (events from the population register), ``wind_down`` (shared-list
wind-downs, deleliste),
``notifications`` (letters to residents), ``practice`` (what a practice tells
citizens), ``file_import`` (a municipality's registry loaded from files,
docs/import.md); ``errors`` has the codes.
"""

from fastlege.registry.services.absence import change_absence, decide_absence, register_absence
from fastlege.registry.services.agreements import end_agreements_at_age_limit, extend_agreement
from fastlege.registry.services.ceiling import (
    apply_ceiling_change,
    approve_ceiling_change,
    refuse_ceiling_change,
    request_ceiling_change,
    withdraw_ceiling_change,
)
from fastlege.registry.services.citizen import (
    cancel_switch,
    declare_sami_speaker,
    opt_in,
    opt_out,
    request_switch,
)
from fastlege.registry.services.errors import Code
from fastlege.registry.services.municipality import (
    assign_gp,
    close_agreement,
    create_list,
    gp_leaves,
    place_unassigned,
    register_substitute,
    set_list_open,
    take_over_list,
)
from fastlege.registry.services.notifications import create_print_batch, mark_read
from fastlege.registry.services.population import (
    register_arrival,
    register_birth,
    register_death,
    register_emigration,
    register_move,
)
from fastlege.registry.services.practice import update_practice_info
from fastlege.registry.services.reduction import cancel_list_reduction, prepare_list_reduction
from fastlege.registry.services.removal import remove_resident_for_threats
from fastlege.registry.services.waiting import (
    join_waiting_list,
    leave_waiting_list,
    place_from_waiting_list,
)
from fastlege.registry.services.wind_down import (
    cancel_wind_down,
    name_successor,
    register_wind_down,
)

__all__ = [
    "update_practice_info",
    "Code",
    "change_absence",
    "decide_absence",
    "register_absence",
    "apply_ceiling_change",
    "approve_ceiling_change",
    "assign_gp",
    "cancel_list_reduction",
    "cancel_switch",
    "cancel_wind_down",
    "close_agreement",
    "create_list",
    "create_print_batch",
    "declare_sami_speaker",
    "end_agreements_at_age_limit",
    "extend_agreement",
    "gp_leaves",
    "join_waiting_list",
    "leave_waiting_list",
    "mark_read",
    "name_successor",
    "opt_in",
    "opt_out",
    "place_from_waiting_list",
    "place_unassigned",
    "prepare_list_reduction",
    "refuse_ceiling_change",
    "register_arrival",
    "register_birth",
    "register_death",
    "register_emigration",
    "register_move",
    "register_substitute",
    "register_wind_down",
    "remove_resident_for_threats",
    "request_ceiling_change",
    "request_switch",
    "set_list_open",
    "take_over_list",
    "withdraw_ceiling_change",
]
