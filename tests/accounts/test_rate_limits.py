"""Login is rate-limited per IP and per WeChat user, through Redis."""

from __future__ import annotations


def test_login_is_limited_per_ip(client, app, community, wechat):
    limit = int(app.config["LOGIN_RATE_LIMIT_PER_IP"].split()[0])
    statuses = [
        client.post("/api/v1/auth/login", json={"code": f"bad-{i}"}).status_code
        for i in range(limit + 1)
    ]

    assert statuses[:limit] == [401] * limit
    assert statuses[-1] == 429
    last = client.post("/api/v1/auth/login", json={"code": "bad"})
    assert last.json["reason"] == "rate_limited"
    assert int(last.headers["Retry-After"]) > 0


def test_other_addresses_are_not_limited_by_one_noisy_address(client, app, community, wechat):
    limit = int(app.config["LOGIN_RATE_LIMIT_PER_IP"].split()[0])
    for i in range(limit + 1):
        client.post("/api/v1/auth/login", json={"code": f"bad-{i}"})

    response = client.post(
        "/api/v1/auth/login", json={"code": "bad"}, environ_base={"REMOTE_ADDR": "10.1.2.3"}
    )

    assert response.status_code == 401


def test_login_is_limited_per_wechat_user(wechat_user, app, community):
    limit = int(app.config["LOGIN_RATE_LIMIT_PER_USER"].split()[0])
    person = wechat_user()
    statuses = [
        person.client.post(
            "/api/v1/auth/login",
            json={"code": person.login_code(), "community": "beijiao"},
            environ_base={"REMOTE_ADDR": f"10.0.0.{i}"},
        ).status_code
        for i in range(limit + 1)
    ]

    assert statuses[:limit] == [200] * limit
    assert statuses[-1] == 429
