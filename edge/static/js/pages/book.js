// "/book/{slug}": week and month calendar of one service, live over the WebSocket,
// and the booking dialog.
import { ApiError, api, currentUser } from "../api.js";
import { setupPage } from "../layout.js";
import { LiveFeed, POLL_MS } from "../live.js";
import {
  addDays, addMonths, allZones, chosenZone, dayLabel, rangeFor, startOfMonth, startOfWeek, timeLabel,
  todayIn, wallClock, zoneName,
} from "../time.js";
import { $, $$, announce, clear, debounce, field, h, money, openDialog, showFieldErrors, spinner } from "../ui.js";
import { questionFields } from "../questions.js";
import { joinButton, openWaitlist } from "./waitlist.js";

const main = $("#main");
const slug = decodeURIComponent(location.pathname.split("/").filter(Boolean)[1] || "");
const TZ_KEY = "booker.tz";
const params = new URLSearchParams(location.search);

const state = {
  service: null,
  tz: chosenZone(),
  view: "week",
  anchor: null, // first day of the shown week, or first day of the shown month
  slots: new Map(), // ms -> slot
  loaded: false,
  dialog: null, // {slot, confirm, message, busy, done, seats}
  resource: params.get("resource") || "", // the booker's choice of resource (slug), "" = any available
  mine: [], // the signed-in member's active bookings of this service
  move: null, // move mode (?move=<booking id>[&token=<manage token>]): {booking, headers, back}
};
let feed = null;
let fetchNo = 0;

const STATUS = {
  available: { icon: "✓", text: "Free", say: "available" },
  booked: { icon: "✕", text: "Booked", say: "booked" },
  unavailable: { icon: "–", text: "N/A", say: "unavailable" },
};

// ---------------------------------------------------------------- data

function visibleDays() {
  if (state.view === "week") return Array.from({ length: 7 }, (_, i) => addDays(state.anchor, i));
  const first = startOfWeek(state.anchor);
  return Array.from({ length: 42 }, (_, i) => addDays(first, i));
}

async function fetchSlots() {
  const n = ++fetchNo;
  const days = visibleDays();
  const { from, to } = rangeFor(days[0], days[days.length - 1]);
  const q = new URLSearchParams({ from, to });
  // the last change this page has seen: a read replica that has not replayed it does not answer
  if (feed && feed.seq !== null) q.set("since", String(feed.seq));
  if (state.resource) q.set("resource", state.resource);
  try {
    const body = await api(`/services/${encodeURIComponent(slug)}/slots?${q}`);
    if (n !== fetchNo) return;
    state.slots = new Map();
    for (const s of body.slots || []) state.slots.set(Date.parse(s.starts_at), { ...s, ms: Date.parse(s.starts_at) });
    state.loaded = true;
    if (feed) feed.advance(body.seq);
    else startFeed(body.seq);
    render();
  } catch (e) {
    if (n !== fetchNo) return;
    $("#cal-message").className = "notice error";
    $("#cal-message").textContent = `Could not load times: ${e.message}`;
  }
}

const refetchSoon = debounce(fetchSlots, 80);

// Changing the period (week, month, resource) says that times are loading until they are.
let loadingNo = 0;
function loadPeriod() {
  const n = ++loadingNo;
  const wrap = $("#calendar-wrap");
  const note = $("#cal-loading");
  if (wrap) wrap.setAttribute("aria-busy", "true");
  if (note) note.textContent = "Loading times…";
  return fetchSlots().finally(() => {
    if (n !== loadingNo) return;
    if (wrap) wrap.removeAttribute("aria-busy");
    if (note) note.textContent = "";
  });
}

function startFeed(seq) {
  feed = new LiveFeed([`service:${slug}`], {
    onEvent: (ev) => {
      const ms = Date.parse(ev.starts_at);
      const slot = state.slots.get(ms);
      // An event tells the state of the slot over all resources: with one resource chosen,
      // only the refetch below can say what it means for that resource.
      if (slot && !state.resource && (ev.status === "available" || ev.status === "booked" || ev.status === "unavailable")) {
        slot.status = ev.status;
        if (typeof ev.seats_left === "number") slot.seats_left = ev.seats_left;
        slot.flash = true;
        render();
      }
      refetchSoon(); // buffers and resource choice can change neighbouring slots: settle from the server
    },
    onResync: () => fetchSlots(),
    onStatus: (s) => {
      const el = $("#live-status");
      if (!el) return;
      el.dataset.state = s;
      el.textContent = LIVE_TEXT[s] || "Reconnecting…";
    },
  }, {
    // when the WebSocket cannot connect: Server-Sent Events, then polling (edge/static/js/live.js)
    sse: (since) => `/api/v1/services/${encodeURIComponent(slug)}/events${since === null ? "" : `?since=${since}`}`,
    poll: (since) => `/api/v1/services/${encodeURIComponent(slug)}/changes?since=${since}`,
  });
  feed.advance(seq);
  feed.start();
}

const LIVE_TEXT = {
  live: "Live: updates appear as they happen",
  sse: "Live (Server-Sent Events; the WebSocket could not connect): updates appear as they happen",
  polling: `Live updates could not connect: checking for changes every ${POLL_MS / 1000} seconds`,
};

// ---------------------------------------------------------------- rendering

function slotLabel(slot, day) {
  const st = STATUS[slot.status] || STATUS.unavailable;
  const seats = typeof slot.seats_left === "number" && (state.service?.capacity ?? 1) > 1 && slot.status === "available"
    ? `, ${slot.seats_left} ${slot.seats_left === 1 ? "seat" : "seats"} left` : "";
  return `${dayLabel(day, { weekday: "long", day: "numeric", month: "long" })} ${timeLabel(new Date(slot.ms), state.tz)}, ${st.say}${seats}`;
}

