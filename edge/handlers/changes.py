"""GET /api/v1/services/{slug}/changes?since=<seq>: the live feed's last fallback, polling.

A page whose WebSocket and Server-Sent Events cannot connect (a proxy that blocks them)
polls this with the last `seq` it has seen and gets the same slot.changed events the
stream would have sent, replayed from `api.changes_since` (edge.live.replay), or
`resync: true` when they cannot be replayed (then it refetches the slots). `seq` in the
answer is where to poll from next.
"""

from __future__ import annotations

from aiohttp import web

from edge import db
from edge.errors import not_found
from edge.http import Fields, json_response
from edge.live import active_slugs, replay
from edge.relay.listener import current_seq

MAX_SEQ = 2**63 - 1


async def changes(request: web.Request) -> web.Response:
    slug = request.match_info["slug"]
    f = Fields(request.query)
    since = f.integer("since", required=True, lo=0, hi=MAX_SEQ)
    f.check()
    assert since is not None
    if slug not in await active_slugs(request.app, [slug]):
        raise not_found("service")
    async with request.app[db.POOL].connection() as conn:
        seq_before = await current_seq(conn)
    events = await replay(request.app, slug, since)
    if events is None:
        return json_response({"service": slug, "seq": seq_before, "resync": True, "events": []})
    seq = max([since, seq_before, *(e.seq for e in events)])
    return json_response({"service": slug, "seq": seq, "resync": False,
                          "events": [e.as_json() for e in events]})
