"""Fixtures of the media tests (shared with the report tests through media_support)."""

import pytest

from tests.media.media_support import (  # noqa: F401 — fixtures
    clean_content_rules,
    dispatched_batches,
    media_root,
    queued_checks,
)


@pytest.fixture(autouse=True)
def _contained(request):
    """No media test writes outside its tmp dir or leaves emulator rules behind."""
    for name in ("media_root", "clean_content_rules"):
        request.getfixturevalue(name)
