#!/usr/bin/env bash
# `make run`: migrate the SQLite database, load the demo data, start a Celery worker (with beat) on
# the embedded SQLite broker, and serve the app. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
export FLASK_APP=orientation:create_app
BIN=.venv/bin
PORT=${PORT:-5000}
export PUBLIC_BASE_URL=${PUBLIC_BASE_URL:-http://127.0.0.1:$PORT}

$BIN/flask db upgrade
$BIN/flask demo load

$BIN/celery -A worker worker --beat --pool=solo --loglevel=INFO \
  --schedule=instance/celerybeat-schedule >instance/worker.log 2>&1 &
WORKER_PID=$!
trap 'kill $WORKER_PID 2>/dev/null || true' EXIT INT TERM

cat <<MSG

  Orientation Vaucluse tourne sur  http://127.0.0.1:$PORT
  (worker Celery : instance/worker.log ; e-mails de démonstration : instance/mails/)

  Comptes de démonstration — mot de passe : demo-orientation-84
MSG
$BIN/python -c "from orientation.demo import demo_logins
for email, role in demo_logins(): print(f'    {email:40} {role}')"
echo
$BIN/flask run --host 127.0.0.1 --port "$PORT"
