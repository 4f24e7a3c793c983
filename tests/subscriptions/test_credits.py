"""Credits per person and template: popups grant them, sends spend them, refusals clear them."""

from __future__ import annotations

import json
import threading
import time
import uuid

import pytest
from sqlalchemy import delete, insert

from app.accounts.models import User
from app.community.models import Community
from app.subscriptions.models import SubscribeCredit, TemplatePurpose
from app.subscriptions.services import (
    SubscribeTemplateUnknown,
    apply_subscription_event,
    clear_credit,
    record_popup_results,
    refund_credit,
    spend_credit,
)
from app.wechat.push_dispatch import dispatch
from app.wechat.push_events import parse_body
from tests.factories import CommunityFactory
from tests.subscriptions.conftest import (
    NOTICE_ID,
    REMINDER_ID,
    REPORT_ID,
    credit,
    make_template,
)


def _popup(actor, *answers):
    return record_popup_results(actor, [{"template_id": t, "status": s} for t, s in answers])


def _event(openid: str, event: str, entries: list[dict], at: int = 1714521600) -> dict:
    # As WeChat sends it in JSON: List is an object for one entry, numbers as strings.
    body = {
        "ToUserName": "gh_0123456789ab",
        "FromUserName": openid,
        "CreateTime": str(at),
        "MsgType": "event",
        "Event": event,
        "List": entries[0] if len(entries) == 1 else entries,
    }
    return parse_body(json.dumps(body))


def _popup_event(openid, template_id, status="accept", at=1714521600):
    entry = {"TemplateId": template_id, "SubscribeStatusString": status, "PopupScene": "0"}
    return _event(openid, "subscribe_msg_popup_event", [entry], at)


def test_an_accept_adds_a_credit_each_time(db, templates, member):
    me = member()

    _popup(me, (NOTICE_ID, "accept"), (REPORT_ID, "accept"))
    mine = _popup(me, (NOTICE_ID, "accept"))

    assert credit(db, me.user_id, NOTICE_ID) == (2, "accept")
    assert credit(db, me.user_id, REPORT_ID) == (1, "accept")
    assert {m.template_id: m.count for m in mine} == {NOTICE_ID: 2, REPORT_ID: 1, REMINDER_ID: 0}


@pytest.mark.parametrize("status", ["reject", "ban", "filter"])
def test_other_answers_change_no_count_but_are_kept(db, templates, member, status):
    me = member()
    _popup(me, (NOTICE_ID, "accept"))

    _popup(me, (NOTICE_ID, status), (REPORT_ID, status))

    assert credit(db, me.user_id, NOTICE_ID) == (1, status)
    assert credit(db, me.user_id, REPORT_ID) == (0, status)


def test_templates_the_community_has_not_configured_are_refused(db, templates, member):
    other = make_template(CommunityFactory().id, TemplatePurpose.NOTICE, "tmpl_elsewhere")
    me = member()

    for template_id in ("tmpl_unknown", other.template_id):
        with pytest.raises(SubscribeTemplateUnknown):
            _popup(me, (NOTICE_ID, "accept"), (template_id, "accept"))

    assert credit(db, me.user_id, NOTICE_ID) is None


def test_a_spend_takes_one_credit_and_fails_without_one(db, templates, member):
    me = member()
    _popup(me, (NOTICE_ID, "accept"))

    assert spend_credit(me.user_id, NOTICE_ID) is True
    assert spend_credit(me.user_id, NOTICE_ID) is False
    refund_credit(me.user_id, NOTICE_ID)
    assert credit(db, me.user_id, NOTICE_ID)[0] == 1
    clear_credit(me.user_id, NOTICE_ID)
    assert spend_credit(me.user_id, NOTICE_ID) is False


def test_long_term_templates_need_no_credit(db, community, templates, member):
    me = member()

    assert spend_credit(me.user_id, REMINDER_ID, community_id=community.id) is True
    assert spend_credit(me.user_id, REMINDER_ID, long_term=True) is True
    assert spend_credit(me.user_id, NOTICE_ID, community_id=community.id) is False


