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


def test_admins_read_their_communitys_audit_log_newest_first(admin, make_staff, db):
    from tests.factories import CommunityFactory

    admin.post("/api/v1/admin/grids", json={"name": "一"})
    admin.post("/api/v1/admin/grids", json={"name": "二"})
    CommunityFactory(slug="shuangjing")
    outsider = make_staff("admin", "shuangjing")

    page = admin.get("/api/v1/admin/audit-log?action=grid.create").json
    assert [e["detail"]["name"] for e in page["items"]] == ["二", "一"]
    assert all(e["actor_user_id"] == admin.user_id for e in page["items"])
    assert outsider.get("/api/v1/admin/audit-log?action=grid.create").json["total"] == 0


def test_only_admins_read_the_audit_log(make_staff):
    assert make_staff("grid_worker").get("/api/v1/admin/audit-log").status_code == 403
