"""The mini-program reports popup answers and reads its templates; admins configure templates."""

from __future__ import annotations

from sqlalchemy import select

from app.core.audit import AuditEntry
from app.subscriptions.models import TemplatePurpose
from tests.factories import CommunityFactory
from tests.subscriptions.conftest import NOTICE_ID, REMINDER_ID, REPORT_ID, make_template

URL = "/api/v1/me/subscriptions"
ADMIN_URL = "/api/v1/admin/subscribe-templates"
NEW_TEMPLATE = {
    "purpose": "waitlist_promotion",
    "template_id": "tmpl_waitlist",
    "title": "候补成功通知",
    "fields": {"thing1": "thing", "time2": "time"},
    "mapping": {"thing1": "activity_title", "time2": "starts_at"},
    "page": "pages/activity/detail",
}


def _answers(*pairs):
    return {"results": [{"template_id": t, "status": s} for t, s in pairs]}


def test_popup_answers_become_credits_the_app_can_read(resident, templates):
    posted = resident.post(URL, json=_answers((NOTICE_ID, "accept"), (REPORT_ID, "reject")))
    listed = resident.get(URL)

    assert posted.status_code == 200
    assert listed.status_code == 200
    mine = {item["purpose"]: item for item in listed.json}
    assert mine["notice"] == {
        "purpose": "notice",
        "template_id": NOTICE_ID,
        "title": "notice 模板",
        "long_term": False,
        "count": 1,
        "last_status": "accept",
    }
    assert (mine["report_update"]["count"], mine["report_update"]["last_status"]) == (0, "reject")
    reminder = mine["activity_reminder"]
    assert (reminder["template_id"], reminder["long_term"]) == (REMINDER_ID, True)


def test_more_than_three_answers_in_one_call_are_refused(resident, templates):
    pairs = [(NOTICE_ID, "accept"), (REPORT_ID, "accept"), (REMINDER_ID, "accept")]

    response = resident.post(URL, json=_answers(*pairs, (NOTICE_ID, "reject")))

    assert response.status_code == 422
    assert {item["count"] for item in resident.get(URL).json} == {0}


def test_an_unknown_status_is_refused(resident, templates):
    response = resident.post(URL, json=_answers((NOTICE_ID, "maybe")))

    assert response.status_code == 422


def test_unknown_and_foreign_template_ids_are_refused(resident, templates, db):
    foreign = make_template(CommunityFactory().id, TemplatePurpose.NOTICE, "tmpl_foreign")

    for template_id in ("tmpl_nobody", foreign.template_id):
        response = resident.post(URL, json=_answers((template_id, "accept")))
        assert response.status_code == 422
        assert response.json["reason"] == "subscribe_template_unknown"


def test_subscriptions_need_a_login(client, templates):
    assert client.get(URL).status_code == 401


def test_an_admin_configures_a_template_and_it_is_audited(admin, db):
    response = admin.post(ADMIN_URL, json=NEW_TEMPLATE)

    assert response.status_code == 201
    assert response.json["fields"] == NEW_TEMPLATE["fields"]
    assert response.json["is_active"] is True
    assert [t["template_id"] for t in admin.get(ADMIN_URL).json] == ["tmpl_waitlist"]
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_type == "subscribe_template")
    ).all()
    assert actions == ["subscribe_template.create"]


def test_one_template_per_purpose(admin):
    admin.post(ADMIN_URL, json=NEW_TEMPLATE)

    response = admin.post(ADMIN_URL, json={**NEW_TEMPLATE, "template_id": "tmpl_other"})

    assert response.status_code == 409
    assert response.json["reason"] == "subscribe_template_purpose_taken"


def test_a_template_with_unknown_field_types_or_gaps_is_refused(admin):
    for changes in (
        {"fields": {"thing1": "words"}, "mapping": {"thing1": "title"}},
        {"fields": {"thing1": "thing", "time2": "time"}, "mapping": {"thing1": "title"}},
    ):
        response = admin.post(ADMIN_URL, json={**NEW_TEMPLATE, **changes})
        assert response.status_code == 422
        assert response.json["reason"] == "template_spec_invalid"


def test_an_admin_deactivates_a_template_and_it_leaves_the_app(admin, resident, db):
    created = admin.post(ADMIN_URL, json=NEW_TEMPLATE).json

    response = admin.client.patch(
        f"{ADMIN_URL}/{created['id']}", json={"is_active": False}, headers=admin.headers
    )

    assert response.status_code == 200 and response.json["is_active"] is False
    assert resident.get(URL).json == []
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_id == str(created["id"]))
    ).all()
    assert actions == ["subscribe_template.create", "subscribe_template.deactivate"]


def test_a_patch_is_checked_against_the_whole_template(admin):
    created = admin.post(ADMIN_URL, json=NEW_TEMPLATE).json

    response = admin.client.patch(
        f"{ADMIN_URL}/{created['id']}",
        json={"fields": {"thing1": "thing", "phrase3": "phrase"}},
        headers=admin.headers,
    )

    assert response.status_code == 422
    assert set(response.json["errors"]) == {"phrase3", "time2"}


def test_residents_cannot_configure_templates(resident):
    assert resident.post(ADMIN_URL, json=NEW_TEMPLATE).status_code == 403
    assert resident.get(ADMIN_URL).status_code == 403


def test_templates_of_another_community_cannot_be_changed(admin, db):
    foreign = make_template(CommunityFactory().id, TemplatePurpose.NOTICE, "tmpl_foreign")

    response = admin.client.patch(
        f"{ADMIN_URL}/{foreign.id}", json={"title": "改名"}, headers=admin.headers
    )

    assert response.status_code == 404
