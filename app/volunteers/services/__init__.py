"""Rules of the volunteer corps: the hours ledger (ledger) and teams with their members (teams)."""

from app.volunteers.services.ledger import (
    CorrectionOfCorrection,
    CorrectionTooLarge,
    HoursEntryNotFound,
    Mismatch,
    balance,
    correct_entry,
    credit_hours,
    ledger_mismatches,
    list_entries,
    my_hours,
    team_balance,
)
from app.volunteers.services.teams import (
    VolunteerTeamNameTaken,
    VolunteerTeamNotFound,
    add_member,
    create_team,
    get_team,
    list_teams,
    team_ids_of,
)

__all__ = [
    "CorrectionOfCorrection",
    "CorrectionTooLarge",
    "HoursEntryNotFound",
    "Mismatch",
    "VolunteerTeamNameTaken",
    "VolunteerTeamNotFound",
    "add_member",
    "balance",
    "correct_entry",
    "create_team",
    "credit_hours",
    "get_team",
    "ledger_mismatches",
    "list_entries",
    "list_teams",
    "my_hours",
    "team_balance",
    "team_ids_of",
]
