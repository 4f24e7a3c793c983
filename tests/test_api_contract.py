"""Properties every API route must keep: authentication, tenancy, documentation."""

from __future__ import annotations

import pytest

from app.accounts.models import Role
from app.accounts.services.roles import grant_role
from tests.factories import CommunityFactory

# The only /api/v1 routes a stranger may call.
PUBLIC_ROUTES = {
    "/api/v1/auth/login",
    "/api/v1/openapi.json",
    "/api/v1/docs",
    "/api/v1/docs/<path:filename>",
    "/api/v1/wechat/push",  # WeChat's 消息推送, authenticated by its signature (public_because)
}


def _api_rules(app):
    return [r for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1")]


def test_every_api_route_but_login_and_docs_requires_a_token(app):
    unguarded = [
        rule.rule
        for rule in _api_rules(app)
        if rule.rule not in PUBLIC_ROUTES
        and not hasattr(app.view_functions[rule.endpoint], "required_roles")
    ]

    assert unguarded == []


def test_every_guarded_route_refuses_a_stranger(app, client):
    for rule in _api_rules(app):
        if rule.rule in PUBLIC_ROUTES or "<" in rule.rule:
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(rule.rule, method=method, json={})
            assert response.status_code == 401, (method, rule.rule)


def test_openapi_documents_every_api_route_with_bearer_security(client, app):
    spec = client.get("/api/v1/openapi.json").json

    documented = set(spec["paths"])
    assert "/api/v1/auth/login" in documented
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert spec["paths"]["/api/v1/me"]["get"]["security"] == [{"bearerAuth": []}]
    assert "security" not in spec["paths"]["/api/v1/auth/login"]["post"]


def test_the_browsable_api_page_is_served(client):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    assert b"swagger" in response.data.lower()


@pytest.fixture
def two_communities(db, wechat_user):
    """An admin of `beijiao` and a resident of `shuangjing`, each logged in to their own."""
    CommunityFactory(slug="beijiao", name="北焦社区")
    CommunityFactory(slug="shuangjing", name="双井社区")
    admin, stranger = wechat_user(), wechat_user()
    admin.log_in("beijiao")
    stranger.log_in("shuangjing")
    me = admin.get("/api/v1/me").json
    grant_role(None, me["id"], me["community"]["id"], Role.ADMIN)
    return admin, stranger


def test_one_community_never_sees_another_through_any_endpoint(app, two_communities):
    admin, stranger = two_communities

    for rule in _api_rules(app):
        if rule.rule in PUBLIC_ROUTES or "<" in rule.rule or "GET" not in rule.methods:
            continue
        body = stranger.get(rule.rule).get_data(as_text=True)
        assert "北焦" not in body and "beijiao" not in body, rule.rule
    assert stranger.get("/api/v1/me").json["roles"] == []
    assert admin.get("/api/v1/me").json["roles"] == ["admin"]