function effectiveStatus(slot, day, today) {
  return day < today && slot.status === "available" ? "unavailable" : slot.status;
}

function renderWeek(container, today) {
  const days = visibleDays();
  const byKey = new Map(); // "HH:MM" -> Map(day -> slot)
  for (const slot of state.slots.values()) {
    const wc = wallClock(new Date(slot.ms), state.tz);
    if (!days.includes(wc.day)) continue;
    let key = wc.time;
    while (byKey.get(key)?.has(wc.day)) key += "′"; // a repeated wall-clock time (DST fall-back)
    if (!byKey.has(key)) byKey.set(key, new Map());
    byKey.get(key).set(wc.day, slot);
  }
  const times = [...byKey.keys()].sort();
  const grid = h("div", {
    class: "cal-grid", role: "grid", id: "calendar", "aria-label": `Times for ${state.service.name}`,
    "aria-describedby": "kbd-hint", "aria-rowcount": String(times.length + 1), "aria-colcount": "8",
    style: "grid-template-columns: minmax(3.4rem, auto) repeat(7, minmax(0, 1fr))",
  });
  grid.append(h("div", { role: "row" },
    h("div", { role: "columnheader", class: "colhead" }, h("span", { class: "sr-only" }, "Time")),
    days.map((d) => h("div", {
      role: "columnheader", class: `colhead${d < today ? " past" : ""}${d === today ? " today" : ""}`,
      "aria-label": dayLabel(d, { weekday: "long", day: "numeric", month: "long" }) + (d < today ? " (past)" : ""),
    }, dayLabel(d, { weekday: "short" }), h("br"), dayLabel(d, { day: "numeric", month: "short" })))));
  times.forEach((key, r) => {
    const row = h("div", { role: "row" });
    const anySlot = [...byKey.get(key).values()][0];
    row.append(h("div", { role: "rowheader", class: "rowhead" }, timeLabel(new Date(anySlot.ms), state.tz)));
    days.forEach((day, c) => {
      const slot = byKey.get(key).get(day);
      if (!slot) {
        row.append(h("div", {
          role: "gridcell", class: "slot none", tabindex: "-1", "aria-disabled": "true",
          "data-row": String(r), "data-col": String(c), "aria-label": `${dayLabel(day)} ${key.replace("′", "")}, no slot`,
        }));
        return;
      }
      const status = effectiveStatus(slot, day, today);
      const st = STATUS[status] || STATUS.unavailable;
      const current = isMovedBooking(slot);
      const seatInfo = status === "available" && (state.service.capacity ?? 1) > 1 && typeof slot.seats_left === "number"
        ? ` ${slot.seats_left}` : "";
      const cell = h("div", {
        role: "gridcell", class: `slot ${status}${slot.flash ? " flash" : ""}`, tabindex: "-1",
        "aria-disabled": status === "available" || status === "booked" ? "false" : "true", // booked: the waitlist
        "aria-label": slotLabel({ ...slot, status }, day) + (current ? " (your current booking)" : status === "booked" ? ", join the waitlist" : ""),
        "data-row": String(r), "data-col": String(c), "data-day": day, "data-starts-at": slot.starts_at,
        "data-status": status, "data-ms": String(slot.ms), "data-current": current ? "true" : null,
      }, h("span", { "aria-hidden": "true" }, current ? "★" : st.icon + seatInfo),
      h("span", { class: "txt", "aria-hidden": "true" }, current ? "Yours" : st.text));
      slot.flash = false;
      row.append(cell);
    });
    grid.append(row);
  });
  container.append(grid);
  return grid;
}

function renderMonth(container, today) {
  const days = visibleDays();
  const month = state.anchor.slice(0, 7);
  const perDay = new Map();
  for (const slot of state.slots.values()) {
    const d = wallClock(new Date(slot.ms), state.tz).day;
    if (!perDay.has(d)) perDay.set(d, { free: 0, booked: 0, total: 0 });
    const c = perDay.get(d);
    c.total += 1;
    if (slot.status === "available" && d >= today) c.free += 1;
    if (slot.status === "booked") c.booked += 1;
  }
  const grid = h("div", {
    class: "cal-grid", role: "grid", id: "calendar", "aria-label": `Days of ${monthLabel()}`,
    "aria-describedby": "kbd-hint", style: "grid-template-columns: repeat(7, minmax(0, 1fr))",
  });
  grid.append(h("div", { role: "row" }, days.slice(0, 7).map((d) => h("div", {
    role: "columnheader", class: "colhead", "aria-label": dayLabel(d, { weekday: "long" }),
  }, dayLabel(d, { weekday: "short" })))));
  for (let r = 0; r < 6; r++) {
    const row = h("div", { role: "row" });
    for (let c = 0; c < 7; c++) {
      const d = days[r * 7 + c];
      const info = perDay.get(d) || { free: 0, booked: 0, total: 0 };
      let cls, text;
      if (d < today) [cls, text] = ["past", "Past"];
      else if (info.free) [cls, text] = ["has", `${info.free} free`];
      else if (info.booked) [cls, text] = ["full", "Booked"];
      else [cls, text] = ["closed", "—"];
      const outside = d.slice(0, 7) !== month;
      row.append(h("div", {
        role: "gridcell", tabindex: "-1", class: `month-cell ${cls}${outside ? " outside" : ""}`,
        "aria-disabled": d < today ? "true" : "false", "data-row": String(r), "data-col": String(c), "data-day": d,
        "data-status": cls === "has" ? "available" : cls,
        "aria-label": `${dayLabel(d, { weekday: "long", day: "numeric", month: "long" })}: ${
          cls === "has" ? `${info.free} free ${info.free === 1 ? "slot" : "slots"}` : cls === "full" ? "fully booked"
            : cls === "past" ? "past" : "no slots"}`,
      }, h("span", { class: "num", "aria-hidden": "true" }, String(Number(d.slice(8)))),
      h("span", { class: "count", "aria-hidden": "true" }, text)));
    }
    grid.append(row);
  }
  container.append(grid);
  return grid;
}

