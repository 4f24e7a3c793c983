#!/usr/bin/env bash
# Log in to the running demo as a WeChat user (default o_demo_resident) and show /api/v1/me.
set -euo pipefail
openid="${1:-o_demo_resident}"
port="${LINLI_PORT:-8000}"
emulator="http://127.0.0.1:${WECHAT_EMULATOR_PORT:-9100}"
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

code=$(curl -fsS -X POST "$emulator/__emulator__/login_codes" -H 'Content-Type: application/json' \
  -d "{\"openid\": \"$openid\"}" | json '["code"]')
token=$(curl -fsS -X POST "http://127.0.0.1:$port/api/v1/auth/login" \
  -H 'Content-Type: application/json' -d "{\"code\": \"$code\", \"community\": \"beijiao\"}" \
  | json '["token"]')
phone_code=$(curl -fsS -X POST "$emulator/__emulator__/phone_codes" -H 'Content-Type: application/json' \
  -d "{\"openid\": \"$openid\", \"phone\": \"13800138000\"}" | json '["code"]')
curl -fsS -X POST "http://127.0.0.1:$port/api/v1/me/phone" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' -d "{\"code\": \"$phone_code\"}" >/dev/null
echo "token: $token"
curl -fsS "http://127.0.0.1:$port/api/v1/me" -H "Authorization: Bearer $token"
echo
