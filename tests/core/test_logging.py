"""Log lines never carry a full phone number, a session key or a token."""

from __future__ import annotations

import logging

import pytest

from app.core.logging import scrub


@pytest.mark.parametrize(
    ("line", "leak"),
    [
        ("bound phone 13812345678 for user 3", "13812345678"),
        ('{"session_key": "tiihtNczf5v6AKRyjwEUhQ==", "openid": "o1"}', "tiihtNczf5v6AKRyjwEUhQ=="),
        ("GET /sns/jscode2session?access_token=ACCESS123&js_code=c", "ACCESS123"),
        ("Authorization: Bearer abcdefghijklmnop", "abcdefghijklmnop"),
        ("secret=shhh&appid=wx1", "shhh"),
    ],
)
def test_scrub_removes_what_must_not_be_logged(line, leak):
    assert leak not in scrub(line)


def test_scrub_keeps_the_rest_readable():
    assert scrub("phone 13812345678 bound") == "phone 138****5678 bound"
    assert scrub("order 20261129000001 paid") == "order 20261129000001 paid"


def test_records_are_scrubbed_where_they_are_made(app, caplog):
    with caplog.at_level(logging.INFO):
        logging.getLogger("linli.test").info(
            "calling %s with session_key=%s", "13912345678", "KEY1"
        )

    assert "13912345678" not in caplog.text
    assert "KEY1" not in caplog.text
    assert "139****5678" in caplog.text
