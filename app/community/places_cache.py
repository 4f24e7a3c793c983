"""The residents' list of places (buildings and units) kept in Redis as the JSON sent, under the
community's *places generation*, so it is built once per change of the buildings or units.

Every write to the building or unit table through the session bumps the generation of the
communities it touches: objects flushed (a building created by staff, the demo, a factory) and
bulk statements alike (the roster import INSERTs the units it names in bulk). A bulk statement
whose rows do not name their community (an UPDATE by WHERE or by primary key) bumps the
generation every community's entry is also stamped with. How generations are bumped and
trusted: ``app.core.json_cache``.

The listeners are registered when this module is imported: by the community's views, which
``create_app`` imports in every web, worker and CLI process.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Response
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from app.community.models import Building, Unit
from app.core.json_cache import cached_json, generation_changed

_GENERATION = "linli:places:generation:{}"
_EVERY_COMMUNITY = "linli:places:generation:all"
_ENTRY = "linli:places:list:{}"
PLACES_TTL_SECONDS = 300
_TABLES = frozenset({Building.__table__, Unit.__table__})


def cached_places(community_id: int, build: Callable[[], dict]) -> Response:
    """The JSON answer of ``build()`` (the dumped list), from Redis while the community's
    buildings and units have not changed since it was built."""
    generations = [_GENERATION.format(community_id), _EVERY_COMMUNITY]
    return cached_json(_ENTRY.format(community_id), generations, build, PLACES_TTL_SECONDS)


def places_changed(community_id: int | None) -> None:
    """Note that a community's buildings or units changed (``None``: some community's)."""
    key = _EVERY_COMMUNITY if community_id is None else _GENERATION.format(community_id)
    generation_changed(key)


# -- what bumps a generation --------------------------------------------------------------------


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, flush_context) -> None:
    touched = {
        target.community_id
        for target in (*session.new, *session.dirty, *session.deleted)
        if isinstance(target, Building | Unit)
    }
    for community_id in touched:
        places_changed(community_id)


@event.listens_for(Session, "do_orm_execute")
def _bulk_statement(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    if getattr(state.statement, "table", None) not in _TABLES:
        return
    rows = state.parameters
    rows = rows if isinstance(rows, list) else [rows or {}]
    communities = {row.get("community_id") for row in rows}
    for community_id in communities:
        places_changed(community_id)
