"""Command-line entry points for operators: `flask --app wsgi <command>`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from app.extensions import db


def register_commands(app: Flask) -> None:
    app.cli.add_command(create_community_command)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(import_roster_command)
    app.cli.add_command(demo_roster_command)


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


_ROSTER_PATH = click.Path(dir_okay=False, writable=True, path_type=Path)


@click.command("seed-demo")
@click.option(
    "--roster-out", type=_ROSTER_PATH, default=None, help="同时把生成的住户名册保存到此路径"
)
def seed_demo_command(roster_out: Path | None) -> None:
    """Create the demo community (idempotent)."""
    from app.demo import demo_roster_bytes, seed_demo

    summary = seed_demo()
    db.session.commit()
    click.echo(summary)
    if roster_out is not None:
        roster_out.write_bytes(demo_roster_bytes())
        click.echo(f"demo roster written to {roster_out}")


@click.command("demo-roster")
@click.argument("path", type=_ROSTER_PATH)
def demo_roster_command(path: Path) -> None:
    """Write the demo community's roster (.xlsx, the same bytes every time) to PATH."""
    from app.demo import demo_roster_bytes

    path.write_bytes(demo_roster_bytes())
    click.echo(f"demo roster written to {path}")


@click.command("import-roster")
@click.option("--community", "community_slug", required=True, help="社区标识，如 beijiao")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_roster_command(community_slug: str, path: Path) -> None:
    """Import the housing centre's lease roster (.xlsx or .csv) at PATH, all or nothing."""
    import json

    from app.community.services import get_community_by_slug
    from app.core.errors import AppError
    from app.roster.services import import_roster_file

    try:
        community = get_community_by_slug(community_slug)
        record = import_roster_file(community.id, path.name, path.read_bytes())
    except AppError as error:
        raise click.ClickException(f"{error.reason}: {error.message}") from error
    db.session.commit()
    click.echo(f"roster import {record.id}: {record.status.value}")
    if record.summary is not None:
        click.echo(json.dumps(record.summary, ensure_ascii=False, indent=2))
    for error in record.errors or []:
        click.echo(
            f"第 {error['row']} 行 {error['column']}: {error['message']} ({error['reason']})"
        )
    if record.status.value != "done":
        raise click.exceptions.Exit(1)
