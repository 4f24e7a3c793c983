"""WeChat's image check: submitted with a signed link, the verdict pushed later decides who
besides the owner sees the image; text checks; moderators' decisions."""

from __future__ import annotations

import pytest

from app.media.models import MediaFile, Moderation
from app.media.moderation import check_text
from app.media.push_handlers import MediaCheckUnknown, record_media_verdict
from app.media.storage import media_storage
from tests.media import images
from tests.media.media_support import (
    control,
    emulator_verdict,
    media_row,
    push_verdict,
    run_checks,
    upload,
    verdict_event,
)


@pytest.fixture
def uploaded(resident, media_root, queued_checks):
    """A resident's culture-entry image, uploaded (its check queued, not yet submitted).

    Culture has no access rule of its own: others see its images once they pass."""
    return upload(resident, images.jpeg(), purpose="culture").json["id"]


@pytest.fixture
def neighbour(wechat_user, community):
    person = wechat_user()
    assert person.log_in().status_code == 200
    return person


def _show(person, media_id, variant="original"):
    return person.get(f"/api/v1/media/{media_id}/{variant}")


def test_the_owner_sees_an_image_at_once_and_others_only_after_it_passes(
    db, wechat, resident, neighbour, uploaded
):
    assert _show(resident, uploaded).status_code == 200
    assert _show(neighbour, uploaded).status_code == 404

    control(wechat, "content_rules", {"media_verdict_delay": 0})
    [trace_id] = run_checks(db, [uploaded])
    push_verdict(db, emulator_verdict(wechat, trace_id))

    assert media_row(db, uploaded).moderation == Moderation.PASS
    response = _show(neighbour, uploaded, "thumb")
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert "private" in response.headers["Cache-Control"]


def test_the_check_goes_to_wechat_with_a_signed_link_it_can_fetch(
    db, app, wechat, client, uploaded
):
    [trace_id] = run_checks(db, [uploaded])

    [check] = control(wechat, f"media_checks?trace_id={trace_id}", method="GET")["items"]
    assert check["media_type"] == 2 and check["scene"] == 3
    media = db.session.get(MediaFile, uploaded)
    assert media.trace_id == trace_id
    base = app.config["MEDIA_PUBLIC_BASE_URL"]
    assert check["media_url"].startswith(base + "/media/s/")
    fetched = client.get(check["media_url"].removeprefix(base))  # as WeChat would, no token
    assert fetched.status_code == 200 and fetched.mimetype == "image/jpeg"


def test_a_forged_or_expired_link_is_404(db, app, client, uploaded, monkeypatch):
    media = db.session.get(MediaFile, uploaded)
    url = (
        media_storage().url_for(media.storage_key).removeprefix(app.config["MEDIA_PUBLIC_BASE_URL"])
    )

    assert client.get(url[:-2] + "xx").status_code == 404
    monkeypatch.setitem(app.config, "MEDIA_SIGNED_URL_TTL_SECONDS", -1)
    assert client.get(url).status_code == 404


def test_a_risky_verdict_hides_the_image_from_everyone_but_its_owner(
    db, app, wechat, resident, neighbour, uploaded, monkeypatch
):
    monkeypatch.setitem(app.config, "MEDIA_PUBLIC_BASE_URL", "http://risky.example")
    control(
        wechat,
        "content_rules",
        {"risky_media_markers": ["risky.example"], "media_verdict_delay": 0},
    )
    [trace_id] = run_checks(db, [uploaded])

    push_verdict(db, emulator_verdict(wechat, trace_id))

    assert media_row(db, uploaded).moderation == Moderation.RISKY
    assert _show(neighbour, uploaded).status_code == 404
    assert _show(resident, uploaded).status_code == 200


def test_a_repeated_verdict_changes_nothing_and_a_later_one_does_not_overrule(db, uploaded):
    [trace_id] = run_checks(db, [uploaded])

    push_verdict(db, verdict_event(trace_id, "pass"))
    push_verdict(db, verdict_event(trace_id, "pass"))
    push_verdict(db, verdict_event(trace_id, "risky"))

    assert media_row(db, uploaded).moderation == Moderation.PASS


def test_a_failed_check_is_held_for_review(db, uploaded):
    [trace_id] = run_checks(db, [uploaded])

    push_verdict(db, {**verdict_event(trace_id, "pass"), "errcode": 87014})

    assert media_row(db, uploaded).moderation == Moderation.REVIEW


def test_a_verdict_for_an_unknown_trace_id_is_retried(db):
    with pytest.raises(MediaCheckUnknown):
        record_media_verdict(verdict_event("trace-nobody-knows", "pass"))


def test_submitting_twice_keeps_the_first_trace_id(db, uploaded):
    first = run_checks(db, [uploaded])
    again = run_checks(db, [uploaded])

    assert again == [None]
    assert media_row(db, uploaded).trace_id == first[0]


def test_an_image_of_another_community_is_404(db, wechat_user, uploaded):
    from tests.factories import CommunityFactory

    CommunityFactory(slug="shuangjing", name="双井社区")
    stranger = wechat_user()
    stranger.log_in("shuangjing")

    assert _show(stranger, uploaded).status_code == 404


def test_an_admin_decides_a_held_image(db, admin, neighbour, uploaded):
    media_row(db, uploaded).moderation = Moderation.REVIEW
    db.session.flush()

    response = admin.post(
        f"/api/v1/admin/media/{uploaded}/moderation", json={"decision": "pass", "reason": "无不当"}
    )

    assert response.status_code == 200
    assert response.json["moderation"] == "pass"
    assert _show(neighbour, uploaded).status_code == 200
    queue = admin.get("/api/v1/admin/media?moderation=review").json
    assert queue["total"] == 0


@pytest.mark.parametrize(
    ("content", "suggest"),
    [("路灯不亮了", "pass"), ("有人卖假药", "review"), ("赌博网站", "risky")],
)
def test_text_verdicts_follow_wechat(db, wechat, resident, content, suggest):
    control(wechat, "content_rules", {"risky_words": ["赌博"], "review_words": ["假药"]})
    user_id = resident.get("/api/v1/me").json["id"]

    assert check_text(user_id, content) == suggest
