"""Staff API for a delivery batch: its progress, and cancelling it in flight."""

from __future__ import annotations

from app.core.api import Blueprint
from app.core.auth import auth_required, current_actor
from app.delivery import schemas as s
from app.delivery import services
from app.extensions import db

blp = Blueprint(
    "delivery_admin",
    __name__,
    url_prefix="/api/v1/admin/delivery-batches",
    description="订阅消息推送任务（工作人员）",
)
STAFF = ("admin", "grid_worker", "org_staff")


@blp.route("/<int:batch_id>")
@auth_required(*STAFF)
@blp.response(200, s.DeliveryBatchSchema)
def show_batch(batch_id):
    """Progress: queued, sending, sent, no credit, failed, cancelled (admins and the creator)."""
    return services.get_batch_report(current_actor(), batch_id)


@blp.route("/<int:batch_id>/cancel", methods=["POST"])
@auth_required(*STAFF)
@blp.response(200, s.DeliveryBatchSchema)
def cancel_batch(batch_id):
    """Cancel the rows not yet sent; those being sent finish (admins and the creator)."""
    report = services.cancel_batch_report(current_actor(), batch_id)
    db.session.commit()
    return report
