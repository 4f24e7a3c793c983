"""Work that must wait until the request's transaction has committed (queueing a task).

A task queued before the commit could run before its rows exist, or for rows that are then
rolled back; so services register it here and it runs only once the commit has happened.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db

log = logging.getLogger(__name__)
_KEY = "linli_after_commit"
_COMMITTED = "linli_committed"


def run_after_commit(callback: Callable[..., object], *args, **kwargs) -> None:
    """Call ``callback(*args, **kwargs)`` after the current transaction commits; never on rollback.

    The callback must not use the database session (it is between transactions then); queueing
    a Celery task is the intended use. Whatever it was to do must also be recoverable from the
    database (a sweeper), since the process may die between the commit and the callback.
    """
    session = db.session()
    if not session.in_transaction():
        session.begin()  # so a rollback before any SQL still discards the callback
    session.info.setdefault(_KEY, []).append((callback, args, kwargs))


@event.listens_for(Session, "after_commit")
def _note_commit(session: Session) -> None:
    session.info[_COMMITTED] = True


@event.listens_for(Session, "after_transaction_end")
def _run_or_drop_callbacks(session: Session, transaction) -> None:
    # after_commit also fires when a savepoint is released; only the end of the session's
    # outermost transaction, after a commit, is the moment the work may run.
    committed = session.info.pop(_COMMITTED, False)
    if transaction.parent is not None:
        return
    callbacks = session.info.pop(_KEY, [])
    if not committed:
        return
    for callback, args, kwargs in callbacks:
        try:
            callback(*args, **kwargs)
        except Exception:
            # The commit stands; the sweeper will pick the work up.
            log.exception(
                "after-commit callback %s failed", getattr(callback, "__name__", callback)
            )
