"""Rules for communities: look-ups and creation; places, grids and parties in submodules."""

from __future__ import annotations

from sqlalchemy import select

from app.community.models import Community
from app.core.errors import Conflict, NotFound
from app.extensions import db


class CommunityNotFound(NotFound):
    reason = "community_not_found"
    message = "找不到该社区"


class CommunitySlugTaken(Conflict):
    reason = "community_slug_taken"
    message = "社区标识已被使用"


def find_community_by_slug(slug: str) -> Community | None:
    return db.session.scalar(
        select(Community).where(Community.slug == slug, Community.is_active.is_(True))
    )


def get_community_by_slug(slug: str) -> Community:
    community = find_community_by_slug(slug)
    if community is None:
        raise CommunityNotFound()
    return community


def get_community(community_id: int) -> Community:
    community = db.session.get(Community, community_id)
    if community is None or not community.is_active:
        raise CommunityNotFound()
    return community


def create_community(
    slug: str, name: str, city: str = "", district: str = "", brand: dict | None = None
) -> Community:
    """Raises CommunitySlugTaken when the slug is in use."""
    if db.session.scalar(select(Community.id).where(Community.slug == slug)) is not None:
        raise CommunitySlugTaken()
    community = Community(slug=slug, name=name, city=city, district=district, brand=brand or {})
    db.session.add(community)
    db.session.flush()
    return community
