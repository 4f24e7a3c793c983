"""Answers of the busiest report lists kept in Redis as the JSON sent, under the community's
list generation (``services.totals``), so a page is built once per change of the reports.

The public list reads the same for everyone; a person's own list is kept per person.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from flask import Response

from app.core.json_cache import cached_json
from app.reports.services.totals import generation_key

_PAGE = "linli:reports:page:{}:{}"
PAGE_TTL_SECONDS = 600


def cached_list(community_id: int, scope: dict, build: Callable[[], dict]) -> Response:
    """The JSON answer of ``build()`` (a dumped page), from Redis when the reports have not
    changed since it was built; ``scope`` names the list, its viewer if it has one, and the
    query."""
    digest = hashlib.sha1(json.dumps(scope, sort_keys=True).encode()).hexdigest()[:24]
    return cached_json(
        _PAGE.format(community_id, digest), [generation_key(community_id)], build, PAGE_TTL_SECONDS
    )