function monthLabel() {
  return dayLabel(state.anchor, { month: "long", year: "numeric" });
}

function periodLabel() {
  if (state.view === "month") return monthLabel();
  const end = addDays(state.anchor, 6);
  return `${dayLabel(state.anchor, { day: "numeric", month: "short" })} – ${dayLabel(end, { day: "numeric", month: "short", year: "numeric" })}`;
}

function render() {
  const wrap = $("#calendar-wrap");
  if (!wrap || !state.loaded) return;
  const focused = document.activeElement;
  const hadFocus = wrap.contains(focused);
  const focusKey = hadFocus ? focused.dataset.ms || focused.dataset.day : null;
  const today = todayIn(state.tz);
  $("#period").textContent = periodLabel();
  $("#prev").setAttribute("aria-label", state.view === "week" ? "Previous week" : "Previous month");
  $("#next").setAttribute("aria-label", state.view === "week" ? "Next week" : "Next month");
  const firstShown = visibleDays()[0];
  $("#prev").disabled = firstShown <= startOfWeek(today) && (state.view === "week" || state.anchor <= startOfMonth(today));
  for (const b of $$("#view-toggle button")) b.setAttribute("aria-pressed", String(b.dataset.view === state.view));
  $("#tz-name").textContent = `${state.tz} (${zoneName(state.tz)})`;
  clear(wrap);
  const grid = state.view === "week" ? renderWeek(wrap, today) : renderMonth(wrap, today);
  const cells = $$('[role="gridcell"]', grid);
  const free = [...state.slots.values()].filter((s) => s.status === "available" &&
    visibleDays().includes(wallClock(new Date(s.ms), state.tz).day) && wallClock(new Date(s.ms), state.tz).day >= today);
  const msg = $("#cal-message");
  if (!free.length) {
    msg.className = "notice warn";
    const soldOut = state.service.starts_at && [...state.slots.values()].some((x) => x.status === "booked");
    clear(msg, h("strong", {}, "No slots available"),
      soldOut ? ": this event is sold out." : state.view === "week" ? " in this week." : " in this month.",
      soldOut ? [" ", joinButton(state.service, [...state.slots.values()].find((x) => x.status === "booked"), state.tz)] : null,
      state.service.next_available && Date.parse(state.service.next_available) > Date.now()
        ? [" ", h("button", { type: "button", class: "link", id: "jump-next", onclick: jumpToNext }, "Go to the next available time")] : null);
  } else {
    msg.className = "";
    msg.textContent = "";
  }
  if (!cells.length) {
    grid.remove();
    wrap.append(h("p", { class: "muted" }, "There are no opening hours in this period."));
  }
  // Roving tabindex: exactly one cell is in the tab order.
  const target = cells.find((c) => focusKey && (c.dataset.ms === focusKey || (!c.dataset.ms && c.dataset.day === focusKey)))
    || cells.find((c) => c.dataset.status === "available")
    || cells.find((c) => c.getAttribute("aria-disabled") === "false")
    || cells[0];
  if (target) {
    target.tabIndex = 0;
    if (hadFocus) target.focus();
  }
  grid.addEventListener("keydown", onGridKey);
  grid.addEventListener("click", onGridClick);
  checkDialogSlot();
}

// ---------------------------------------------------------------- interaction

function moveFocus(cell) {
  if (!cell) return;
  for (const c of $$('#calendar [role="gridcell"][tabindex="0"]')) c.tabIndex = -1;
  cell.tabIndex = 0;
  cell.focus();
}

function cellAt(r, c) {
  return $(`#calendar [role="gridcell"][data-row="${r}"][data-col="${c}"]`);
}

function onGridKey(e) {
  const cell = e.target.closest('[role="gridcell"]');
  if (!cell) return;
  const r = Number(cell.dataset.row);
  const c = Number(cell.dataset.col);
  const rows = Math.max(...$$('#calendar [role="gridcell"]').map((x) => Number(x.dataset.row))) + 1;
  let next = null;
  switch (e.key) {
    case "ArrowRight": next = cellAt(r, Math.min(6, c + 1)); break;
    case "ArrowLeft": next = cellAt(r, Math.max(0, c - 1)); break;
    case "ArrowDown": next = cellAt(Math.min(rows - 1, r + 1), c); break;
    case "ArrowUp": next = cellAt(Math.max(0, r - 1), c); break;
    case "Home": next = e.ctrlKey ? cellAt(0, 0) : cellAt(r, 0); break;
    case "End": next = e.ctrlKey ? cellAt(rows - 1, 6) : cellAt(r, 6); break;
    case "PageDown": e.preventDefault(); shift(1, true); return;
    case "PageUp": e.preventDefault(); if (!$("#prev").disabled) shift(-1, true); return;
    case "Enter":
    case " ":
      e.preventDefault();
      activate(cell);
      return;
    default:
      return;
  }
  e.preventDefault();
  moveFocus(next);
}

