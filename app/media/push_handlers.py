"""The media domain's handler of WeChat pushes: image check verdicts (registered in create_app)."""

from __future__ import annotations

from typing import Any

from app.media.moderation import REVIEW, apply_media_verdict
from app.wechat.push_dispatch import on_event
from app.wechat.push_events import MEDIA_CHECK, media_check_verdict


class MediaCheckUnknown(RuntimeError):
    """A verdict for a trace id we do not hold (yet): the push task retries it with backoff,
    since the submitting task may not have stored the trace id when the verdict came."""


@on_event(MEDIA_CHECK)
def record_media_verdict(event: dict[str, Any]) -> None:
    verdict = media_check_verdict(event)
    if verdict is None:
        return
    # A check that failed on WeChat's side (errcode) is no verdict: a moderator decides.
    suggest = verdict.suggest if not verdict.errcode else REVIEW
    if apply_media_verdict(verdict.trace_id, suggest) is None:
        raise MediaCheckUnknown(verdict.trace_id)
