// The live feed: WebSocket /api/v1/live (SPEC §4). Subscribes to topics, resumes with
// `since` after a reconnect, and asks the page to refetch when the server says `resync`.
// With fallbacks (issue 14): when the WebSocket cannot connect (FALLBACK_AFTER attempts in a
// row never got "subscribed"), Server-Sent Events (options.sse), and when those cannot
// connect either, polling GET …/changes?since= (options.poll) every POLL_MS; onStatus says
// which: "live" (WebSocket), "sse", "polling", or "offline" while reconnecting.

const FALLBACK_AFTER = 2;
const SUBSCRIBE_TIMEOUT_MS = 4000;
export const POLL_MS = 3000;

export class LiveFeed {
  /** @param {string[]} topics e.g. ["service:consultation"]
   *  @param {{onEvent?: Function, onResync?: Function, onStatus?: Function}} handlers */
  constructor(topics, handlers = {}, options = {}) {
    this.topics = topics;
    this.handlers = handlers;
    this.options = options; // {sse: (since) => url, poll: (since) => url}
    this.mode = "websocket";
    this.failures = 0; // WebSocket attempts in a row that never got "subscribed"
    this.source = null;
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
    if (this.source) this.source.close();
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
    let subscribed = false;
    const deadline = setTimeout(() => ws.close(), SUBSCRIBE_TIMEOUT_MS); // opened but never answered
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
        subscribed = true;
        clearTimeout(deadline);
        this.failures = 0;
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
      clearTimeout(deadline);
      if (this.ws === ws) this.ws = null;
      if (this.stopped) return;
      if (!subscribed) this.failures += 1;
      if (this.failures >= FALLBACK_AFTER && (this.options.sse || this.options.poll)) this.fallback();
      else this.reconnect();
    });
    ws.addEventListener("error", () => ws.close());
  }

  /** The next transport down: Server-Sent Events, then polling. */
  fallback() {
    if (this.mode === "websocket" && this.options.sse) this.connectSse();
    else if (this.options.poll) this.startPolling();
    else this.reconnect();
  }

  connectSse() {
    this.mode = "sse";
    const source = new EventSource(this.options.sse(this.seq));
    this.source = source;
    let opened = false;
    source.addEventListener("subscribed", (e) => {
      opened = true;
      try {
        const msg = JSON.parse(e.data);
        if (this.seq === null) this.advance(msg.seq);
      } catch {
        // ignore
      }
      this.status("sse");
    });
    source.addEventListener("slot.changed", (e) => {
      let msg;
      try {
        msg = JSON.parse(e.data);
      } catch {
        return;
      }
      this.advance(msg.seq);
      if (this.handlers.onEvent) this.handlers.onEvent(msg);
    });
    source.addEventListener("resync", () => this.handlers.onResync && this.handlers.onResync());
    source.addEventListener("error", () => {
      if (this.stopped) return;
      if (!opened || source.readyState === EventSource.CLOSED) {
        // never connected (blocked), or the browser gave up: poll instead
        source.close();
        this.source = null;
        if (this.options.poll) this.startPolling();
        else this.status("offline");
      } else {
        this.status("offline"); // EventSource reconnects by itself, resuming with Last-Event-ID
      }
    });
  }

  startPolling() {
    this.mode = "polling";
    this.status("polling");
    const tick = async () => {
      if (this.stopped) return;
      try {
        if (this.seq === null) {
          if (this.handlers.onResync) this.handlers.onResync(); // the page's slots fetch gives a seq
        } else {
          const res = await fetch(this.options.poll(this.seq), { headers: { Accept: "application/json" } });
          if (res.ok) {
            const body = await res.json();
            if (body.resync) {
              if (this.handlers.onResync) this.handlers.onResync();
            } else {
              for (const ev of body.events || []) if (this.handlers.onEvent) this.handlers.onEvent(ev);
            }
            this.advance(body.seq);
            this.status("polling");
          } else {
            this.status("offline");
          }
        }
      } catch {
        this.status("offline");
      }
      if (!this.stopped) this.timer = setTimeout(tick, POLL_MS);
    };
    clearTimeout(this.timer);
    this.timer = setTimeout(tick, 0);
  }

  reconnect() {
    this.status("offline");
    const delay = Math.min(15000, 500 * 2 ** this.retry) * (0.75 + Math.random() / 2);
    this.retry += 1;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), delay);
  }
}
