#!/bin/sh
# The infra image's entry point: `supportbot-infra nginx|postgres|redis|rabbitmq`. Each
# writes its configuration from the environment (passwords go in files readable by the
# service's account only, never on a command line) and runs the service in the foreground
# as its Debian account.
set -eu

as() { user=$1; shift; exec setpriv --reuid="$user" --regid="$user" --init-groups "$@"; }
need() { eval "test -n \"\${$1:-}\"" || { echo "supportbot-infra: $1 is not set" >&2; exit 2; }; }

case "${1:-}" in
nginx)
  # Logs to the container's output; Debian's nginx.conf sends errors there too.
  ln -sf /dev/stderr /var/log/nginx/error.log
  nginx -t -q
  exec nginx -g 'daemon off;'
  ;;

postgres)
  # First start: a cluster with scram passwords, the role `supportbot` and the two
  # databases (the desk; the conversations and outbox: both have a table `events`).
  need POSTGRES_PASSWORD
  data=/var/lib/postgresql/data
  mkdir -p "$data" /run/postgresql
  chown postgres:postgres "$data" /run/postgresql
  chmod 0700 "$data"
  if [ ! -s "$data/PG_VERSION" ]; then
    pwfile=$(mktemp) && chown postgres "$pwfile"
    printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
    setpriv --reuid=postgres --regid=postgres --init-groups initdb -D "$data" \
      --username=supportbot --pwfile="$pwfile" --auth-local=peer \
      --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 > /dev/null
    rm -f "$pwfile"
    # Password sign-in from the compose network; local peer sign-in for maintenance.
    cat > "$data/pg_hba.conf" <<HBA
local all all peer map=admin
host  all all all scram-sha-256
HBA
    printf 'admin postgres supportbot\nadmin root supportbot\n' > "$data/pg_ident.conf"
    setpriv --reuid=postgres --regid=postgres --init-groups \
      pg_ctl -D "$data" -o "-c listen_addresses=''" -w start > /dev/null
    for db in supportbot_desk supportbot_tracker; do
      setpriv --reuid=postgres --regid=postgres --init-groups \
        createdb -U supportbot -O supportbot "$db"
    done
    setpriv --reuid=postgres --regid=postgres --init-groups pg_ctl -D "$data" -w stop > /dev/null
  fi
  as postgres postgres -D "$data" -c listen_addresses='*' -c max_connections=200
  ;;

redis)
  need REDIS_PASSWORD
  conf=/etc/redis/supportbot.conf
  umask 077
  cat > "$conf" <<CONF
bind 0.0.0.0
port 6379
protected-mode no
requirepass $REDIS_PASSWORD
save ""
appendonly no
dir /var/lib/redis
logfile ""
CONF
  chown redis:redis "$conf"
  as redis redis-server "$conf"
  ;;

rabbitmq)
  # The user the apps sign in with (guest may sign in from localhost only); durable
  # queues live in /var/lib/rabbitmq, a volume. The node is named after localhost, not
  # the container's host name, so that a new container finds the volume's data its own.
  need RABBITMQ_PASSWORD
  umask 077
  cat > /etc/rabbitmq/rabbitmq.conf <<CONF
default_user = ${RABBITMQ_USERNAME:-supportbot}
default_pass = $RABBITMQ_PASSWORD
loopback_users.guest = true
log.console = true
log.console.level = notice
log.file = false
CONF
  # Read by the server and by rabbitmqctl alike (`podman exec ... rabbitmqctl status`).
  echo 'NODENAME=rabbit@localhost' > /etc/rabbitmq/rabbitmq-env.conf
  chown rabbitmq:rabbitmq /etc/rabbitmq/rabbitmq.conf
  chmod 0644 /etc/rabbitmq/rabbitmq-env.conf
  chown -R rabbitmq:rabbitmq /var/lib/rabbitmq
  HOME=/var/lib/rabbitmq as rabbitmq rabbitmq-server
  ;;

*)
  echo "usage: supportbot-infra nginx|postgres|redis|rabbitmq" >&2
  exit 2
  ;;
esac
