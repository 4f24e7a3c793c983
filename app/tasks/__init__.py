"""The task queue (Celery on Redis): fan-out pushes, reminders and escalations run here."""

from __future__ import annotations

from celery import Celery, Task
from flask import Flask


def init_celery(app: Flask) -> Celery:
    """A Celery app whose tasks run inside this Flask app's context.

    Tasks are declared with ``celery.shared_task`` in each domain's ``tasks.py`` and bind to the
    Celery app made current here. Acks are late and lost workers re-queue their task: a worker
    killed mid-task must not lose it (tasks are written to be safe to run twice).
    """

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.import_name, task_cls=FlaskTask)
    celery.conf.update(
        broker_url=app.config["CELERY_BROKER_URL"],
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=4,
        broker_transport_options={"visibility_timeout": 600},
        broker_connection_retry_on_startup=True,
        task_always_eager=app.config["CELERY_TASK_ALWAYS_EAGER"],
        timezone="Asia/Shanghai",
        enable_utc=True,
        beat_schedule=app.config["CELERY_BEAT_SCHEDULE"],
    )
    celery.set_default()
    app.extensions["celery"] = celery
    return celery
