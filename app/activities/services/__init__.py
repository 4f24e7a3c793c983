"""Rules of activities: organising, signing up, the waiting list, check-in, reminders.

Split by concern: activities (the activity itself), eligibility (who may sign up with whom),
seats (the counters and the waiting list), signups, reading (what residents see), checkin,
roster (the organiser's lists and export), confirmations and reminders, notify (pushes
through the outbox);
errors holds what they refuse.
"""

from app.activities.services.activities import (
    cancel_activity,
    create_activity,
    get_activity,
    get_organised,
    list_activities,
    list_organised,
    update_activity,
)
from app.activities.services.checkin import (
    Attendee,
    ScanAction,
    ScanResult,
    activity_wxacode,
    checkin_code,
    list_scannable,
    scan_code,
    scan_scene,
)
from app.activities.services.confirmations import queue_confirmations
from app.activities.services.reading import (
    list_my_signups,
    refresh_offers,
    show_activity,
    show_my_signup,
)
from app.activities.services.reminders import send_due_reminders
from app.activities.services.roster import export_signups, list_participants, list_signups
from app.activities.services.seats import (
    activities_to_settle,
    expire_offers,
    settle,
    waitlist_position,
)
from app.activities.services.signups import (
    approve_signup,
    cancel_signup,
    confirm_offer,
    reject_signup,
    sign_up,
)

__all__ = [
    "Attendee",
    "ScanAction",
    "ScanResult",
    "activities_to_settle",
    "activity_wxacode",
    "approve_signup",
    "cancel_activity",
    "cancel_signup",
    "checkin_code",
    "confirm_offer",
    "create_activity",
    "expire_offers",
    "export_signups",
    "get_activity",
    "get_organised",
    "list_activities",
    "list_my_signups",
    "list_organised",
    "list_participants",
    "list_scannable",
    "list_signups",
    "queue_confirmations",
    "refresh_offers",
    "reject_signup",
    "scan_code",
    "scan_scene",
    "send_due_reminders",
    "settle",
    "show_activity",
    "show_my_signup",
    "sign_up",
    "update_activity",
    "waitlist_position",
]
