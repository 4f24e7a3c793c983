"""The migrations build exactly the schema the models describe, in utf8mb4."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text


def test_models_and_migrations_agree(app, db):
    context = MigrationContext.configure(db.session.connection(), opts={"compare_type": True})

    differences = compare_metadata(context, db.metadata)

    assert differences == []


def test_every_table_is_utf8mb4_innodb(db):
    rows = db.session.execute(
        text(
            "SELECT table_name, table_collation, engine FROM information_schema.tables "
            "WHERE table_schema = DATABASE()"
        )
    ).all()

    assert rows
    for name, collation, engine in rows:
        assert collation.startswith("utf8mb4"), name
        assert engine == "InnoDB", name


def test_the_migrations_have_one_head(app):
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(app.config["MIGRATIONS_DIR"]))
    # Two heads would stop `flask db upgrade` (the README's run command) cold.
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1
