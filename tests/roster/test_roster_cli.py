"""`flask import-roster`: imports a file into a community and prints the outcome."""

from __future__ import annotations

from sqlalchemy import func, select

from app.community.models import Household
from tests.roster.sheets import person, small_roster, xlsx_bytes


def test_the_command_imports_a_roster_and_prints_the_summary(app, db, buildings, tmp_path):
    path = tmp_path / "名单.xlsx"
    path.write_bytes(xlsx_bytes(small_roster()))

    result = app.test_cli_runner().invoke(
        args=["import-roster", "--community", "beijiao", str(path)]
    )

    assert result.exit_code == 0, result.output
    assert "done" in result.output and '"households_created": 3' in result.output
    assert db.session.scalar(select(func.count()).select_from(Household)) == 3


def test_the_command_prints_the_errors_of_a_refused_roster(app, db, buildings, tmp_path):
    path = tmp_path / "名单.xlsx"
    path.write_bytes(xlsx_bytes([person(building="99")]))

    result = app.test_cli_runner().invoke(
        args=["import-roster", "--community", "beijiao", str(path)]
    )

    assert result.exit_code == 1
    assert "第 2 行 楼栋: 楼栋“99”不存在 (unknown_building)" in result.output
