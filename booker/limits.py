"""Process limits every long-running Booker command sets at start-up."""

from __future__ import annotations

import logging
import resource

log = logging.getLogger("booker")

# Never ask for more than this even when the hard limit is "unlimited" (select() users, memory).
NOFILE_CEILING = 1 << 20


def raise_nofile_limit() -> int:
    """Raise the soft open-files limit (RLIMIT_NOFILE) to the hard limit and return it.

    Each HTTP connection, WebSocket and database connection is a file handle; the usual
    soft default of 1,024 lets about a thousand clients stop the edge from accepting.
    Children inherit the raised limit. Never fails: a refusal only leaves the limit as it was.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = NOFILE_CEILING if hard == resource.RLIM_INFINITY else min(hard, NOFILE_CEILING)
    if soft == resource.RLIM_INFINITY or soft >= target:
        return soft
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    except (ValueError, OSError) as exc:
        log.warning("could not raise the open-files limit from %d to %d: %s", soft, target, exc)
        return soft
    return target
