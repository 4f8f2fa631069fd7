// "/": the catalogue of services and events, with debounced search, sort, live seat counts.
import { api, currentUser } from "../api.js";
import { setupPage } from "../layout.js";
import { LiveFeed } from "../live.js";
import { chosenZone, zoneName } from "../time.js";
import { $, clear, debounce, field, formatDateTime, h, money } from "../ui.js";

const main = $("#main");
const zone = chosenZone(); // the zone chosen on the booking page, else the browser's
const params = new URLSearchParams(location.search);
const state = { search: params.get("search") || "", sort: params.get("sort") || "starts_at:asc", items: [], mine: new Map() };
let feed = null;
let fetchNo = 0;

const SORTS = [
  ["starts_at:asc", "Soonest first"],
  ["name:asc", "Name (A–Z)"],
  ["name:desc", "Name (Z–A)"],
  ["price:asc", "Price (low to high)"],
  ["price:desc", "Price (high to low)"],
];

export function seatsBadge(left, total) {
  if (left === null || left === undefined) return null;
  if (left <= 0) return h("span", { class: "badge grey", "data-level": "grey" }, "✕ Sold out");
  const ratio = total ? left / total : 1;
  const level = ratio > 0.5 ? "green" : ratio >= 0.1 ? "yellow" : "red";
  const icon = { green: "●", yellow: "◐", red: "◔" }[level];
  return h("span", { class: `badge ${level}`, "data-level": level },
    h("span", { "aria-hidden": "true" }, icon), `${left} ${left === 1 ? "seat" : "seats"} left`);
}

const windowOf = (s) => s.fixed_window || s.window || (s.starts_at ? { starts_at: s.starts_at, ends_at: s.ends_at } : null);
const seatsTotal = (s) => s.seats_total ?? s.capacity ?? s.total_seats ?? null;

function card(s) {
  const win = windowOf(s);
  const when = win && win.starts_at
    ? formatDateTime(win.starts_at, zone)
    : s.next_available
      ? `Next: ${formatDateTime(s.next_available, zone)}`
      : "No upcoming times";
  const venue = s.venue || s.location || (s.resources || []).map((r) => r.location || r.name).filter(Boolean).join(", ");
  const badge = typeof s.seats_left === "number"
    ? seatsBadge(s.seats_left, seatsTotal(s))
    : s.next_available
      ? h("span", { class: "badge green", "data-level": "green" }, h("span", { "aria-hidden": "true" }, "●"), "Available")
      : h("span", { class: "badge grey", "data-level": "grey" }, "✕ No slots available");
  const titleId = `svc-${s.slug}`;
  return h("li", { class: "card", "data-slug": s.slug, "aria-labelledby": titleId },
    h("h2", { id: titleId }, h("a", { href: `/book/${s.slug}` }, s.name)),
    s.description ? h("p", { class: "muted" }, s.description) : null,
    h("dl", { class: "meta" },
      h("dt", {}, "When"), h("dd", { class: "when" }, when, ` (${zoneName(zone)})`),
      venue ? [h("dt", {}, "Where"), h("dd", { class: "venue" }, venue)] : null,
      s.duration_minutes ? [h("dt", {}, "Length"), h("dd", {}, `${s.duration_minutes} min`)] : null),
    h("div", { class: "foot" },
      h("span", { class: "price" }, money(s.price, s.currency)),
      h("span", { class: "seats" }, badge),
      bookAction(s)),
    mineNote(s));
}

// The card's action: "Book"; for a member who already booked an event, or reached the
// service's limit of active bookings, a "Booked" state linking to /me; for a sold-out
// event, no active "Book" at all.
function bookAction(s) {
  const mine = state.mine.get(s.slug) || [];
  const limitReached = s.max_active_per_attendee && mine.length >= s.max_active_per_attendee;
  if (mine.length && (windowOf(s) || limitReached)) {
    return h("a", { class: "button secondary booked", href: "/me", "data-state": "booked",
      "aria-label": `Booked: see your booking of ${s.name}` }, "✓ Booked");
  }
  if (windowOf(s) && typeof s.seats_left === "number" && s.seats_left <= 0) {
    return h("span", { class: "button disabled", "aria-disabled": "true", "data-state": "sold-out",
      "aria-label": `${s.name} is sold out` }, "Sold out");
  }
  return h("a", { class: "button", href: `/book/${s.slug}`, "aria-label": `Book ${s.name}` }, "Book");
}

function mineNote(s) {
  const mine = state.mine.get(s.slug) || [];
  if (!mine.length) return null;
  return h("p", { class: "mine", "data-mine": String(mine.length) },
    h("span", { "aria-hidden": "true" }, "✓ "),
    mine.length === 1 ? `You have a booking: ${formatDateTime(mine[0].starts_at, zone)}` : `You have ${mine.length} bookings`);
}

