"""The demo's 100 shops in the commercial buildings: the everyday trades of a large estate."""

from __future__ import annotations

import random

from app.community.models import Building, Shop
from app.extensions import db

# category → (how many shops, kinds of shop the names end with)
SHOP_CATEGORIES: dict[str, tuple[int, tuple[str, ...]]] = {
    "餐饮": (
        24,
        ("面馆", "饺子馆", "川菜馆", "烧烤", "包子铺", "麻辣烫", "快餐", "米粉店", "家常菜"),
    ),
    "便利店": (8, ("便利店", "超市", "便民店")),
    "生鲜": (8, ("生鲜超市", "果蔬店", "鲜肉铺", "水果店")),
    "理发": (7, ("理发店", "美发沙龙", "造型")),
    "药店": (4, ("大药房", "药店")),
    "教育培训": (10, ("课堂", "书法教室", "英语", "少儿美术", "围棋社", "舞蹈室")),
    "维修": (6, ("家电维修", "手机维修", "开锁修鞋", "电动车维修")),
    "快递驿站": (4, ("快递驿站", "菜鸟驿站", "快递代收点")),
    "咖啡": (5, ("咖啡", "咖啡馆", "咖啡工坊")),
    "健身": (4, ("健身房", "瑜伽馆", "乒乓球馆")),
    "洗衣": (4, ("洗衣店", "干洗店")),
    "母婴": (4, ("母婴店", "童装")),
    "五金": (3, ("五金店", "建材五金")),
    "花店": (3, ("花店", "鲜花坊")),
    "宠物": (3, ("宠物店", "宠物医院")),
    "茶饮": (3, ("奶茶", "茶饮")),
}
SHOP_NAME_PREFIXES = (
    "北焦", "邻里", "焦园", "和顺", "福满", "阳光", "乐活", "小焦", "家和", "惠民", "金穗", "安康",
    "聚福", "鑫源", "老街坊", "好邻居", "百味", "同心", "康乐", "吉祥", "益家", "晨光", "明德",
)  # fmt: skip
# (building code, shops in it); two floors of 1xx and 2xx numbers each.
SHOPS_PER_BUILDING = (("S1", 40), ("S2", 35), ("S3", 25))


def create_shops(community_id: int, commercial: list[Building], seed: int) -> list[Shop]:
    rng = random.Random(f"{seed}/shops")
    trades = _trades(rng)
    buildings = {building.code: building for building in commercial}
    shops: list[Shop] = []
    for code, count in SHOPS_PER_BUILDING:
        building = buildings[code]
        for index in range(count):
            category, name = trades[len(shops)]
            floor, number = divmod(index, (count + 1) // 2)
            shops.append(
                Shop(
                    community_id=community_id,
                    building_id=building.id,
                    unit_label=f"{building.name}-{floor + 1}{number + 1:02d}",
                    name=name,
                    category=category,
                )
            )
    db.session.add_all(shops)
    db.session.flush()
    return shops


def _trades(rng: random.Random) -> list[tuple[str, str]]:
    """(category, unique shop name) for every shop, in a shuffled but fixed order."""
    names: set[str] = set()  # membership only; order comes from the list below
    trades: list[tuple[str, str]] = []
    for category, (count, kinds) in SHOP_CATEGORIES.items():
        for _ in range(count):
            name = rng.choice(SHOP_NAME_PREFIXES) + rng.choice(kinds)
            while name in names:
                name = rng.choice(SHOP_NAME_PREFIXES) + rng.choice(kinds)
            names.add(name)
            trades.append((category, name))
    rng.shuffle(trades)
    return trades
