#!/usr/bin/env bash
# Installs what Booker needs on a fresh machine; safe to run again.
#   scripts/setup.sh run    PostgreSQL server binaries + the virtualenv
#   scripts/setup.sh test   also pgTAP, Chromium, docker-compose and the dev dependencies
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-run}"
RUN_USER="${BOOKER_RUN_USER:-booker}"

packages=(postgresql-15 postgresql-client-15)
if [ "$profile" = test ]; then
    packages+=(postgresql-15-pgtap pgbouncer chromium docker-compose)
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
        echo "installing system packages: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        for p in "${missing[@]}"; do
            echo "missing system package: $p (install it with: sudo apt-get install $p)" >&2
            exit 1
        done
    fi
fi

if [ "$(id -u)" -eq 0 ]; then
    # initdb refuses to run as root: tests and the embedded cluster run as this user.
    if ! id "$RUN_USER" >/dev/null 2>&1; then
        useradd --system --create-home --home-dir "/var/lib/$RUN_USER" --shell /bin/sh "$RUN_USER"
    fi
fi

python=python3
[ -x /usr/bin/python3 ] && python=/usr/bin/python3
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
stamp=".venv/.installed-$profile"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    .venv/bin/pip install -q --upgrade pip
    if [ "$profile" = test ]; then
        .venv/bin/pip install -q -e '.[dev]'
    else
        .venv/bin/pip install -q -e .
    fi
    touch "$stamp"
fi
chmod -R a+rX .venv
