#!/usr/bin/env bash
# Runs a command as the unprivileged user when invoked as root (initdb refuses root),
# making sure that user can read the checkout and write ./var.
set -euo pipefail
cd "$(dirname "$0")/.."
RUN_USER="${BOOKER_RUN_USER:-booker}"
mkdir -p var
if [ "$(id -u)" -ne 0 ]; then
    exec "$@"
fi
chown -R "$RUN_USER" var
# Every directory above the checkout must be traversable by that user.
dir="$PWD"
while [ "$dir" != "/" ]; do
    if ! runuser -u "$RUN_USER" -- test -x "$dir"; then
        echo "granting $RUN_USER traversal of $dir" >&2
        chmod o+x "$dir"
    fi
    dir="$(dirname "$dir")"
done
home="$(getent passwd "$RUN_USER" | cut -d: -f6)"
exec runuser -u "$RUN_USER" -- env HOME="$home" PATH="$PATH" "$@"
