"""The demo's parties of joint governance and the staff accounts the demo logs in as.

Staff accounts are WeChat users with fixed openids (o_demo_admin, o_demo_grid_1 …), so the
WeChat emulator can log in as any of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from app.accounts.models import Role, User, WeChatIdentity
from app.accounts.services.roles import ensure_membership, grant_role
from app.community.models import (
    Community,
    Grid,
    GridWorker,
    Organisation,
    OrganisationKind,
    OrganisationStaff,
)
from app.extensions import db

GRANT_REASON = "demo data"

# (kind, name, service phone): published numbers of organisations, never a person's mobile.
ORGANISATIONS: tuple[tuple[OrganisationKind, str, str], ...] = (
    (OrganisationKind.PARTY_BRANCH, "北焦社区党总支", "010-87391001"),
    (
        OrganisationKind.HOUSING_CENTRE,
        "北京市保障性住房建设投资中心（北焦公租房项目）",
        "010-87391002",
    ),
    (OrganisationKind.PROPERTY_COMPANY, "北京焦园物业服务有限公司", "010-87391003"),
    (OrganisationKind.MAINTENANCE_CONTRACTOR, "北京安达电梯维保工程有限公司", "010-87391004"),
    (OrganisationKind.MAINTENANCE_CONTRACTOR, "北京恒通水电设施维修有限公司", "010-87391005"),
    (OrganisationKind.POLICE_STATION, "垡头派出所北焦社区警务室", "010-87391006"),
    (OrganisationKind.SOCIAL_ORGANISATION, "北京阳光益邻社会工作事务所", "010-87391007"),
    (OrganisationKind.SOCIAL_ORGANISATION, "北焦益家志愿服务队", "010-87391008"),
    (OrganisationKind.SOCIAL_ORGANISATION, "北焦社区文体协会", "010-87391009"),
    (OrganisationKind.MERCHANT_ALLIANCE, "北焦商圈联盟", "010-87391010"),
    (OrganisationKind.RESIDENT_REPRESENTATIVES, "北焦居民代表议事会", "010-87391011"),
)
PROPERTY_COMPANY_NAME = "北京焦园物业服务有限公司"

ADMIN_OPENID = "o_demo_admin"
PROPERTY_OPENID = "o_demo_property"
MERCHANT_OPENID = "o_demo_merchant"
RESIDENT_OPENID = "o_demo_resident"
GRID_WORKER_NICKNAMES = ("张丽", "王磊", "刘洋", "陈静", "杨帆", "赵敏", "周强", "吴婷")


def grid_worker_openid(number: int) -> str:
    return f"o_demo_grid_{number}"


@dataclass(frozen=True)
class StaffAccounts:
    admin: User
    grid_workers: list[User]
    property_staff: User
    merchant: User
    resident: User

    @property
    def count(self) -> int:
        return len(self.grid_workers) + 4


def create_organisations(community_id: int) -> list[Organisation]:
    organisations = [
        Organisation(community_id=community_id, kind=kind, name=name, service_phone=phone)
        for kind, name, phone in ORGANISATIONS
    ]
    db.session.add_all(organisations)
    db.session.flush()
    return organisations


def create_staff_accounts(
    community: Community, grids: list[Grid], organisations: list[Organisation]
) -> StaffAccounts:
    """The admin, a grid worker per grid, property staff, a merchant and an unbound resident."""
    admin = _account(ADMIN_OPENID, "社区管理员李静")
    grant_role(None, admin.id, community.id, Role.ADMIN, reason=GRANT_REASON)
    grid_workers = [
        _grid_worker(community, grid, number, nickname)
        for number, (grid, nickname) in enumerate(zip(grids, GRID_WORKER_NICKNAMES, strict=True), 1)
    ]
    property_staff = _property_staff(community, organisations)
    merchant = _account(MERCHANT_OPENID, "商户陈老板")
    grant_role(None, merchant.id, community.id, Role.MERCHANT, reason=GRANT_REASON)
    resident = _account(RESIDENT_OPENID, "北焦居民小王")
    ensure_membership(resident, community)
    return StaffAccounts(admin, grid_workers, property_staff, merchant, resident)


def _grid_worker(community: Community, grid: Grid, number: int, name: str) -> User:
    user = _account(grid_worker_openid(number), f"{grid.name}网格员{name}")
    db.session.add(GridWorker(community_id=community.id, grid_id=grid.id, user_id=user.id))
    grant_role(None, user.id, community.id, Role.GRID_WORKER, reason=GRANT_REASON)
    return user


def _property_staff(community: Community, organisations: list[Organisation]) -> User:
    company = next(o for o in organisations if o.name == PROPERTY_COMPANY_NAME)
    user = _account(PROPERTY_OPENID, "物业客服赵刚")
    db.session.add(
        OrganisationStaff(
            community_id=community.id, organisation_id=company.id, user_id=user.id, title="客服主管"
        )
    )
    grant_role(None, user.id, community.id, Role.ORG_STAFF, reason=GRANT_REASON)
    return user


def _account(openid: str, nickname: str) -> User:
    """The WeChat user ``openid`` of this app, created if they have never logged in."""
    appid = current_app.config["WECHAT_APP_ID"]
    identity = db.session.scalar(
        select(WeChatIdentity).where(WeChatIdentity.appid == appid, WeChatIdentity.openid == openid)
    )
    if identity is not None:
        user = db.session.get(User, identity.user_id)
    else:
        user = User()
        db.session.add(user)
        db.session.flush()
        db.session.add(WeChatIdentity(user_id=user.id, appid=appid, openid=openid))
    user.nickname = nickname
    db.session.flush()
    return user