function onGridClick(e) {
  const cell = e.target.closest('[role="gridcell"]');
  if (!cell) return;
  moveFocus(cell);
  activate(cell);
}

function activate(cell) {
  if (state.view === "month") {
    if (cell.getAttribute("aria-disabled") === "true") return;
    const day = cell.dataset.day;
    state.view = "week";
    state.anchor = startOfWeek(day);
    focusDayAfterLoad(day);
    return;
  }
  if (cell.dataset.status === "booked") return void openWaitlist(state.service, state.slots.get(Number(cell.dataset.ms)), state.tz);
  if (cell.getAttribute("aria-disabled") === "true") {
    announce(cell.dataset.status === "booked" ? "This time is already booked." : "This time cannot be booked.");
    return;
  }
  const slot = state.slots.get(Number(cell.dataset.ms));
  if (slot && state.move) openMove(slot);
  else if (slot) openBooking(slot);
}

async function focusDayAfterLoad(day) {
  await loadPeriod();
  const cells = $$(`#calendar [role="gridcell"][data-day="${day}"]`);
  moveFocus(cells.find((c) => c.getAttribute("aria-disabled") === "false") || cells[0] || $('#calendar [role="gridcell"]'));
}

function shift(n, keepFocus = false) {
  state.anchor = state.view === "week" ? addDays(state.anchor, 7 * n) : addMonths(state.anchor, n);
  const p = loadPeriod();
  if (keepFocus) p.then(() => moveFocus($('#calendar [role="gridcell"][tabindex="0"]')));
  return p;
}

function jumpToNext() {
  const day = wallClock(new Date(state.service.next_available), state.tz).day;
  state.anchor = state.view === "week" ? startOfWeek(day) : startOfMonth(day);
  focusDayAfterLoad(day);
}

// ---------------------------------------------------------------- booking dialog

function slotTaken(slot, seats) {
  const now = state.slots.get(slot.ms);
  if (!now) return false;
  return now.status !== "available" || (typeof now.seats_left === "number" && now.seats_left < seats);
}

function checkDialogSlot() {
  const d = state.dialog;
  if (!d || d.busy || d.done) return;
  const taken = slotTaken(d.slot, d.seats());
  if (taken && !d.taken) {
    d.taken = true;
    d.confirm.disabled = true;
    d.message.className = "notice error";
    d.message.textContent = d.conflict ? "Slot just got booked by another user" : "This slot was just booked by someone else";
  } else if (!taken && d.taken && !d.conflict) {
    d.taken = false;
    d.confirm.disabled = false;
    d.message.className = "";
    d.message.textContent = "";
  }
}

function openBooking(slot) {
  const svc = state.service;
  const user = currentUser();
  const day = wallClock(new Date(slot.ms), state.tz).day;
  const start = new Date(slot.ms);
  const end = new Date(Date.parse(slot.ends_at));
  const maxSeats = Math.max(1, Math.min(svc.max_seats_per_booking || 1,
    typeof slot.seats_left === "number" ? slot.seats_left : 1));
  const idempotencyKey = crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
  const priceEl = h("dd", { id: "dlg-price" }, money(svc.price, svc.currency));
  const seatsField = maxSeats > 1
    ? field({ id: "seats", label: "Seats", options: Array.from({ length: maxSeats }, (_, i) => [String(i + 1), String(i + 1)]) })
    : null;
  const guestFields = user ? null : [
    field({ id: "attendee-name", name: "name", label: "Your name", required: true, attrs: { autocomplete: "name", maxlength: "200" } }),
    field({ id: "attendee-email", name: "email", label: "Email", type: "email", required: true,
      hint: "We send the confirmation here.", attrs: { autocomplete: "email" } }),
    h("p", { class: "muted" }, "Have an account? ",
      h("a", { href: `/login?next=${encodeURIComponent(location.pathname)}` }, "Sign in"), " first."),
  ];
  const questions = questionFields(svc);  // the service's booking questions (questions.js)
  const message = h("div", { id: "dlg-message", role: "alert" });
  const confirm = h("button", { type: "submit", id: "confirm" }, "Confirm booking");
  const cancel = h("button", { type: "button", class: "secondary", id: "dlg-cancel" }, "Cancel");
  const alternatives = h("div", { id: "alternatives" });
  const form = h("form", { novalidate: true, "aria-describedby": "dlg-summary" },
    h("dl", { class: "summary", id: "dlg-summary" },
      h("dt", {}, "Service"), h("dd", {}, svc.name),
      h("dt", {}, "Date"), h("dd", {}, dayLabel(day, { weekday: "long", day: "numeric", month: "long", year: "numeric" })),
      h("dt", {}, "Time"), h("dd", {}, `${timeLabel(start, state.tz)} – ${timeLabel(end, state.tz)} (${zoneName(state.tz, start)})`),
      svc.venue ? [h("dt", {}, "Where"), h("dd", {}, svc.venue)] : null,
      resourceRows(),
      cutoffRows(slot),
      h("dt", {}, "Price"), priceEl),
    seatsField, guestFields, mineInDialog(confirm), questions.element, message, alternatives,
    h("div", { class: "actions" }, confirm, cancel));
  const dlg = openDialog({
    title: "Confirm your booking",
    content: form,
    onClose: () => {
      state.dialog = null;
    },
    returnFocus: () => {
      const target = $(`#calendar [data-ms="${slot.ms}"]`) || $('#calendar [role="gridcell"][tabindex="0"]');
      if (target) moveFocus(target);
      return target;
    },
  });
  const seats = () => (seatsField ? Number(form.elements.seats.value) : 1);
  state.dialog = { slot, confirm, message, busy: false, done: false, taken: false, conflict: false, seats };
  cancel.addEventListener("click", () => dlg.close());
  if (seatsField) {
    form.elements.seats.addEventListener("change", () => {
      priceEl.textContent = money(Number(svc.price) * seats(), svc.currency);
      checkDialogSlot();
    });
  }
  checkDialogSlot();
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const d = state.dialog;
    if (!d || d.busy || d.done || confirm.disabled) return;
    const errors = {};
    const body = { service: svc.slug, starts_at: slot.starts_at, seats: seats() };
    if (state.resource) body.resource = state.resource;
    if (!user) {
      const name = form.elements.name.value.trim();
      const email = form.elements.email.value.trim();
      if (!name) errors.name = "Please enter your name.";
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) errors.email = "Please enter a valid email address.";
      body.attendee = { name, email };
    }
    body.attendee = { ...(body.attendee || {}), timezone: state.tz }; // the booker's zone: their emails use it
    showFieldErrors(form, errors);
    if (Object.keys(errors).length) return;
    if (!(body.answers = questions.collect())) return;
    d.busy = true;
    confirm.disabled = true;
    confirm.setAttribute("aria-busy", "true");
    clear(confirm, spinner(), "Booking…");
    clear(message);
    message.className = "";
    try {
      const booking = await api("/bookings", { method: "POST", body, headers: { "Idempotency-Key": idempotencyKey } });
      d.done = true;
      showSuccess(dlg, booking);
      fetchSlots();
    } catch (err) {
      d.busy = false;
      confirm.removeAttribute("aria-busy");
      clear(confirm, "Confirm booking");
      handleBookingError(err, form, d, alternatives, dlg);
    }
  });
}

