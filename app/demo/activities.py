"""The demo's volunteer teams and activities to sign up for, dated from the day of seeding.

北焦益家's five colour-coded teams (the paper's 五色特色志愿服务队; it does not name them, so
they go by their colours) and three activities, made through the services as staff would:
a neighbourhood festival for households, a volunteer service of the red team, and a Youth Lounge
basketball match that shops enter as teams (the demo merchant acts for one shop). Everything but
the dates is fixed; the dates are days after the day of seeding (Asia/Shanghai), so the demo is
always one to sign up in.

Seeding again adds nothing while the demo's activities have not ended; once one has, the next
seeding (``make demo`` seeds each time) publishes it again for the coming days.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select

from app.accounts.models import WeChatIdentity
from app.accounts.services.roles import roles_of
from app.activities import services as activities
from app.activities.models import Activity, ActivityKind
from app.community.models import Shop
from app.core.auth import Actor
from app.core.clock import SHANGHAI, utcnow
from app.demo.parties import ADMIN_OPENID, MERCHANT_OPENID, grid_worker_openid
from app.extensions import db
from app.merchants.services import link_member
from app.volunteers import services as volunteers

# (name, colour): 北焦益家's five teams.
VOLUNTEER_TEAMS = (("红队", "红"), ("橙队", "橙"), ("黄队", "黄"), ("绿队", "绿"), ("蓝队", "蓝"))
MERCHANT_SHOP = "商业楼A-101"  # the shop the demo merchant (商户陈老板) acts for

FESTIVAL = "北焦社区第三届邻里节"
VOLUNTEER_SERVICE = "红队·楼道清理与文明劝导"
BASKETBALL = "青年会客厅·商户篮球友谊赛"


def _at(today, days: int, hour: int, minute: int = 0) -> datetime:
    """``days`` after ``today`` at hh:mm in Shanghai, as the naive UTC the columns hold."""
    local = datetime.combine(today + timedelta(days=days), time(hour, minute), SHANGHAI)
    return local.astimezone(UTC).replace(tzinfo=None)


def _festival(today) -> dict[str, Any]:
    return {
        "kind": ActivityKind.COMMUNITY_EVENT,
        "title": FESTIVAL,
        "description": (
            "一年一度的邻里节来啦！现场有亲子手工、邻里百家宴、便民义诊（量血压、测血糖）"
            "和旧物交换集市。以户为单位报名，每户最多 3 人，请在报名时选择最想参加的项目。"
        ),
        "place": "社区中心广场（5号楼南侧）",
        "organiser_name": "北焦社区居委会",
        "starts_at": _at(today, 4, 9),
        "ends_at": _at(today, 4, 12),
        "signup_opens_at": _at(today, 0, 0),
        "signup_closes_at": _at(today, 3, 20),
        "cancel_deadline": _at(today, 3, 20),
        "capacity": 300,
        "waitlist_capacity": 60,
        "seats_per_household": 3,
        "audience": {"kind": "everyone"},
        "questions": [
            {
                "key": "program",
                "label": "最想参加的项目",
                "kind": "choice",
                "required": True,
                "options": ["亲子手工", "邻里百家宴", "便民义诊", "旧物交换"],
            }
        ],
    }


def _volunteer_service(today, team_id: int) -> dict[str, Any]:
    return {
        "kind": ActivityKind.VOLUNTEER_SERVICE,
        "title": VOLUNTEER_SERVICE,
        "description": (
            "清理 1—4 号楼楼道堆物，劝导电动车不进楼、不飞线充电。"
            "服务时长计入北焦益家志愿服务记录，手套、垃圾袋由社区提供。"
        ),
        "place": "1号楼门前集合",
        "organiser_name": "北焦益家·红队",
        "starts_at": _at(today, 2, 15),
        "ends_at": _at(today, 2, 17),
        "signup_opens_at": _at(today, 0, 0),
        "capacity": 20,
        "audience": {"kind": "everyone"},
        "team_id": team_id,
    }


def _basketball(today) -> dict[str, Any]:
    return {
        "kind": ActivityKind.YOUTH_LOUNGE,
        "title": BASKETBALL,
        "description": (
            "商圈联盟的门店以店组队，打一场友谊第一的篮球赛，赛后在青年会客厅交流经营心得。"
            "每队最多 8 人（含替补），报名时请填写队名。"
        ),
        "place": "社区篮球场（S2 商业楼东侧）",
        "organiser_name": "北焦商圈联盟·青年会客厅",
        "starts_at": _at(today, 6, 19),
        "ends_at": _at(today, 6, 21),
        "signup_opens_at": _at(today, 0, 0),
        "signup_closes_at": _at(today, 5, 18),
        "capacity": 48,
        "waitlist_capacity": 16,
        "seats_per_household": 8,
        "audience": {"kind": "merchants"},
        "shop_teams": True,
        "questions": [{"key": "team_name", "label": "队名", "kind": "text", "required": True}],
    }


def create_demo_activities(community_id: int, now: datetime | None = None) -> int:
    """The teams, the merchant's shop and the activities that are missing; how many activities
    were published. Does nothing without the demo's admin (staff accounts come first)."""
    now = now or utcnow()
    admin = _staff(community_id, ADMIN_OPENID)
    if admin is None:
        return 0
    teams = _ensure_teams(admin)
    _link_merchant(admin)
    today = now.replace(tzinfo=UTC).astimezone(SHANGHAI).date()
    wanted = [
        (admin, _festival(today)),
        (_staff(community_id, grid_worker_openid(1)) or admin, _volunteer_service(today, teams[0])),
        (admin, _basketball(today)),
    ]
    current = _current_titles(community_id, now)
    made = 0
    for organiser, values in wanted:
        if values["title"] not in current:
            activities.create_activity(organiser, now=now, **values)
            made += 1
    return made


def _staff(community_id: int, openid: str) -> Actor | None:
    """The demo account ``openid`` as the actor it would be when logged in."""
    user_id = db.session.scalar(
        select(WeChatIdentity.user_id).where(
            WeChatIdentity.appid == current_app.config["WECHAT_APP_ID"],
            WeChatIdentity.openid == openid,
        )
    )
    roles = roles_of(user_id, community_id) if user_id is not None else None
    return None if roles is None else Actor(user_id, community_id, roles, "demo-seed")


def _ensure_teams(admin: Actor) -> list[int]:
    """The five teams' ids, in colour order, creating those missing."""
    existing = {team.name: team.id for team in volunteers.list_teams(admin)}
    for name, colour in VOLUNTEER_TEAMS:
        if name not in existing:
            existing[name] = volunteers.create_team(admin, name, colour).id
    return [existing[name] for name, _ in VOLUNTEER_TEAMS]


def _link_merchant(admin: Actor) -> None:
    merchant = _staff(admin.community_id, MERCHANT_OPENID)
    shop_id = db.session.scalar(
        select(Shop.id).where(
            Shop.community_id == admin.community_id, Shop.unit_label == MERCHANT_SHOP
        )
    )
    if merchant is not None and shop_id is not None:
        link_member(admin, shop_id, merchant.user_id)


def _current_titles(community_id: int, now: datetime) -> set[str]:
    """Titles of the community's activities that have not ended yet."""
    return set(
        db.session.scalars(
            select(Activity.title).where(
                Activity.community_id == community_id, Activity.ends_at > now
            )
        )
    )
