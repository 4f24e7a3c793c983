"""Made-up people for the demo: Chinese names and mainland mobile numbers, from a seeded RNG.

No external data: names are drawn from common surnames and given-name characters, numbers from
real mobile prefixes. Every draw goes through the ``random.Random`` handed in, so the same seed
gives the same people.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from enum import StrEnum
from itertools import accumulate

# Roughly in order of frequency; earlier surnames are drawn more often.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤"
)
_SURNAME_CUMULATIVE = tuple(accumulate(1 / (rank + 8) for rank in range(len(SURNAMES))))

GIVEN_MALE = (
    "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林阳晨博文亮成志建国海峰东新振宏永庆"
)
GIVEN_FEMALE = "芳娜敏静丽艳娟霞燕玲婷雪慧莹琳颖倩洁欣悦怡佳蕾晶璐瑶萍红梅兰秀英月彤琴"
GIVEN_CHILD = "子梓涵轩宇浩睿一诺欣怡思雨嘉铭泽辰沐若可安乐天萌"

# Mainland mobile prefixes in use (13x, 15x, 17x, 18x, 19x).
MOBILE_PREFIXES = (
    *(f"13{d}" for d in range(10)),
    *(f"15{d}" for d in (0, 1, 2, 3, 5, 6, 7, 8, 9)),
    *(f"17{d}" for d in (0, 1, 3, 5, 6, 7, 8)),
    *(f"18{d}" for d in range(10)),
    *(f"19{d}" for d in (1, 3, 5, 6, 7, 8, 9)),
)


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"


class NameMaker:
    """Draws names of two or three characters: a surname and one or two given characters."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def surname(self) -> str:
        return self._rng.choices(SURNAMES, cum_weights=_SURNAME_CUMULATIVE)[0]

    def sex(self) -> Sex:
        return self._rng.choice((Sex.MALE, Sex.FEMALE))

    def adult(self, sex: Sex, avoid: Iterable[str] = ()) -> str:
        pool = GIVEN_MALE if sex is Sex.MALE else GIVEN_FEMALE
        return self._unique(lambda: self.surname() + self._given(pool), avoid)

    def child(self, surname: str, avoid: Iterable[str] = ()) -> str:
        return self._unique(lambda: surname + self._given(GIVEN_CHILD), avoid)

    def _given(self, pool: str) -> str:
        length = 2 if self._rng.random() < 0.7 else 1
        return "".join(self._rng.choice(pool) for _ in range(length))

    @staticmethod
    def _unique(draw, avoid: Iterable[str]) -> str:
        taken = frozenset(avoid)
        name = draw()
        while name in taken:
            name = draw()
        return name


class PhoneMaker:
    """Draws 11-digit mainland mobile numbers, never the same one twice (nor a reserved one)."""

    def __init__(self, rng: random.Random, reserved: Iterable[str] = ()) -> None:
        self._rng = rng
        self._used = set(reserved)  # only tested for membership, never iterated

    def new(self) -> str:
        while True:
            phone = f"{self._rng.choice(MOBILE_PREFIXES)}{self._rng.randrange(10**8):08d}"
            if phone not in self._used:
                self._used.add(phone)
                return phone
