"""gunicorn settings: `gunicorn -c config/gunicorn.conf.py wsgi:app`."""

import multiprocessing
import os

bind = os.environ.get("LINLI_BIND", "127.0.0.1:8000")
# Requests wait on MySQL, Redis and WeChat more than on the CPU: a few processes, many threads.
workers = int(os.environ.get("LINLI_WORKERS", multiprocessing.cpu_count() + 1))
worker_class = "gthread"
threads = int(os.environ.get("LINLI_THREADS", 8))
timeout = 30
graceful_timeout = 20
keepalive = 5
# Restart workers now and then so a slow leak can never grow without bound.
max_requests = 20000
max_requests_jitter = 2000
accesslog = os.environ.get("LINLI_ACCESS_LOG", "-")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(L)ss rid=%({x-request-id}o)s'
