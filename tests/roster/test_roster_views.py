"""The admin API of roster imports: upload (202), follow, list; admins of this community only."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.core.audit import AuditEntry
from app.roster.services import process_roster_import
from app.roster.services.progress import report_progress
from tests.factories import CommunityFactory
from tests.roster.sheets import person, small_roster, xlsx_bytes

URL = "/api/v1/admin/roster-imports"


def _upload(staff, content: bytes, filename: str = "名单.xlsx"):
    # Encoded here, in memory: the test client would spool a big body to a file it never closes.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(content), filename)})
    return staff.post(URL, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_an_admin_upload_is_queued_then_processed_by_the_worker(db, admin, buildings, enqueued):
    response = _upload(admin, xlsx_bytes(small_roster()))

    assert response.status_code == 202
    body = response.json
    assert (body["status"], body["filename"], body["file_format"]) == (
        "queued",
        "名单.xlsx",
        "xlsx",
    )
    assert enqueued == [body["id"]]

    process_roster_import(body["id"])  # as the worker does
    db.session.commit()
    shown = admin.get(f"{URL}/{body['id']}")

    assert shown.status_code == 200
    assert shown.json["status"] == "done"
    assert (shown.json["total_rows"], shown.json["processed_rows"]) == (5, 5)
    assert shown.json["summary"]["households_created"] == 3
    assert shown.json["summary"]["occupants_added"] == 5
    assert shown.json["errors"] == []


def test_a_refused_import_shows_its_errors(db, admin, buildings):
    rows = [person(), person(room="0102", name="李四", phone="13800000001")]
    import_id = _upload(admin, xlsx_bytes(rows)).json["id"]
    process_roster_import(import_id)
    db.session.commit()

    body = admin.get(f"{URL}/{import_id}").json

    assert body["status"] == "refused"
    assert body["error_count"] == 1
    assert body["errors"] == [
        {
            "row": 3,
            "column": "手机号",
            "reason": "duplicate_phone",
            "message": "手机号与第 2 行重复",
        }
    ]


def test_a_running_import_shows_the_progress_the_worker_reported(db, admin, buildings):
    import_id = _upload(admin, xlsx_bytes(small_roster())).json["id"]
    report_progress(import_id, 3, 5)

    body = admin.get(f"{URL}/{import_id}").json

    assert (body["status"], body["processed_rows"], body["total_rows"]) == ("queued", 3, 5)


def test_the_list_shows_the_communitys_imports_newest_first(db, admin, buildings):
    first = _upload(admin, xlsx_bytes(small_roster())).json["id"]
    second = _upload(admin, xlsx_bytes([person()]), "第二版.xlsx").json["id"]

    body = admin.get(URL).json

    assert [item["id"] for item in body["items"]] == [second, first]
    assert body["total"] == 2
    assert "errors" not in body["items"][0]


@pytest.mark.parametrize("role", ["grid_worker", None])
def test_only_admins_may_upload_or_look(db, make_staff, resident, role):
    person_ = make_staff(role) if role else resident

    assert _upload(person_, xlsx_bytes(small_roster())).status_code == 403
    assert person_.get(URL).status_code == 403


def test_another_communitys_admin_cannot_see_an_import(db, admin, make_staff, buildings):
    import_id = _upload(admin, xlsx_bytes(small_roster())).json["id"]
    CommunityFactory(slug="shuangjing", name="双井社区")
    stranger = make_staff("admin", "shuangjing")

    response = stranger.get(f"{URL}/{import_id}")

    assert response.status_code == 404
    assert response.json["reason"] == "roster_import_not_found"
    assert stranger.get(URL).json["total"] == 0


def test_a_file_over_10_mb_is_refused_with_413(db, admin):
    content = b"\xef\xbb\xbf" + b"a" * (10 * 1024 * 1024)

    response = _upload(admin, content, "大名单.csv")

    assert response.status_code == 413
    assert response.json["reason"] == "roster_file_too_large"


def _zip_of_text() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "不是表格")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content", [_zip_of_text(), bytes(range(256)) * 8, b""], ids=["zip", "binary", "empty"]
)
def test_a_file_that_is_neither_xlsx_nor_csv_is_refused_with_422(db, admin, content, enqueued):
    response = _upload(admin, content, "名单.xlsx")

    assert response.status_code == 422
    assert response.json["reason"] == "roster_file_unreadable"
    assert enqueued == []


def test_an_upload_without_a_file_is_refused(db, admin):
    response = admin.post(URL, data={}, content_type="multipart/form-data")

    assert response.status_code == 422
    assert "file" in response.json["errors"]


def test_an_upload_is_audited_with_the_admin_as_actor(db, admin, buildings):
    import_id = _upload(admin, xlsx_bytes(small_roster())).json["id"]

    entry = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "roster.import_started", AuditEntry.object_id == str(import_id)
        )
    )
    assert entry.actor_user_id == admin.user_id
    assert entry.detail["filename"] == "名单.xlsx"
    count = (
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.object_type == "roster_import")
    )
    assert db.session.scalar(count) == 1
