#!/usr/bin/env bash
# `make demo`: install everything, build the database, start the WeChat emulator, gunicorn and
# the worker with the demo community, and say where to reach them.
set -euo pipefail
cd "$(dirname "$0")/../.."

bash devtools/scripts/services.sh
bash devtools/scripts/python_env.sh requirements-dev.txt
.venv/bin/python devtools/scripts/write_env.py .env
set -a; . ./.env; set +a
export FLASK_SKIP_DOTENV=1

db_name=$(.venv/bin/python -c "from config import load_config; print(load_config()['DATABASE_URL'].rsplit('/', 1)[1].split('?')[0])")
mariadb -h127.0.0.1 -uroot -e \
  "CREATE DATABASE IF NOT EXISTS \`$db_name\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
.venv/bin/flask --app wsgi db upgrade
.venv/bin/flask --app wsgi seed-demo

bash devtools/scripts/stop.sh quiet
mkdir -p var/log var/run
# The emulator must know the demo's subscribe templates for pushes to go through.
.venv/bin/python -c "import json; from app.demo.templates import emulator_templates; \
print(json.dumps(emulator_templates()))" >var/run/emulator-templates.json
port="${LINLI_PORT:-8000}"
emulator_port="${WECHAT_EMULATOR_PORT:-9100}"

nohup .venv/bin/python -m devtools.wechat_emulator --host 127.0.0.1 --port "$emulator_port" \
  --appid "$WECHAT_APP_ID" --secret "$WECHAT_APP_SECRET" \
  --push-url "http://127.0.0.1:$port/api/v1/wechat/push" \
  --push-token "$WECHAT_PUSH_TOKEN" --push-aes-key "$WECHAT_PUSH_AES_KEY" \
  --templates var/run/emulator-templates.json >var/log/emulator.log 2>&1 &
echo $! >var/run/emulator.pid

LINLI_BIND="127.0.0.1:$port" nohup .venv/bin/gunicorn -c config/gunicorn.conf.py wsgi:app \
  >var/log/gunicorn.log 2>&1 &
echo $! >var/run/gunicorn.pid

nohup .venv/bin/celery -A app.tasks.worker worker --beat --loglevel INFO --concurrency 2 \
  --schedule var/run/celerybeat-schedule >var/log/worker.log 2>&1 &
echo $! >var/run/worker.pid

for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 1
done
if ! curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null; then
  echo "linli did not become ready; see var/log/gunicorn.log" >&2
  exit 1
fi

cat <<MSG

linli is running (demo community: 北焦社区, slug "beijiao").
  API                http://127.0.0.1:$port/api/v1/
  API documentation  http://127.0.0.1:$port/api/v1/docs   (OpenAPI: /api/v1/openapi.json)
  readiness          http://127.0.0.1:$port/readyz
  WeChat emulator    http://127.0.0.1:$emulator_port/__emulator__/health
  logs               var/log/{gunicorn,worker,emulator}.log
Log in as a resident:  bash devtools/scripts/demo_login.sh
Stop everything:       make stop
MSG
