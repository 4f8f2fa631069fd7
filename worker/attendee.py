"""What an email says to whom (issue 14): the zone its times are shown in, and whether the
booking can still be cancelled online. Kept apart from worker/render.py, which calls these.

* The attendee's messages (kinds `customer_*`) show times in the booker's zone, the one the
  booking page showed (`attendee_timezone` in the payload); the provider's show the
  provider's zone (`provider_timezone`: the zone of the resource owner's profile, else the
  resource's). Payloads written before a zone was recorded fall back to `timezone`, the
  resource's.
* "Manage or cancel this booking" is said only while cancelling online is open
  (`cancellable_until`, the start minus the service's cancellation cutoff); after that the
  link is "View this booking" and a row says cancelling is no longer possible online.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from worker.ics import parse_instant

MANAGE = "Manage or cancel this booking"
VIEW = "View this booking"
# messages about a booking that is (still) on: they may offer to cancel it
ACTIVE_KINDS = ("customer_confirmed", "customer_pending", "customer_approved", "customer_rescheduled")


def display_zone(kind: str, payload: dict[str, Any]) -> str:
    zone: str = payload["timezone"]
    # the booker's zone for the attendee, the provider's for the provider; others: the resource's
    chosen = (payload.get("attendee_timezone") if kind.startswith("customer_")
              else payload.get("provider_timezone") if kind.startswith("provider_") else None)
    if isinstance(chosen, str) and chosen:
        try:
            ZoneInfo(chosen)
        except (ValueError, KeyError):  # checked by the database; never a reason to fail a message
            return zone
        return chosen
    return zone


def cancellable_until(payload: dict[str, Any]) -> dt.datetime | None:
    value = payload.get("cancellable_until")
    return parse_instant(value) if isinstance(value, str) and value else None


def cancelling_open(payload: dict[str, Any], now: dt.datetime) -> bool:
    until = cancellable_until(payload)
    return until is None or now < until


def manage_label(kind: str, payload: dict[str, Any], now: dt.datetime) -> str:
    return MANAGE if cancelling_open(payload, now) else VIEW


def cutoff_row(kind: str, payload: dict[str, Any], zone: str, now: dt.datetime) -> tuple[str, str] | None:
    """("Changes", …): until when to cancel or move online, for a booking that is on (with a cutoff)."""
    until = cancellable_until(payload)
    if kind not in ACTIVE_KINDS or until is None or until >= parse_instant(payload["starts_at"]):
        return None
    if now >= until:
        return ("Changes", "No longer possible online: please contact us to change this booking.")
    local = until.astimezone(ZoneInfo(zone))
    return ("Changes",
            f"Online until {local:%A}, {local.day} {local:%B %Y}, {local:%H:%M} {local.tzname()}")
