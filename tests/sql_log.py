"""The SQL the app sends while a test looks, for tests that count queries or prove a cache hit."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event


class SqlLog(list):
    """The statements sent, in order."""

    def reading(self, *tables: str) -> list[str]:
        """The SELECTs that read any of ``tables`` (FROM or JOIN)."""
        names = "|".join(map(re.escape, tables))
        pattern = re.compile(rf"\b(?:FROM|JOIN)\s+(?:{names})\b")
        return [s for s in self if s.lstrip().upper().startswith("SELECT") and pattern.search(s)]


@contextmanager
def sql_sent(engine) -> Iterator[SqlLog]:
    log = SqlLog()

    def note(conn, cursor, statement, parameters, context, executemany):
        log.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield log
    finally:
        event.remove(engine, "before_cursor_execute", note)