async function loadMine() {
  state.mine = new Map();
  if (!currentUser()) return;
  try {
    const q = new URLSearchParams({ from: new Date().toISOString(), status: "held,pending,confirmed", limit: "50" });
    const body = await api(`/me/bookings?${q}`);
    for (const b of body.data || []) {
      if (!state.mine.has(b.service)) state.mine.set(b.service, []);
      state.mine.get(b.service).push(b);
    }
  } catch {
    // signed out meanwhile: no "booked" states
  }
}

function skeletons(list) {
  clear(list, Array.from({ length: 6 }, () => h("li", { class: "card", "aria-hidden": "true" },
    h("div", { class: "skeleton title" }), h("div", { class: "skeleton" }), h("div", { class: "skeleton short" }))));
  list.setAttribute("aria-busy", "true");
}

async function load(list, status, { quiet = false } = {}) {
  const n = ++fetchNo;
  if (!quiet) skeletons(list);
  const [sort, order] = state.sort.split(":");
  const q = new URLSearchParams({ sort, order, limit: "50" });
  if (state.search) q.set("search", state.search);
  let body;
  try {
    body = await api(`/services?${q}`);
  } catch (e) {
    if (n !== fetchNo) return;
    list.removeAttribute("aria-busy");
    clear(list, h("li", { class: "empty" }, `Could not load services: ${e.message}`));
    return;
  }
  if (n !== fetchNo) return; // a newer search superseded this one
  state.items = Array.isArray(body) ? body : body.data || [];
  list.removeAttribute("aria-busy");
  if (!state.items.length) {
    clear(list, h("li", { class: "empty", id: "empty" },
      state.search ? `No services match “${state.search}”.` : "No services are open for booking yet."));
  } else {
    clear(list, state.items.map(card));
  }
  if (!quiet) status.textContent = `${state.items.length} ${state.items.length === 1 ? "service" : "services"}`;
  subscribe(list, status);
}

function subscribe(list, status) {
  const topics = state.items.map((s) => `service:${s.slug}`).sort();
  if (feed && feed.topics.join() === topics.join()) return;
  if (feed) feed.stop();
  feed = null;
  if (!topics.length) return;
  const refetch = debounce(() => load(list, status, { quiet: true }), 150);
  let wasOffline = false;
  feed = new LiveFeed(topics, {
    onEvent: (ev) => {
      const slug = ev.service;
      const item = state.items.find((s) => s.slug === slug);
      if (item && typeof ev.seats_left === "number" && typeof item.seats_left === "number" && windowOf(item)) {
        item.seats_left = ev.seats_left; // fast path for events; the refetch below settles the truth
        const old = list.querySelector(`[data-slug="${CSS.escape(slug)}"]`);
        if (old) old.replaceWith(card(item));
      }
      refetch();
    },
    onResync: refetch,
    onStatus: (s) => {
      $("#live-status").dataset.state = s;
      $("#live-status").textContent = s === "live" ? "Live updates on" : "Reconnecting…";
      if (s === "live" && wasOffline) refetch();
      wasOffline = s !== "live";
    },
  }).start();
}

async function main_() {
  clear(main,
    h("h1", {}, "Services and events"),
    h("div", { class: "toolbar", role: "search" },
      field({ id: "search", label: "Search", type: "search", attrs: { placeholder: "Name or description", value: state.search, autocomplete: "off" } }),
      field({ id: "sort", label: "Sort by", options: SORTS }),
      h("p", { class: "live-status", id: "live-status", "data-state": "offline", "aria-live": "off" }, "Connecting…")),
    h("p", { class: "sr-only", id: "result-count", role: "status" }),
    h("ul", { class: "cards", id: "services", "aria-label": "Services" }));
  const list = $("#services");
  const status = $("#result-count");
  $("#sort").value = state.sort;
  const sync = () => {
    const p = new URLSearchParams();
    if (state.search) p.set("search", state.search);
    if (state.sort !== "starts_at:asc") p.set("sort", state.sort);
    history.replaceState(null, "", p.toString() ? `/?${p}` : "/");
    load(list, status);
  };
  const searchLater = debounce(() => {
    state.search = $("#search").value.trim();
    sync();
  }, 300);
  $("#search").addEventListener("input", searchLater);
  $("#sort").addEventListener("change", () => {
    state.sort = $("#sort").value;
    sync();
  });
  const loading = load(list, status);
  await setupPage();
  await loading;
  await loadMine();
  if (state.mine.size) clear(list, state.items.map(card));
}

main_();
