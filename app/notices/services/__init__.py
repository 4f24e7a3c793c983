"""The rules of notices: writing and publishing, residents reading them, staff reports."""

from app.notices.services.publishing import (
    ExpiryBeforePublish,
    NoticeNotFound,
    NoticeNotYours,
    PublishTooFarAhead,
    cancel_notice,
    create_notice,
    get_staff_notice,
    publish_due_notices,
)
from app.notices.services.reading import (
    MyNotice,
    NoticeAckNotRequired,
    acknowledge,
    get_notice_for_resident,
    list_my_notices,
    unread_count,
)
from app.notices.services.reports import (
    GridUnreached,
    NoticeReport,
    NotReached,
    UnreachedHousehold,
    list_notices,
    not_reached_by_grid,
    notice_report,
)

__all__ = [
    "ExpiryBeforePublish",
    "GridUnreached",
    "MyNotice",
    "NotReached",
    "NoticeAckNotRequired",
    "NoticeNotFound",
    "NoticeNotYours",
    "NoticeReport",
    "PublishTooFarAhead",
    "UnreachedHousehold",
    "acknowledge",
    "cancel_notice",
    "create_notice",
    "get_notice_for_resident",
    "get_staff_notice",
    "list_my_notices",
    "list_notices",
    "not_reached_by_grid",
    "notice_report",
    "publish_due_notices",
    "unread_count",
]
