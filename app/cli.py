"""Command-line entry points for operators: `flask --app wsgi <command>`."""

from __future__ import annotations

import click
from flask import Flask

from app.extensions import db


def register_commands(app: Flask) -> None:
    app.cli.add_command(create_community_command)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(seed_demo_command)


@click.command("create-community")
@click.option("--slug", required=True, help="短标识，如 beijiao")
@click.option("--name", required=True, help="社区名称，如 北焦社区")
@click.option("--city", default="")
@click.option("--district", default="")
def create_community_command(slug: str, name: str, city: str, district: str) -> None:
    """Create a community (a tenant)."""
    from app.community.services import create_community

    community = create_community(slug, name, city, district)
    db.session.commit()
    click.echo(f"community {community.slug} created with id {community.id}")


@click.command("create-admin")
@click.option("--community", "community_slug", required=True, help="社区标识")
@click.option("--openid", required=True, help="该员工在本小程序中的 openid")
@click.option("--nickname", default=None)
def create_admin_command(community_slug: str, openid: str, nickname: str | None) -> None:
    """Make the WeChat user OPENID an admin of a community (bootstraps the first staff)."""
    from app.accounts.services.login import create_admin

    user = create_admin(openid, community_slug, nickname)
    db.session.commit()
    click.echo(f"user {user.id} is now an admin of {community_slug}")


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Create the demo community (idempotent)."""
    from app.demo import seed_demo

    summary = seed_demo()
    db.session.commit()
    click.echo(summary)
