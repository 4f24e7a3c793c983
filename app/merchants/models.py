"""Tables of the merchants' alliance; for now the link between a merchant and their shops.

The alliance wave (applications, review, offers) builds on this: a shop team signs up for a Youth
Lounge event through the merchant who represents it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class ShopMember(db.Model):
    """A person who may act for a shop (its owner or manager)."""

    __tablename__ = "shop_member"
    __table_args__ = (
        UniqueConstraint("shop_id", "user_id"),
        Index("ix_shop_member_community_user", "community_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    shop_id: Mapped[int] = mapped_column(ForeignKey("shop.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
