"""Staff API of report handling statistics: the three rates and the medians per party."""

from __future__ import annotations

from app.core.api import Blueprint
from app.core.auth import auth_required, current_actor
from app.reports import services
from app.reports import stats_schemas as s

blp = Blueprint(
    "report_stats_admin",
    __name__,
    url_prefix="/api/v1/admin/report-stats",
    description="报事统计：响应率、办结率、满意率",
)
ADMIN = "admin"


@blp.route("")
@auth_required(ADMIN)
@blp.arguments(s.ReportStatsQueryArgs, location="query")
@blp.response(200, s.HandlingStatsSchema)
def show_stats(args):
    """Per organisation (``group_by=organisation``, the one a report is routed to now) or per
    category, over reports filed from ``from`` to ``to`` (Shanghai days, both included):
    response rate, resolution rate, satisfaction rate (4–5 stars among rated), and the median
    time from filing to first response and to resolution. 422 report_stats_period_invalid for
    an inverted period or one over 400 days.
    """
    return services.handling_stats(current_actor(), **args)