function handleBookingError(err, form, d, alternatives, dlg) {
  const { confirm, message } = d;
  message.className = "notice error";
  if (err instanceof ApiError && err.status === 409 && err.errors.max_active_per_attendee) {
    d.conflict = true;
    confirm.disabled = true;
    clear(message, `You already have a booking of this service: ${err.errors.max_active_per_attendee}. `,
      currentUser() ? h("a", { href: "/me" }, "See my bookings") : "Please change or cancel the one you have first.");
    return;
  }
  if (err instanceof ApiError && err.status === 409) {
    d.conflict = true;
    d.taken = true;
    confirm.disabled = true;
    message.textContent = "Slot just got booked by another user";
    const alts = (err.alternatives || []).filter((a) => Date.parse(a.starts_at) > Date.now()).slice(0, 4);
    clear(alternatives, alts.length ? [h("p", {}, "Other times nearby:"), h("div", { class: "actions" }, alts.map((a) =>
      h("button", {
        type: "button", class: "secondary",
        onclick: () => {
          dlg.close();
          const ms = Date.parse(a.starts_at);
          openBooking(state.slots.get(ms) || { ...a, ms, status: "available" });
        },
      }, `${dayLabel(wallClock(new Date(a.starts_at), state.tz).day)} ${timeLabel(new Date(a.starts_at), state.tz)}`)))] : null);
    fetchSlots();
    return;
  }
  confirm.disabled = false;
  if (err instanceof ApiError && err.status === 422 && Object.keys(err.errors).length) {
    const mapped = {};
    const other = [];
    for (const [k, v] of Object.entries(err.errors)) {
      const name = k.split(".").pop();
      if (form.elements.namedItem(name)) mapped[name] = v;
      else other.push(v);
    }
    showFieldErrors(form, mapped);
    message.textContent = other.join(" ") || "Please check the highlighted fields.";
  } else if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
    clear(message, "Please ", h("a", { href: `/login?next=${encodeURIComponent(location.pathname)}` }, "sign in"),
      " to book this service.");
  } else {
    message.textContent = err.message || "Something went wrong. Please try again.";
  }
}

function showSuccess(dlg, booking) {
  const pending = booking.status === "pending";
  const heading = pending ? "Booking requested – email sent" : "Booking confirmed – email sent";
  const close = h("button", { type: "button", id: "dlg-close" }, "Done");
  clear(dlg.body,
    h("h2", { id: dlg.dialog.getAttribute("aria-labelledby"), tabindex: "-1" }, heading),
    h("div", { class: "notice success", role: "status", id: "booking-success" },
      pending ? "The provider confirms your request soon; we emailed you the details." : "We emailed you the details and a calendar invitation."),
    h("p", {}, "Your reference"),
    h("p", { class: "reference", id: "booking-reference" }, booking.reference),
    h("dl", { class: "summary" },
      h("dt", {}, "When"), h("dd", {}, `${dayLabel(wallClock(new Date(booking.starts_at), state.tz).day, { weekday: "long", day: "numeric", month: "long" })}, ${timeLabel(new Date(booking.starts_at), state.tz)} (${zoneName(state.tz)})`),
      choosable() ? [h("dt", {}, choiceLabel()), h("dd", { id: "booking-resource" },
        [booking.resource_name, booking.location].filter(Boolean).join(", "))] : null,
      h("dt", {}, "Seats"), h("dd", {}, String(booking.seats || 1)),
      h("dt", {}, "Price"), h("dd", {}, money(booking.price, booking.currency))),
    currentUser() ? h("p", {}, h("a", { href: "/me" }, "See my bookings")) : null,
    booking.manage_token ? h("p", {}, h("a", {
      id: "manage-link", href: `/book/manage/${booking.id}?token=${encodeURIComponent(booking.manage_token)}`,
    }, "Manage or cancel this booking"), " (the link is also in your email)") : null,
    h("div", { class: "actions" }, close));
  close.addEventListener("click", () => dlg.close());
  close.focus();
  announce(`${heading}. Reference ${booking.reference}`);
}

