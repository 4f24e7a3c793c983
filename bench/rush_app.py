"""What gunicorn serves in bench/signup_rush.py: linli itself, plus one bench-only route.

``POST /__bench__/incr`` does exactly one Redis INCR and answers a tiny JSON: the yardstick the
issue measures sign-ups against, i.e. the cheapest "seat counter" a web endpoint can be (no
login, no MySQL, nothing durable), served by the same gunicorn workers, the same Flask app and
the same Redis as the real sign-up. It lives only in this bench's server, never in linli.
"""

from __future__ import annotations

from flask import jsonify

from app.extensions import redis
from wsgi import app

INCR_PATH = "/__bench__/incr"


@app.post(INCR_PATH)
def incr():
    return jsonify(n=redis.client.incr("linli:bench:incr"))
