"""`booker create-admin --email …`: make (or promote) an administrator from the command line.

The password is prompted twice at a terminal, or read from the first line of stdin
otherwise (`printf '%s\\n' "$PW" | booker create-admin --email ops@example.com`), so it
never appears in the process list or the shell history.
"""

from __future__ import annotations

import argparse
import getpass
import sys

import psycopg

from booker.passwords import hash_password, password_problem


def read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Password (again): ") != first:
            raise ValueError("the passwords do not match")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def create_admin(database_url: str, email: str, password: str, name: str | None = None) -> bool:
    """Insert an admin, or promote the existing account and set its password. True if created."""
    password_hash = hash_password(password)
    with psycopg.connect(database_url) as conn, conn.transaction():
        row = conn.execute(
            "UPDATE booking.users SET role = 'admin', password_hash = %s, disabled_at = NULL, "
            "updated_at = now() WHERE lower(email) = lower(%s) RETURNING id",
            (password_hash, email),
        ).fetchone()
        if row:
            return False
        conn.execute("INSERT INTO booking.users (email, name, role, password_hash) "
                     "VALUES (%s, %s, 'admin', %s)",
                     (email, name or email.split("@", 1)[0], password_hash))
        return True


def cmd_create_admin(args: argparse.Namespace) -> int:
    from booker.settings import database_url_or_exit, load_or_exit

    email = args.email.strip()
    try:
        password = read_password()
    except (ValueError, EOFError, KeyboardInterrupt) as exc:
        print(f"booker: {exc or 'no password given'}", file=sys.stderr)
        return 2
    if problem := password_problem(password):
        print(f"booker: password {problem}", file=sys.stderr)
        return 2
    try:
        created = create_admin(database_url_or_exit(load_or_exit()), email, password, args.name)
    except psycopg.errors.CheckViolation as exc:
        if exc.diag.constraint_name != "email_address_check":  # the database's one email rule
            raise
        print(f"booker: --email {email!r} is not an email address", file=sys.stderr)
        return 2
    except psycopg.Error as exc:
        print(f"booker: {str(exc).strip().splitlines()[0]}", file=sys.stderr)
        return 1
    print(f"{'created' if created else 'updated'} admin {email}")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("create-admin", help="create an administrator (or promote an existing account)")
    p.add_argument("--email", required=True)
    p.add_argument("--name", help="display name (default: the part of the email before @)")
    p.set_defaults(func=cmd_create_admin)
