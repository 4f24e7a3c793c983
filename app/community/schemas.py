"""Shapes of communities, places, grids and parties on the wire; personal data leaves masked."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.community.models import HouseholdStatus, OccupantRelation, OrganisationKind
from app.core.pagination import PageArgs

SLUG = validate.Regexp(r"^[a-z0-9][a-z0-9-]{1,31}$", error="社区标识格式不正确")
BUILDING_CODE = validate.Regexp(r"^[A-Za-z0-9-]{1,16}$", error="楼栋编号只能包含字母、数字和连字符")
NAME = validate.Length(min=1, max=64)
SERVICE_PHONE = validate.Regexp(r"^[0-9+\-() ]{5,20}$", error="电话格式不正确")


class CommunitySchema(Schema):
    id = fields.Integer()
    slug = fields.String()
    name = fields.String()
    city = fields.String()
    district = fields.String()
    brand = fields.Dict()


class BuildingSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    grid_id = fields.Integer(allow_none=True)


class PlaceUnitSchema(Schema):
    id = fields.Integer()
    code = fields.String(metadata={"example": "2"})


class PlaceSchema(Schema):
    """A ``Place``: a building and its units, for residents to pick from."""

    id = fields.Integer()
    code = fields.String(metadata={"example": "3"})
    name = fields.String(metadata={"example": "3号楼"})
    units = fields.List(fields.Nested(PlaceUnitSchema))


class PlaceListSchema(Schema):
    items = fields.List(
        fields.Nested(PlaceSchema), metadata={"description": "按编号排序（2 号楼在 10 号楼之前）"}
    )


class BuildingCreateArgs(Schema):
    code = fields.String(required=True, validate=BUILDING_CODE)
    name = fields.String(required=True, validate=NAME)
    grid_id = fields.Integer(load_default=None, allow_none=True)


class GridSchema(Schema):
    """A ``GridSummary``."""

    id = fields.Integer(attribute="grid.id")
    name = fields.String(attribute="grid.name")
    building_ids = fields.List(fields.Integer())
    worker_user_ids = fields.List(fields.Integer())


class GridCreateArgs(Schema):
    name = fields.String(required=True, validate=NAME)


class GridBuildingsArgs(Schema):
    building_ids = fields.List(fields.Integer(), required=True, validate=validate.Length(max=500))


class UserRefArgs(Schema):
    user_id = fields.Integer(required=True, validate=validate.Range(min=1))


class OrganisationSchema(Schema):
    id = fields.Integer()
    kind = fields.Enum(OrganisationKind, by_value=True)
    name = fields.String()
    service_phone = fields.String(allow_none=True)
    is_active = fields.Boolean()


class OrganisationQueryArgs(Schema):
    kind = fields.Enum(OrganisationKind, by_value=True, load_default=None)


class OrganisationCreateArgs(Schema):
    kind = fields.Enum(OrganisationKind, by_value=True, required=True)
    name = fields.String(required=True, validate=NAME)
    service_phone = fields.String(load_default=None, allow_none=True, validate=SERVICE_PHONE)


class OrganisationUpdateArgs(Schema):
    kind = fields.Enum(OrganisationKind, by_value=True)
    name = fields.String(validate=NAME)
    service_phone = fields.String(allow_none=True, validate=SERVICE_PHONE)
    is_active = fields.Boolean()


class OrganisationStaffSchema(Schema):
    id = fields.Integer()
    organisation_id = fields.Integer()
    user_id = fields.Integer()
    title = fields.String()


class OrganisationStaffArgs(UserRefArgs):
    title = fields.String(load_default="", validate=validate.Length(max=32))


class HouseholdSchema(Schema):
    id = fields.Integer()
    flat = fields.String()
    building_id = fields.Integer()
    status = fields.Enum(HouseholdStatus, by_value=True)
    lease_number = fields.String(allow_none=True)
    lease_start = fields.Date(allow_none=True)
    lease_end = fields.Date(allow_none=True)


class HouseholdQueryArgs(PageArgs):
    grid_id = fields.Integer(load_default=None)
    building_id = fields.Integer(load_default=None)
    status = fields.Enum(HouseholdStatus, by_value=True, load_default=None)


class OccupantSchema(Schema):
    """An occupant as staff see them without a reveal: masked."""

    id = fields.Integer()
    relation = fields.Enum(OccupantRelation, by_value=True)
    name = fields.String(attribute="name_masked")
    phone = fields.String(attribute="phone_masked", allow_none=True)


class HouseholdDetailSchema(Schema):
    """A ``HouseholdDetail``."""

    household = fields.Nested(HouseholdSchema)
    building = fields.Nested(BuildingSchema)
    occupants = fields.List(fields.Nested(OccupantSchema))


class RevealArgs(Schema):
    reason = fields.String(
        required=True,
        validate=validate.Length(min=2, max=255),
        metadata={"description": "查看原因，记入审计日志"},
    )


class RevealedOccupantSchema(Schema):
    id = fields.Integer(attribute="occupant.id")
    household_id = fields.Integer(attribute="occupant.household_id")
    name = fields.String()
    phone = fields.String(allow_none=True)


class ShopSchema(Schema):
    id = fields.Integer()
    unit_label = fields.String()
    name = fields.String()
    category = fields.String()
    building_id = fields.Integer(allow_none=True)


class ShopQueryArgs(PageArgs):
    category = fields.String(load_default=None, validate=validate.Length(max=32))


class ShopCreateArgs(Schema):
    unit_label = fields.String(required=True, validate=validate.Length(min=1, max=32))
    name = fields.String(required=True, validate=NAME)
    category = fields.String(required=True, validate=validate.Length(min=1, max=32))
    building_id = fields.Integer(load_default=None, allow_none=True)