// ---------------------------------------------------------------- choice of resource
// A service with several resources ("Ana", "Ben"; "Room Berlin", "Room New York") lets the
// booker pick one or "any available": the grid then shows that resource's slots only
// (GET /slots?resource=) and the booking names it (POST /bookings {resource}).

function resources() {
  return state.service?.resources || [];
}

function choosable() {
  return resources().length > 1;
}

function chosen() {
  return resources().find((r) => r.slug === state.resource) || null;
}

function choiceLabel() {
  return resources().every((r) => r.kind === "person") ? "With" : "Where";
}

function resourceText(r) {
  return r.location && r.location !== r.name ? `${r.name} (${r.location})` : r.name;
}

function choiceField() {
  if (!choosable()) return null;
  return h("div", { class: "field resource-field" },
    h("label", { for: "resource" }, choiceLabel()),
    h("select", { id: "resource", onchange: (e) => setResource(e.target.value) },
      h("option", { value: "", selected: !state.resource }, "Any available"),
      resources().map((r) => h("option", { value: r.slug, selected: r.slug === state.resource }, resourceText(r)))));
}

function resourceRows() {
  if (!choosable()) {
    const only = resources()[0];
    return only && only.location && !state.service.venue ? [h("dt", {}, "Where"), h("dd", { id: "dlg-resource" }, only.location)] : null;
  }
  const r = chosen();
  return [h("dt", {}, choiceLabel()), h("dd", { id: "dlg-resource" }, r ? resourceText(r) : "Any available (assigned when you book)")];
}

function setResource(slug) {
  state.resource = resources().some((r) => r.slug === slug) ? slug : "";
  const url = new URL(location.href);
  if (state.resource) url.searchParams.set("resource", state.resource);
  else url.searchParams.delete("resource");
  history.replaceState(null, "", url);
  loadPeriod();
}

// ---------------------------------------------------------------- the member's own bookings
// A member sees that they already have a booking of this service (a page notice, and in
// the dialog), so a second booking is never made unintentionally: the button then says
// "Book another", and at the service's limit (max_active_per_attendee) it is disabled.

async function loadMine(userPromise) {
  state.mine = [];
  await userPromise;
  if (!currentUser() || state.move) return;
  try {
    const q = new URLSearchParams({ from: new Date().toISOString(), status: "held,pending,confirmed", limit: "50" });
    const body = await api(`/me/bookings?${q}`);
    state.mine = (body.data || []).filter((b) => b.service === state.service.slug);
  } catch {
    state.mine = [];
  }
}

function limitReached() {
  const max = state.service.max_active_per_attendee;
  return Boolean(max) && (state.mine || []).length >= max;
}

function mineNotice() {
  const mine = state.mine || [];
  if (!mine.length) return null;
  const first = mine[0];
  return h("p", { class: "notice info mine-notice", id: "mine-notice" },
    h("strong", {}, mine.length === 1 ? "You have a booking" : `You have ${mine.length} bookings`),
    mine.length === 1 ? ` (${first.reference}) on ${whenText(first.starts_at, first.ends_at)}. ` : " of this service. ",
    h("a", { href: "/me" }, "See my bookings"));
}

function mineInDialog(confirm) {
  const mine = state.mine || [];
  if (!mine.length) return null;
  if (limitReached()) {
    confirm.disabled = true;
    return h("p", { class: "notice warn", id: "dlg-mine" },
      `You already have ${mine.length === 1 ? "a booking" : `${mine.length} bookings`} of this service, ` +
      `the most one person may have (${state.service.max_active_per_attendee}). `, h("a", { href: "/me" }, "See my bookings"));
  }
  clear(confirm, "Book another");
  return h("p", { class: "notice warn", id: "dlg-mine" },
    `You already have a booking of this service (${mine[0].reference}). Confirming makes a second, separate booking.`);
}

// ---------------------------------------------------------------- cancellation cutoff
// The dialog says until when the slot can be cancelled or moved online (the service's
// cancellation_cutoff_minutes before the start), and plainly when that is already past.

function cutoffRows(slot) {
  const minutes = state.service.cancellation_cutoff_minutes || 0;
  if (!minutes) return null;
  const until = new Date(Date.parse(slot.starts_at) - minutes * 60000);
  const span = minutes >= 120 && minutes % 60 === 0 ? `${minutes / 60} hours` : `${minutes} minutes`;
  const text = until <= new Date()
    ? `This time is less than ${span} away: once booked, it cannot be cancelled or moved online.`
    : `Free cancellation or change online until ${dayLabel(wallClock(until, state.tz).day, { weekday: "short", day: "numeric", month: "short" })}, ` +
      `${timeLabel(until, state.tz)} (${span} before the start).`;
  return [h("dt", {}, "Cancellation"), h("dd", { id: "dlg-cutoff", class: until <= new Date() ? "warn" : null }, text)];
}

// ---------------------------------------------------------------- move mode
// "/book/{slug}?move=<id>" (a member, from /me) or "…?move=<id>&token=<manage token>" (a
// guest, from the manage page): the same calendar, and a free time moves the booking
// there with PATCH /bookings/{id} (api.reschedule_booking: one UPDATE, or nothing).

function isMovedBooking(slot) {
  return Boolean(state.move) && slot.ms === Date.parse(state.move.booking.starts_at);
}