def test_two_concurrent_spends_of_one_credit_succeed_once(app):
    """Real transactions on two connections: the conditional UPDATE lets exactly one win."""
    from app.extensions import db

    with app.app_context():
        community_id = db.session.execute(
            insert(Community).values(slug=f"spend-{uuid.uuid4().hex[:8]}", name="并发测试社区")
        ).inserted_primary_key[0]
        user_id = db.session.execute(insert(User).values(nickname="并发")).inserted_primary_key[0]
        db.session.execute(
            insert(SubscribeCredit).values(
                community_id=community_id, user_id=user_id, template_id="tmpl_race", count=1
            )
        )
        db.session.commit()
    results: list[bool] = []
    barrier = threading.Barrier(2)

    def spend(hold: float) -> None:
        with app.app_context():
            barrier.wait()
            results.append(spend_credit(user_id, "tmpl_race"))
            time.sleep(hold)  # the first keeps its transaction open while the second tries
            db.session.commit()

    threads = [threading.Thread(target=spend, args=(hold,)) for hold in (0.3, 0.0)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
        assert sorted(results) == [False, True]
    finally:
        with app.app_context():
            db.session.execute(delete(SubscribeCredit).where(SubscribeCredit.user_id == user_id))
            db.session.execute(delete(User).where(User.id == user_id))
            db.session.execute(delete(Community).where(Community.id == community_id))
            db.session.commit()


def test_a_pushed_popup_accept_adds_a_credit(db, templates, member):
    me = member()

    touched = dispatch(_popup_event(me.openid, NOTICE_ID))  # through the push registry

    assert touched == 1
    assert credit(db, me.user_id, NOTICE_ID) == (1, "accept")


@pytest.mark.parametrize("pushed_first", [True, False])
def test_one_popup_reported_by_the_app_and_pushed_by_wechat_counts_once(
    db, templates, member, pushed_first
):
    me = member()
    steps = [
        lambda: apply_subscription_event(_popup_event(me.openid, NOTICE_ID)),
        lambda: _popup(me, (NOTICE_ID, "accept")),
    ]
    for step in steps if pushed_first else reversed(steps):
        step()

    assert credit(db, me.user_id, NOTICE_ID)[0] == 1
    _popup(me, (NOTICE_ID, "accept"))  # a second popup counts again
    assert credit(db, me.user_id, NOTICE_ID)[0] == 2


def test_a_retried_push_after_a_rollback_counts_once(db, templates, member):
    me = member()
    db.session.commit()
    event = _popup_event(me.openid, NOTICE_ID)

    apply_subscription_event(event)
    db.session.rollback()  # the push task failed after the handler ran
    apply_subscription_event(event)

    assert credit(db, me.user_id, NOTICE_ID)[0] == 1


def test_turning_a_template_off_in_settings_clears_the_count(db, templates, member):
    me = member()
    _popup(me, (NOTICE_ID, "accept"), (REPORT_ID, "accept"))
    entries = [
        {"TemplateId": NOTICE_ID, "SubscribeStatusString": "reject"},
        {"TemplateId": REPORT_ID, "SubscribeStatusString": "accept"},
    ]

    apply_subscription_event(_event(me.openid, "subscribe_msg_change_event", entries))

    assert credit(db, me.user_id, NOTICE_ID) == (0, "reject")
    assert credit(db, me.user_id, REPORT_ID) == (1, "accept")


@pytest.mark.parametrize(("error_code", "left"), [("43101", 0), ("0", 2)])
def test_a_sent_event_with_43101_clears_the_count(db, templates, member, error_code, left):
    me = member()
    _popup(me, (NOTICE_ID, "accept"))
    _popup(me, (NOTICE_ID, "accept"))
    entry = {
        "TemplateId": NOTICE_ID,
        "MsgID": "123",
        "ErrorCode": error_code,
        "ErrorStatus": "success",
    }

    apply_subscription_event(_event(me.openid, "subscribe_msg_sent_event", [entry]))

    assert credit(db, me.user_id, NOTICE_ID)[0] == left


def test_events_of_unknown_people_are_ignored(db, templates):
    assert apply_subscription_event(_popup_event("o_nobody_we_know", NOTICE_ID)) == 0
