"""The audit log is append-only, enforced by the database itself."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from app.core.audit import AuditEntry, record_audit
from app.core.auth import Actor
from tests.factories import UserFactory


def _actor(community_id: int) -> Actor:
    staff = UserFactory()
    return Actor(staff.id, community_id, frozenset({"admin"}), "sid", "10.0.0.1", "req-00000001")


def test_an_action_is_recorded_with_who_where_and_why(db, community):
    record_audit(_actor(community.id), "household.reveal_phone", "occupant", 42, reason="上门核实")
    db.session.flush()

    entry = db.session.scalar(select(AuditEntry))
    assert (entry.action, entry.object_type, entry.object_id) == (
        "household.reveal_phone",
        "occupant",
        "42",
    )
    assert (entry.community_id, entry.actor_roles, entry.ip) == (community.id, "admin", "10.0.0.1")
    assert entry.request_id == "req-00000001"
    assert entry.reason == "上门核实"


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_log SET reason = 'edited'", "DELETE FROM audit_log"]
)
def test_audit_rows_cannot_be_changed_or_removed(db, community, statement):
    record_audit(_actor(community.id), "role.grant", "user", 1)
    db.session.flush()

    with pytest.raises(OperationalError, match="append-only"), db.session.begin_nested():
        db.session.execute(text(statement))

    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 1