async function loadMove() {
  const id = params.get("move");
  if (!id) return true;
  const token = params.get("token");
  const headers = token ? { "X-Manage-Token": token } : {};
  try {
    const booking = await api(`/bookings/${encodeURIComponent(id)}`, { headers, retry: false });
    const back = token ? `/book/manage/${encodeURIComponent(id)}?token=${encodeURIComponent(token)}` : "/me";
    state.move = { booking, headers, back };
    if (!params.get("resource") && choosable()) state.resource = booking.resource;
    return true;
  } catch (e) {
    clear(main, h("h1", {}, "Move a booking"), h("p", { class: "notice error", role: "alert" },
      e.status === 404 ? "We could not find this booking. Open the link from your booking email or from My bookings."
        : `Could not load the booking: ${e.message}`));
    return false;
  }
}

function moveBanner() {
  if (!state.move) return null;
  const b = state.move.booking;
  return h("div", { class: "notice info move-banner", id: "move-banner", role: "status" },
    h("strong", {}, `Moving booking ${b.reference}`), `, now ${whenText(b.starts_at, b.ends_at)}. `,
    "Choose a free time below. ", h("a", { href: state.move.back, id: "move-back" }, "Keep the current time"));
}

function whenText(startsAt, endsAt) {
  const start = new Date(startsAt);
  const day = wallClock(start, state.tz).day;
  return `${dayLabel(day, { weekday: "long", day: "numeric", month: "long" })}, ${timeLabel(start, state.tz)}` +
    `–${timeLabel(new Date(endsAt), state.tz)} (${zoneName(state.tz, start)})`;
}

function openMove(slot) {
  const b = state.move.booking;
  const message = h("div", { id: "dlg-message", role: "alert" });
  const confirm = h("button", { type: "submit", id: "confirm" }, "Move booking");
  const cancel = h("button", { type: "button", class: "secondary", id: "dlg-cancel" }, "Keep current time");
  const form = h("form", { novalidate: true, "aria-describedby": "dlg-summary" },
    h("dl", { class: "summary", id: "dlg-summary" },
      h("dt", {}, "Service"), h("dd", {}, b.service_name || b.service),
      h("dt", {}, "From"), h("dd", { id: "dlg-from" }, whenText(b.starts_at, b.ends_at)),
      h("dt", {}, "To"), h("dd", { id: "dlg-to" }, whenText(slot.starts_at, slot.ends_at)),
      resourceRows(), cutoffRows(slot)),
    message, h("div", { class: "actions" }, confirm, cancel));
  const dlg = openDialog({
    title: "Move your booking", content: form,
    onClose: () => { state.dialog = null; },
    returnFocus: () => $(`#calendar [data-ms="${slot.ms}"]`) || $('#calendar [role="gridcell"][tabindex="0"]'),
  });
  state.dialog = { slot, confirm, message, busy: false, done: false, taken: false, conflict: false, seats: () => b.seats || 1 };
  cancel.addEventListener("click", () => dlg.close());
  checkDialogSlot();
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const d = state.dialog;
    if (!d || d.busy || d.done || confirm.disabled) return;
    d.busy = true;
    confirm.disabled = true;
    clear(confirm, spinner(), "Moving…");
    const body = { starts_at: slot.starts_at };
    if (state.resource) body.resource = state.resource;
    try {
      const moved = await api(`/bookings/${encodeURIComponent(b.id)}`, {
        method: "PATCH", body, headers: state.move.headers, retry: false });
      d.done = true;
      state.move.booking = moved;
      const done = h("button", { type: "button", id: "dlg-close" }, "Done");
      clear(dlg.body,
        h("h2", { id: dlg.dialog.getAttribute("aria-labelledby"), tabindex: "-1" }, "Booking moved – email sent"),
        h("div", { class: "notice success", role: "status", id: "move-success" },
          "We emailed you the new time and an updated calendar invitation."),
        h("p", { class: "reference", id: "booking-reference" }, moved.reference),
        h("dl", { class: "summary" },
          h("dt", {}, "When"), h("dd", { id: "moved-when" }, whenText(moved.starts_at, moved.ends_at)),
          moved.resource_name ? [h("dt", {}, choiceLabel()), h("dd", {}, [moved.resource_name, moved.location].filter(Boolean).join(", "))] : null),
        h("p", {}, h("a", { href: state.move.back, id: "move-done-link" }, state.move.headers["X-Manage-Token"] ? "Back to your booking" : "Back to my bookings")),
        h("div", { class: "actions" }, done));
      done.addEventListener("click", () => dlg.close());
      done.focus();
      announce(`Booking ${moved.reference} moved to ${whenText(moved.starts_at, moved.ends_at)}.`);
      const banner = $("#move-banner");
      if (banner) banner.replaceWith(moveBanner());
      fetchSlots();
    } catch (err) {
      d.busy = false;
      clear(confirm, "Move booking");
      message.className = "notice error";
      if (err instanceof ApiError && err.status === 409) {
        d.conflict = true;
        d.taken = true;
        message.textContent = "Slot just got booked by another user";
        fetchSlots();
        return;
      }
      confirm.disabled = false;
      message.textContent = err instanceof ApiError && Object.keys(err.errors).length
        ? Object.values(err.errors).join(" ") : err.message || "Something went wrong. Please try again.";
    }
  });
}

// ---------------------------------------------------------------- page

