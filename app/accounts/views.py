"""HTTP API for login and the caller's own account."""

from __future__ import annotations

from app.accounts.schemas import (
    LoginArgs,
    LoginResultSchema,
    MeSchema,
    PhoneBindArgs,
    SwitchCommunityArgs,
)
from app.accounts.services import login as services
from app.core.api import Blueprint
from app.core.auth import auth_required, current_actor
from app.core.rate_limits import limit_per_ip
from app.extensions import db

auth_blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="登录")
me_blp = Blueprint("me", __name__, url_prefix="/api/v1/me", description="我的账户")


@auth_blp.route("/login", methods=["POST"])
@limit_per_ip("LOGIN_RATE_LIMIT_PER_IP", scope="login-ip")
@auth_blp.arguments(LoginArgs)
@auth_blp.response(200, LoginResultSchema)
def login(args):
    """Log in with a `wx.login` code; answers our own token (WeChat's session_key stays here)."""
    result = services.login_with_wechat(args["code"], args.get("community"))
    db.session.commit()
    return result


@auth_blp.route("/logout", methods=["POST"])
@auth_required()
@auth_blp.response(204)
def logout():
    services.logout(current_actor())


@me_blp.route("")
@auth_required()
@me_blp.response(200, MeSchema)
def show_me():
    return services.get_profile(current_actor())


@me_blp.route("/phone", methods=["POST"])
@auth_required()
@me_blp.arguments(PhoneBindArgs)
@me_blp.response(200, MeSchema)
def bind_phone(args):
    """Bind the phone number from `<button open-type="getPhoneNumber">`."""
    profile = services.bind_phone(current_actor(), args["code"])
    db.session.commit()
    return profile


@me_blp.route("/community", methods=["POST"])
@auth_required()
@me_blp.arguments(SwitchCommunityArgs)
@me_blp.response(200, MeSchema)
def switch_community(args):
    profile = services.switch_community(current_actor(), args["community"])
    db.session.commit()
    return profile
