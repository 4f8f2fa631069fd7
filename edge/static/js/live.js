// The live feed: WebSocket /api/v1/live (SPEC §4). Subscribes to topics, resumes with
// `since` after a reconnect, and asks the page to refetch when the server says `resync`.

export class LiveFeed {
  /** @param {string[]} topics e.g. ["service:consultation"]
   *  @param {{onEvent?: Function, onResync?: Function, onStatus?: Function}} handlers */
  constructor(topics, handlers = {}) {
    this.topics = topics;
    this.handlers = handlers;
    this.seq = null;
    this.ws = null;
    this.retry = 0;
    this.stopped = false;
    this.timer = null;
  }

  /** The last sequence number the page has seen (from a slots response or an event). */
  advance(seq) {
    if (typeof seq === "number" && (this.seq === null || seq > this.seq)) this.seq = seq;
  }

  start() {
    this.stopped = false;
    this.connect();
    return this;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.ws) this.ws.close();
  }

  status(state) {
    if (this.handlers.onStatus) this.handlers.onStatus(state);
  }

  connect() {
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/v1/live`;
    let ws;
    try {
      ws = new WebSocket(url);
    } catch {
      this.reconnect();
      return;
    }
    this.ws = ws;
    ws.addEventListener("open", () => {
      const msg = { op: "subscribe", topics: this.topics };
      if (this.seq !== null) msg.since = this.seq;
      ws.send(JSON.stringify(msg));
    });
    ws.addEventListener("message", (e) => {
      let msg;
      try {
        msg = JSON.parse(e.data);
      } catch {
        return;
      }
      if (msg.type === "subscribed") {
        this.retry = 0;
        if (this.seq === null) this.advance(msg.seq); // resume point for the next reconnect
        this.status("live");
      } else if (msg.type === "slot.changed") {
        // Every event is applied, even one with a lower seq than the last: commits can
        // arrive out of seq order, and an event carries the slot's state when it was sent,
        // so applying it again is harmless while dropping it would lose a real change.
        this.advance(msg.seq);
        if (this.handlers.onEvent) this.handlers.onEvent(msg);
      } else if (msg.type === "resync") {
        if (this.handlers.onResync) this.handlers.onResync();
      }
    });
    ws.addEventListener("close", () => {
      if (this.ws === ws) this.ws = null;
      if (!this.stopped) this.reconnect();
    });
    ws.addEventListener("error", () => ws.close());
  }

  reconnect() {
    this.status("offline");
    const delay = Math.min(15000, 500 * 2 ** this.retry) * (0.75 + Math.random() / 2);
    this.retry += 1;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), delay);
  }
}
