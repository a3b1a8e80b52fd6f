#!/usr/bin/env bash
# `make run`: start the embedded PostgreSQL (instance/postgres/, unless DATABASE_URL is set), migrate,
# load the demo data, start a Celery worker (with beat) on a broker in PostgreSQL (no Redis needed,
# unless REDIS_URL is set), and serve the app. Ctrl-C stops the worker and the embedded server.
set -euo pipefail
cd "$(dirname "$0")/.."
export FLASK_APP=orientation:create_app
BIN=${BIN:-.venv/bin}
PORT=${PORT:-5000}
export PUBLIC_BASE_URL=${PUBLIC_BASE_URL:-http://127.0.0.1:$PORT}

WORKER_PID=
EMBEDDED=
stop_all() {
  if [ -n "$WORKER_PID" ]; then
    kill "$WORKER_PID" 2>/dev/null || true
    wait "$WORKER_PID" 2>/dev/null || true
  fi
  if [ -n "$EMBEDDED" ]; then $BIN/python -m orientation.embedded_db stop || true; fi
}
trap stop_all EXIT
trap 'exit 130' INT TERM

if [ -z "${DATABASE_URL:-}" ]; then
  echo "Démarrage du serveur PostgreSQL embarqué (instance/postgres/)…"
  EMBEDDED=1
  DATABASE_URL=$($BIN/python -m orientation.embedded_db start)
  export DATABASE_URL
fi

$BIN/flask db upgrade
$BIN/flask demo load

$BIN/celery -A worker worker --beat --pool=solo --loglevel=INFO \
  --schedule=instance/celerybeat-schedule >instance/worker.log 2>&1 &
WORKER_PID=$!

cat <<MSG

  Orientation Vaucluse tourne sur  http://127.0.0.1:$PORT
  (worker Celery : instance/worker.log ; e-mails de démonstration : instance/mails/)

  Comptes de démonstration — mot de passe : demo-orientation-84
MSG
$BIN/python -c "from orientation.demo import demo_logins
for email, role in demo_logins(): print(f'    {email:40} {role}')"
echo
$BIN/flask run --host 127.0.0.1 --port "$PORT"
