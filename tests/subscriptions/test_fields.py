"""Template values are checked and shortened to WeChat's field rules before any send."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from app.subscriptions.fields import (
    TemplateSpecInvalid,
    TemplateValueInvalid,
    check_spec,
    render_data,
    render_value,
)
from devtools.wechat_emulator.fields import value_ok


@pytest.mark.parametrize(
    ("field_type", "value", "expected"),
    [
        ("thing", "3号楼停水通知", "3号楼停水通知"),
        ("thing", "一" * 20, "一" * 20),
        ("thing", "一" * 21, "一" * 19 + "…"),
        ("thing", "  电梯\n维修   通知 ", "电梯 维修 通知"),
        ("number", 42, "42"),
        ("number", Decimal("3.50"), "3.50"),
        ("number", 2.5, "2.5"),
        ("number", "9" * 32, "9" * 32),
        ("letter", "ABCdef", "ABCdef"),
        ("symbol", "#%", "#%"),
        ("character_string", "BX-2024-000123", "BX-2024-000123"),
        ("phone_number", "010-8888 6666", "010-8888 6666"),
        ("car_number", "京A12345", "京A12345"),
        ("name", "王建国", "王建国"),
        ("name", "欧阳" + "娜" * 10, "欧阳" + "娜" * 7 + "…"),
        ("name", "Wang Jianguo", "Wang Jianguo"),
        ("phrase", "已受理", "已受理"),
        ("amount", Decimal("12.5"), "12.50元"),
        ("amount", "¥30", "¥30"),
        ("time", datetime(2024, 5, 1, 2, 30), "2024-05-01 10:30"),
        ("time", datetime(2024, 5, 1, 2, 30, tzinfo=UTC), "2024-05-01 10:30"),
        ("time", "2024-05-01 10:30", "2024-05-01 10:30"),
        (
            "time",
            (datetime(2024, 5, 1, 1, 0), datetime(2024, 5, 1, 3, 0)),
            "2024-05-01 09:00~2024-05-01 11:00",
        ),
        ("date", date(2024, 5, 1), "2024-05-01"),
        ("date", datetime(2024, 4, 30, 17, 0), "2024-05-01"),
        ("enum:待处理|已完成", "已完成", "已完成"),
        ("enum", "处理中", "处理中"),
    ],
)
def test_valid_values_render_as_wechat_accepts_them(field_type, value, expected):
    text = render_value(field_type, value)

    assert text == expected
    assert value_ok(field_type, text)  # the emulator's copy of WeChat's rules agrees


@pytest.mark.parametrize(
    ("field_type", "value"),
    [
        ("thing", ""),
        ("thing", "   "),
        ("thing", None),
        ("number", -3),
        ("number", "12a"),
        ("number", "9" * 33),
        ("number", True),
        ("letter", "abc1"),
        ("letter", "a" * 33),
        ("symbol", "%%%%%%"),
        ("symbol", "a%"),
        ("character_string", "编号123"),
        ("character_string", "x" * 33),
        ("phone_number", "1" * 18),
        ("car_number", "京A123456789"),
        ("name", "张3"),
        ("phrase", "处理中了吗啊"),
        ("phrase", "OK"),
        ("amount", -5),
        ("amount", "12345678901元"),
        ("time", date(2024, 5, 1)),
        ("time", "明天上午"),
        ("date", "2024年5月"),
        ("enum:待处理|已完成", "处理中"),
    ],
)
def test_values_that_cannot_be_made_valid_are_refused(field_type, value):
    with pytest.raises((ValueError, TypeError)):
        render_value(field_type, value)


def test_render_data_builds_wechat_data_from_our_values():
    data = render_data(
        {"thing1": "thing", "time2": "time", "thing3": "thing"},
        {"thing1": "title", "time2": "published_at", "thing3": "=社区居委会"},
        {
            "title": "关于3号楼二次供水设施清洗期间临时停水的通知",
            "published_at": datetime(2024, 5, 1),
        },
    )

    assert data == {
        "thing1": {"value": "关于3号楼二次供水设施清洗期间临时停水…"},
        "time2": {"value": "2024-05-01 08:00"},
        "thing3": {"value": "社区居委会"},
    }
    assert len(data["thing1"]["value"]) == 20


def test_render_data_names_every_field_it_cannot_fill():
    with pytest.raises(TemplateValueInvalid) as caught:
        render_data(
            {"thing1": "thing", "phrase2": "phrase", "number3": "number"},
            {"thing1": "title", "phrase2": "state", "number3": "count"},
            {"title": "通知", "state": "处理完成了的状态"},
        )

    assert set(caught.value.errors) == {"phrase2", "number3"}
    assert caught.value.status_code == 422


@pytest.mark.parametrize(
    ("fields", "mapping"),
    [
        ({}, {}),
        ({"thing1": "text"}, {"thing1": "title"}),
        ({"thing1": "thing"}, {}),
        ({"thing1": "thing"}, {"thing1": "title", "thing2": "body"}),
        ({"Title": "thing"}, {"Title": "title"}),
    ],
)
def test_broken_template_specs_are_refused(fields, mapping):
    with pytest.raises(TemplateSpecInvalid):
        check_spec(fields, mapping)
