"""The roles of a request's caller come from Redis, and every change to them is seen at once."""

from __future__ import annotations

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from app.accounts.models import Membership, Role, User
from app.accounts.services.role_cache import cached_roles_of
from app.accounts.services.roles import grant_role, revoke_role


def _ids(person) -> tuple[int, int]:
    me = person.get("/api/v1/me").json
    return me["id"], me["community"]["id"]


def test_a_second_request_reads_the_callers_roles_without_touching_membership(make_staff, sql_log):
    grid_worker = make_staff("grid_worker")
    grid_worker.get("/api/v1/reports/categories")
    sql_log.clear()

    assert grid_worker.get("/api/v1/reports/categories").status_code == 200

    assert sql_log  # the endpoint's own query ran
    assert sql_log.reading("membership", "membership_role") == []


def test_a_role_granted_after_roles_were_cached_counts_on_the_next_request(make_staff, db):
    person = make_staff("grid_worker")
    user_id, community_id = _ids(person)
    assert person.get("/api/v1/admin/audit-log").status_code == 403

    grant_role(None, user_id, community_id, Role.ADMIN, reason="test")

    assert person.get("/api/v1/admin/audit-log").status_code == 200


def test_a_revoked_role_stops_working_on_the_next_request(make_staff, db):
    admin = make_staff("admin")
    user_id, community_id = _ids(admin)
    assert admin.get("/api/v1/admin/audit-log").status_code == 200

    revoke_role(None, user_id, community_id, Role.ADMIN, reason="test")

    response = admin.get("/api/v1/admin/audit-log")
    assert response.status_code == 403
    assert response.json["reason"] == "role_required"


def test_a_deleted_membership_ends_the_tokens_of_that_community(resident, db):
    user_id, community_id = _ids(resident)
    membership = db.session.scalar(
        Membership.__table__.select()
        .where(Membership.user_id == user_id, Membership.community_id == community_id)
        .with_only_columns(Membership.id)
    )
    db.session.delete(db.session.get(Membership, membership))
    db.session.flush()

    assert resident.get("/api/v1/me").status_code == 401


def test_an_entry_filled_from_rows_read_before_a_commit_is_dropped_by_the_commit(
    make_staff, app, db, redis_client
):
    """A request that read the generations after the grant's first bump but the rows from
    before its commit caches the old roles; the bump after the commit must outdate them."""
    person = make_staff("grid_worker")
    user_id, community_id = _ids(person)
    grant_role(None, user_id, community_id, Role.ADMIN, reason="test")
    key = f"linli:roles:{user_id}:{community_id}"
    user_gen = int(redis_client.get(f"linli:roles-gen:u:{user_id}") or 0)
    community_gen = int(redis_client.get(f"linli:roles-gen:c:{community_id}") or 0)
    redis_client.set(key, f"{user_gen}:{community_gen}:grid_worker")
    with app.app_context():
        assert cached_roles_of(user_id, community_id) == frozenset({"grid_worker"})

    db.session.commit()

    with app.app_context():
        assert cached_roles_of(user_id, community_id) == frozenset({"grid_worker", "admin"})


def test_a_rolled_back_grant_leaves_the_roles_as_they_were(make_staff, app, db):
    person = make_staff("grid_worker")
    user_id, community_id = _ids(person)
    with db.session.begin_nested() as savepoint:
        grant_role(None, user_id, community_id, Role.ADMIN, reason="test")
        savepoint.rollback()

    assert person.get("/api/v1/admin/audit-log").status_code == 403
    with app.app_context():
        assert cached_roles_of(user_id, community_id) == frozenset({"grid_worker"})


def test_a_disabled_user_is_cached_as_unable_to_act_until_enabled_again(resident, db):
    user = db.session.get(User, _ids(resident)[0])
    user.is_active = False
    db.session.flush()
    assert resident.get("/api/v1/me").status_code == 401
    assert resident.get("/api/v1/me").status_code == 401  # from the cache this time

    user.is_active = True
    db.session.flush()

    assert resident.get("/api/v1/me").status_code == 200


def test_joining_a_community_after_being_refused_there_counts_at_once(resident, app, db):
    from app.accounts.services.roles import ensure_membership
    from tests.factories import CommunityFactory

    user_id = _ids(resident)[0]
    elsewhere = CommunityFactory(slug="shuangjing")
    with app.app_context():
        assert cached_roles_of(user_id, elsewhere.id) is None  # not a member: cached as such

        ensure_membership(db.session.get(User, user_id), elsewhere)

        assert cached_roles_of(user_id, elsewhere.id) == frozenset()


def test_a_role_change_that_cannot_reach_redis_fails_rather_than_leave_old_roles(
    make_staff, app, db, monkeypatch
):
    admin = make_staff("admin")
    user_id, community_id = _ids(admin)

    def unavailable(*args, **kwargs):
        raise RedisConnectionError("down")

    monkeypatch.setattr(app.extensions["redis"], "incr", unavailable)
    with pytest.raises(RedisConnectionError):
        revoke_role(None, user_id, community_id, Role.ADMIN, reason="test")
