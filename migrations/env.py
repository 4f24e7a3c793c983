"""Alembic environment: runs revisions against the app's engine and metadata."""

import logging

from alembic import context
from alembic.operations import ops
from flask import current_app

config = context.config
log = logging.getLogger("alembic.env")
migrate_ext = current_app.extensions["migrate"]
target_metadata = migrate_ext.db.metadata


def _prepare_revision(context, revision, directives):
    # `flask db migrate` with no model change must not write an empty revision.
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        log.info("No changes in schema detected.")
        return
    # Every table is InnoDB and utf8mb4, whatever the server's defaults (names, emoji).
    for operation in directives[0].upgrade_ops.ops:
        if isinstance(operation, ops.CreateTableOp):
            operation.kw.setdefault("mysql_engine", "InnoDB")
            operation.kw.setdefault("mysql_charset", "utf8mb4")
            operation.kw.setdefault("mysql_collate", "utf8mb4_unicode_ci")


def run_migrations_offline():
    url = migrate_ext.db.engine.url.render_as_string(hide_password=False)
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    conf_args = dict(migrate_ext.configure_args)
    conf_args.setdefault("process_revision_directives", _prepare_revision)
    with migrate_ext.db.engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, **conf_args)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
