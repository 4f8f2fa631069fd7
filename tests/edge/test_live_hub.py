"""The hub's fan-out rules, without a database: replay merging, bounds, drops, order."""

from __future__ import annotations

import datetime as dt

from edge.relay.hub import DROPPED, RESYNC, SHUTDOWN, Hub, Item, SlotChange, Subscriber

T0 = dt.datetime(2030, 1, 7, 9, tzinfo=dt.UTC)
TOPIC = "service:meeting-room"


def change(seq: int, service: str = "meeting-room") -> SlotChange:
    return SlotChange(seq=seq, service=service, starts_at=T0, ends_at=T0 + dt.timedelta(hours=1),
                      status="available", seats_left=1, change="created", booking_status="confirmed")


def queued(sub: Subscriber) -> list[Item]:
    items = []
    while not sub.queue.empty():
        items.append(sub.queue.get_nowait())
    return items


def seqs(items: list[Item]) -> list[int | str]:
    return [i.seq if isinstance(i, SlotChange) else repr(i) for i in items]


def test_replay_then_held_live_events_without_duplicates_or_gaps() -> None:
    hub = Hub()
    sub = hub.subscriber()
    sub.begin_replay(TOPIC, 2)
    # while the replay query runs, live changes arrive: 5 (also in the replay), 7, 4 (which
    # committed after the replay's snapshot although its seq is lower) and 2, which the client
    # already has (it asked for what follows 2) but the listener was late to publish
    for seq in (5, 7, 4, 2):
        hub.publish(change(seq))
    assert queued(sub) == []  # held back until the replay is queued
    sub.end_replay(TOPIC, [change(3), change(5)])
    assert seqs(queued(sub)) == [3, 5, 7, 4]
    hub.publish(change(8))
    assert seqs(queued(sub)) == [8]


def test_replay_that_cannot_be_done_sends_resync_then_live_events() -> None:
    hub = Hub()
    sub = hub.subscriber()
    sub.begin_replay(TOPIC, 2)
    hub.publish(change(9))
    sub.end_replay(TOPIC, None)
    assert seqs(queued(sub)) == ["<resync>"]  # the refetch that follows includes 9
    hub.publish(change(10))
    assert seqs(queued(sub)) == [10]


def test_too_many_live_events_during_a_replay_become_a_resync() -> None:
    hub = Hub(queue_limit=3)
    sub = hub.subscriber()
    sub.begin_replay(TOPIC, 2)
    for seq in range(10, 20):
        hub.publish(change(seq))
    sub.end_replay(TOPIC, [change(9)])
    assert queued(sub) == [RESYNC]
    assert not sub.dropped


def test_a_subscriber_that_falls_behind_is_dropped_and_the_others_are_not() -> None:
    hub = Hub(queue_limit=4)
    slow, fast = hub.subscriber(), hub.subscriber()
    aborted = []
    slow.abort = lambda: aborted.append(True)
    hub.add(slow, TOPIC)
    hub.add(fast, TOPIC)
    for seq in range(1, 6):
        hub.publish(change(seq))
        queued(fast)  # the fast client's writer keeps up
    assert slow.dropped and aborted == [True]
    assert queued(slow) == [DROPPED]  # what was queued is forgotten; the writer just stops
    assert hub.topic_count(TOPIC) == 1 and hub.subscriber_count == 1 and hub.dropped == 1
    hub.publish(change(6))
    assert seqs(queued(fast)) == [6]


def test_only_the_topic_of_an_event_is_served() -> None:
    hub = Hub()
    room, concert = hub.subscriber(), hub.subscriber()
    hub.add(room, TOPIC)
    hub.add(concert, "service:limited-concert")
    hub.publish(change(1, "limited-concert"))
    assert queued(room) == [] and seqs(queued(concert)) == [1]
    hub.remove(concert, "service:limited-concert")
    hub.publish(change(2, "limited-concert"))
    assert queued(concert) == []


def test_direct_writes_only_while_idle_and_in_order() -> None:
    hub = Hub()
    sub = hub.subscriber()
    hub.add(sub, TOPIC)
    written: list[int] = []
    accept = True

    def direct(event: SlotChange) -> bool:
        if accept:
            written.append(event.seq)
        return accept

    sub.direct = direct
    hub.publish(change(1))
    assert written == [1] and queued(sub) == []
    accept = False  # the transport has something buffered: use the queue
    hub.publish(change(2))
    accept = True
    hub.publish(change(3))  # the queue is not empty: 3 must wait behind 2
    assert written == [1]
    assert seqs(queued(sub)) == [2, 3]
    sub.busy = True  # the writer is sending: queue
    hub.publish(change(4))
    assert seqs(queued(sub)) == [4]


def test_frames_are_encoded_once_and_well_formed() -> None:
    event = change(42)
    frame = event.ws_frame
    assert frame is event.ws_frame
    payload = event.text.encode()
    assert 125 < len(payload) < 1 << 16  # a 16-bit extended length
    assert frame[:4] == bytes([0x81, 126]) + len(payload).to_bytes(2, "big")
    assert frame[4:] == payload
    assert event.sse.startswith(b"id: 42\nevent: slot.changed\ndata: {")
    assert event.sse.endswith(b"}\n\n")


async def test_resync_all_and_shutdown_reach_every_client() -> None:
    hub = Hub()
    sub, idle = hub.subscriber(), hub.subscriber()
    hub.add(sub, TOPIC)
    hub.resync_all()
    assert queued(sub) == [RESYNC] and queued(idle) == []
    aborted = []
    idle.abort = lambda: aborted.append(True)
    await hub.shutdown(grace=0.05)
    assert queued(sub) == [SHUTDOWN]
    assert aborted == [True]  # still connected after the grace period
