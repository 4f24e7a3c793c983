"""HTTP API of reports for residents: categories, filing, "me too", lists, one report, the
reporter's own steps (cancel, close, reopen) and rating."""

from __future__ import annotations

from app.core.api import Blueprint
from app.core.auth import auth_required, current_actor
from app.core.idempotency import idempotency_key, idempotent
from app.extensions import db
from app.reports import schemas as s
from app.reports import services, setup_schemas
from app.reports.list_cache import cached_list

blp = Blueprint("reports", __name__, url_prefix="/api/v1/reports", description="报事")
_REPORT_PAGE = s.ReportPageSchema()  # built once: a schema's fields are copied per instance
_MY_REPORT_PAGE = s.MyReportPageSchema()


@blp.route("/categories")
@auth_required()
@blp.response(200, setup_schemas.ReportCategoryListSchema)
def list_categories():
    return {"items": services.list_categories(current_actor())}


@blp.route("", methods=["POST"])
@auth_required()
@idempotent
@blp.arguments(s.ReportCreateArgs)
@blp.response(201, s.ReportSchema)
def submit_report(args):
    """File a report with up to 9 photos uploaded before (``/api/v1/media/images``).

    Send an ``Idempotency-Key`` header: a retry returns the same report. The text passes
    WeChat's content check first: 422 report_text_risky saves nothing; text held for review
    is saved but only you and staff see it; 503 when WeChat is unavailable (nothing saved).
    """
    report = services.submit_report(
        current_actor(),
        category_id=args["category_id"],
        text=args["text"],
        place=services.Place(**args["place"]),
        media_ids=args["media_ids"],
        idempotency_key=idempotency_key(),
    )
    db.session.commit()
    return report


@blp.route("")
@auth_required()
@blp.arguments(s.ReportPublicQueryArgs, location="query")
@blp.response(200, s.ReportPageSchema)
def list_public(args):
    """Public reports of the community, newest first (by category, status, building)."""
    actor = current_actor()
    return cached_list(
        actor.community_id,
        {"list": "public", **args},
        lambda: _REPORT_PAGE.dump(services.list_public(actor, **args)),
    )


@blp.route("/mine")
@auth_required()
@blp.arguments(s.ReportMineQueryArgs, location="query")
@blp.response(200, s.MyReportPageSchema)
def list_mine(args):
    """The caller's reports, newest first: ``relation=filed`` (default) those they filed,
    ``supported`` those they joined with "me too", ``all`` both; each item says which."""
    actor = current_actor()
    return cached_list(
        actor.community_id,
        {"list": "mine", "user": actor.user_id, **args},  # the relation is part of the key
        lambda: _MY_REPORT_PAGE.dump(services.list_mine(actor, **args)),
    )


@blp.route("/similar")
@auth_required()
@blp.arguments(s.ReportSimilarQueryArgs, location="query")
@blp.response(200, s.ReportSimilarListSchema)
def list_similar(args):
    """Open public reports of the category at the building or asset, to join instead."""
    return {"items": services.find_similar(current_actor(), **args)}


@blp.route("/<int:report_id>")
@auth_required()
@blp.response(200, s.ReportDetailSchema)
def show_report(report_id):
    """One report with its visible photos and timeline; 404 if you may not see it."""
    return services.get_report_detail(current_actor(), report_id)


@blp.route("/<int:report_id>/transitions", methods=["POST"])
@auth_required()
@blp.arguments(s.ReporterTransitionArgs)
@blp.response(200, s.ReportRefSchema)
def take_step(args, report_id):
    """The reporter's steps: cancel (while submitted), close (confirm), reopen (within days).

    409 report_transition_invalid from a state that does not allow it; 403 for anyone else.
    """
    report = services.transition(current_actor(), report_id, args["action"], note=args["note"])
    db.session.commit()
    return report


@blp.route("/<int:report_id>/rating", methods=["POST"])
@auth_required()
@blp.arguments(s.ReportRatingArgs)
@blp.response(200, s.ReportRatingSchema)
def rate_report(args, report_id):
    """Rate how your report was handled (1–5, a comment only you and staff see), once it is
    resolved or closed. Once per resolution: sending the same again changes nothing; a
    different rating is 409 report_already_rated; reopening the report withdraws it.
    409 report_not_ratable before it is resolved; 403 report_rating_forbidden for others.
    """
    report = services.rate_report(
        current_actor(), report_id, rating=args["rating"], comment=args["comment"]
    )
    db.session.commit()
    return report


@blp.route("/<int:report_id>/support", methods=["POST"])
@auth_required()
@blp.response(200, s.ReportRefSchema)
def support_report(report_id):
    """我也遇到 ("me too"): follow the report like its reporter. Again: no change."""
    report = services.support_report(current_actor(), report_id)
    db.session.commit()
    return report


@blp.route("/<int:report_id>/support", methods=["DELETE"])
@auth_required()
@blp.response(200, s.ReportRefSchema)
def withdraw_support(report_id):
    report = services.withdraw_support(current_actor(), report_id)
    db.session.commit()
    return report
