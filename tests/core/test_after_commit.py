"""After-commit work runs once the request's transaction commits, and never on rollback."""

from __future__ import annotations

from app.core.after_commit import run_after_commit


def test_callback_runs_after_commit(db):
    calls = []
    run_after_commit(calls.append, "queued")
    assert calls == []

    db.session.commit()

    assert calls == ["queued"]


def test_callback_is_dropped_on_rollback(db):
    calls = []
    run_after_commit(calls.append, "queued")

    db.session.rollback()
    db.session.commit()

    assert calls == []


def test_a_failing_callback_does_not_undo_the_commit(db, caplog):
    def broken():
        raise RuntimeError("broker down")

    run_after_commit(broken)
    db.session.commit()

    assert "after-commit callback broken failed" in caplog.text


def test_a_rolled_back_savepoint_keeps_the_outer_callbacks(db):
    calls = []
    run_after_commit(calls.append, "outer")
    try:
        with db.session.begin_nested():
            raise ValueError("inner work failed")
    except ValueError:
        pass

    db.session.commit()

    assert calls == ["outer"]


def test_releasing_a_savepoint_is_not_the_commit(db):
    calls = []
    run_after_commit(calls.append, "queued")
    with db.session.begin_nested():
        pass

    assert calls == []
    db.session.rollback()
    db.session.commit()
    assert calls == []
