"""Page arguments and the list envelope {items, page, page_size, total}."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate
from sqlalchemy import Select, func, select

from app.extensions import db


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


def page_schema(item_schema: type[Schema], name: str) -> type[Schema]:
    """The list envelope for ``item_schema``, named for the OpenAPI document."""
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema)),
            "page": fields.Integer(),
            "page_size": fields.Integer(),
            "total": fields.Integer(),
        },
        name=name,
    )


def paginate(stmt: Select, page: int, page_size: int, *, rows: bool = False) -> dict[str, Any]:
    """The envelope for one page of ``stmt``; ``rows=True`` for a select of several entities."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    window = stmt.limit(page_size).offset((page - 1) * page_size)
    items = db.session.execute(window).all() if rows else db.session.scalars(window).all()
    return {"items": items, "page": page, "page_size": page_size, "total": total}