function layout() {
  const svc = state.service;
  const zones = allZones();
  if (!zones.includes(state.tz)) zones.unshift(state.tz);
  clear(main,
    h("p", {}, h("a", { href: "/" }, "← All services")),
    h("div", { class: "service-head" },
      h("h1", {}, svc.name),
      h("span", { class: "price" }, money(svc.price, svc.currency)),
      svc.duration_minutes ? h("span", { class: "muted" }, `${svc.duration_minutes} min`) : null),
    svc.description ? h("p", {}, svc.description) : null,
    svc.venue ? h("p", { class: "muted" }, `Where: ${svc.venue}`) : null,
    h("div", { class: "cal-toolbar" },
      h("div", { class: "nav" },
        h("button", { type: "button", class: "secondary", id: "prev", "aria-label": "Previous week", onclick: () => shift(-1) }, "‹"),
        h("button", { type: "button", class: "secondary", id: "today", onclick: () => {
          const t = todayIn(state.tz);
          state.anchor = state.view === "week" ? startOfWeek(t) : startOfMonth(t);
          loadPeriod();
        } }, "Today"),
        h("button", { type: "button", class: "secondary", id: "next", "aria-label": "Next week", onclick: () => shift(1) }, "›"),
        h("h2", { class: "period", id: "period", "aria-live": "polite" })),
      h("div", { class: "segmented", role: "group", "aria-label": "Calendar view", id: "view-toggle" },
        h("button", { type: "button", "data-view": "week", "aria-pressed": "true", onclick: () => setView("week") }, "Week"),
        h("button", { type: "button", "data-view": "month", "aria-pressed": "false", onclick: () => setView("month") }, "Month")),
      h("div", { class: "tz-field" },
        h("label", { for: "tz" }, "Time zone"),
        h("select", { id: "tz", onchange: (e) => setZone(e.target.value) },
          zones.map((z) => h("option", { value: z, selected: z === state.tz }, z))))),
    moveBanner(),
    mineNotice(),
    choiceField(),
    h("p", { class: "muted" }, "Times shown in ", h("strong", { id: "tz-name" }), ". ",
      h("span", { class: "live-status", id: "live-status", "data-state": "offline" }, "Connecting…")),
    h("ul", { class: "legend", "aria-label": "Legend" },
      h("li", {}, h("span", { class: "swatch slot available", "aria-hidden": "true" }, "✓"), "Free"),
      h("li", {}, h("span", { class: "swatch slot booked", "aria-hidden": "true" }, "✕"), "Booked"),
      h("li", {}, h("span", { class: "swatch slot unavailable", "aria-hidden": "true" }, "–"), "Not available")),
    h("div", { id: "cal-message", role: "status" }),
    h("p", { class: "cal-loading", id: "cal-loading", role: "status", "aria-live": "polite" }),
    h("div", { class: "calendar-wrap", id: "calendar-wrap", "aria-busy": "true" },
      h("div", { class: "skeleton title" }), h("div", { class: "skeleton" }), h("div", { class: "skeleton" })),
    h("p", { class: "kbd-hint", id: "kbd-hint" },
      "Keyboard: arrow keys move between times, Enter books, Page Up/Page Down change the period."));
}

function setView(view) {
  if (state.view === view) return;
  const today = todayIn(state.tz);
  const day = state.anchor < today ? today : state.anchor; // never a past month: the week may start in the last one
  state.view = view;
  state.anchor = view === "week" ? startOfWeek(day) : startOfMonth(day);
  loadPeriod();
}

function setZone(tz) {
  state.tz = tz;
  localStorage.setItem(TZ_KEY, tz);
  render();
}

async function start() {
  const userPromise = setupPage();
  let svc;
  try {
    svc = await api(`/services/${encodeURIComponent(slug)}`);
  } catch (e) {
    await userPromise;
    // Members-only services are hidden from guests: try again once signed in.
    if (e.status === 404 && currentUser()) {
      try {
        svc = await api(`/services/${encodeURIComponent(slug)}`);
      } catch {
        svc = null;
      }
    }
    if (!svc && e.status === 410) { // deactivated by an admin (issue 13)
      clear(main, h("h1", {}, "No longer offered"),
        h("p", {}, "This service is no longer offered, so it cannot be booked. ", h("a", { href: "/" }, "See all services"), "."));
      return;
    }
    if (!svc) {
      clear(main, h("h1", {}, "Service not found"),
        h("p", {}, e.status === 404 ? "This booking link does not exist or is not public. " : `Could not load it: ${e.message}. `,
          currentUser() ? null : [h("a", { href: `/login?next=${encodeURIComponent(location.pathname)}` }, "Sign in"), " or "],
          h("a", { href: "/" }, "see all services"), "."));
      return;
    }
  }
  state.service = svc.service || svc;
  const s = state.service;
  if (state.resource && !(s.resources || []).some((r) => r.slug === state.resource)) state.resource = "";
  if (!(await loadMove())) return;
  await loadMine(userPromise);
  s.capacity = s.capacity ?? Math.max(1, ...((s.resources || []).map((r) => r.capacity || 1)));
  document.title = `${s.name} · Booker`;
  const today = todayIn(state.tz);
  state.anchor = startOfWeek(today);
  if (!s.starts_at && !s.next_available) {
    // Open on the week of the next bookable time (today may be a weekend or fully booked).
    const now = new Date();
    const q = new URLSearchParams({ service: slug, from: now.toISOString(), to: new Date(+now + 30 * 86400000).toISOString() });
    s.next_available = (await api(`/availability?${q}`).catch(() => ({}))).next_available || null;
  }
  const first = state.move && Date.parse(state.move.booking.starts_at) > Date.now()
    ? state.move.booking.starts_at : s.starts_at || s.next_available;
  if (first) {
    const day = wallClock(new Date(first), state.tz).day;
    if (day > addDays(state.anchor, 6)) state.anchor = startOfWeek(day);
  }
  layout();
  await fetchSlots();
  $("#calendar-wrap").removeAttribute("aria-busy");
  await userPromise;
}

start();
