"""The demo community the README's run command starts with, shaped like the paper's 北焦社区."""

from __future__ import annotations

from app.community.services import create_community, find_community_by_slug

DEMO_SLUG = "beijiao"
DEMO_BRAND = {
    "deliberation_hall": "焦我办",
    "volunteer_backbone": "焦佼者",
    "volunteer_corps": "北焦益家",
    "culture_community": "焦朋友",
    "youth_lounge": "青年会客厅",
    "mascot": "小焦",
}


def seed_demo() -> str:
    """Create the demo community if it is missing; running it again changes nothing."""
    if find_community_by_slug(DEMO_SLUG) is not None:
        return f"demo community {DEMO_SLUG} already present"
    create_community(DEMO_SLUG, "北焦社区", "北京市", "", brand=DEMO_BRAND)
    return f"demo community {DEMO_SLUG} created"
