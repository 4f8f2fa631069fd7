// "/provider": the workspace of a user who owns resources (a provider). Requests awaiting
// them first (Confirm, Decline with a reason), then their schedule as an agenda or a week
// calendar (Cancel, Move), then the weekly hours and closures of their own resources.
// Every rule (who may act, the cutoff, free times) is the server's; this page shows its words.
import { api } from "../api.js";
import { setupPage } from "../layout.js";
import { addDays, dayLabel, rangeFor, startOfWeek, timeLabel, todayIn, wallClock, zoneName } from "../time.js";
import { $, $$, announce, clear, confirmDialog, field, formatDateTime, h, openDialog, spinner, statusLabel } from "../ui.js";
import { WEEKDAYS, submitWith, table } from "./admin-common.js";

const main = $("#main");
const ACTIVE = new Set(["pending", "confirmed"]);
// zone: the provider's profile zone, else the first resource's; profileZone, when set, shows
// every booking in it (else each booking in its resource's zone)
const state = { view: "agenda", first: null, zone: "UTC", profileZone: null, resources: [] };
const zoneOf = (b) => state.profileZone || b.timezone || state.zone;

const list = (body) => (Array.isArray(body) ? body : body?.data || []);
const when = (b) => `${formatDateTime(b.starts_at, zoneOf(b))} – ${timeLabel(new Date(b.ends_at), zoneOf(b))}`;
const who = (b) => [b.attendee?.name, b.attendee?.email].filter(Boolean).join(" · ") || "Guest";

async function fetchBookings(params) {
  const q = new URLSearchParams({ limit: "200", ...params });
  return list(await api(`/provider/bookings?${q}`));
}

// -- actions ------------------------------------------------------------------------------------

function reasonDialog({ title, intro, label, confirmLabel, run }) {
  return new Promise((resolve) => {
    const form = h("form", { novalidate: true },
      h("p", {}, intro),
      field({ id: "action-reason", name: "reason", label, type: "textarea", hint: "Sent to the attendee (optional).",
        attrs: { maxlength: "500", rows: "3" } }),
      h("p", { class: "form-error", role: "alert" }),
      h("div", { class: "actions" },
        h("button", { type: "submit", class: "danger", id: "action-submit" }, confirmLabel),
        h("button", { type: "button", class: "secondary", id: "action-back" }, "Back")));
    let done = false;
    const dlg = openDialog({ title, content: form, onClose: () => resolve(done) });
    $("#action-back", form).addEventListener("click", () => dlg.close());
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const ok = await submitWith(form, $("#action-submit", form), () => run(form.elements.reason.value.trim()));
      if (ok !== undefined) {
        done = true;
        dlg.close();
      }
    });
  });
}

async function confirmBooking(b, reload) {
  const ok = await confirmDialog({
    title: "Confirm this request?",
    message: [h("p", {}, `${b.service_name} with ${who(b)}`), h("p", {}, when(b)),
      h("p", { class: "muted" }, "The attendee gets an email with the invitation.")],
    confirmLabel: "Confirm booking",
    action: () => api(`/bookings/${b.id}/confirm`, { method: "POST" }),
  });
  if (ok) {
    announce(`Booking ${b.reference} confirmed.`);
    await reload();
  }
}

async function declineBooking(b, reload) {
  const ok = await reasonDialog({
    title: "Decline this request?", intro: `${b.service_name} with ${who(b)}, ${when(b)}.`,
    label: "Reason", confirmLabel: "Decline request",
    run: (reason) => api(`/bookings/${b.id}/decline`, { method: "POST", body: reason ? { reason } : {} }),
  });
  if (ok) {
    announce(`Request ${b.reference} declined.`);
    await reload();
  }
}

async function cancelBooking(b, reload) {
  const ok = await reasonDialog({
    title: "Cancel this booking?", intro: `${b.service_name} with ${who(b)}, ${when(b)}. This cannot be undone.`,
    label: "Reason", confirmLabel: "Cancel booking",
    run: (reason) => api(`/bookings/${b.id}`, { method: "DELETE", body: reason ? { reason } : {} }),
  });
  if (ok) {
    announce(`Booking ${b.reference} cancelled.`);
    await reload();
  }
}

async function moveBooking(b, reload) {
  const tz = zoneOf(b);
  const dayInput = h("input", { type: "date", id: "move-day", value: wallClock(new Date(b.starts_at), tz).day,
    min: todayIn(tz), "aria-describedby": "move-hint" });
  const times = h("div", { class: "move-times", role: "group", "aria-label": "Free start times" });
  const error = h("p", { class: "form-error", role: "alert" });
  let dlg;
  const load = async () => {
    const day = dayInput.value;
    if (!day) return;
    clear(times, spinner(), " Loading free times…");
    const { from, to } = rangeFor(day, day);
    let slots = [];
    try {
      const q = new URLSearchParams({ service: b.service, resource: b.resource, from, to });
      const body = await api(`/availability?${q}`);
      slots = (body.resources || []).flatMap((r) => r.slots || [])
        .filter((s) => wallClock(new Date(s.starts_at), tz).day === day);
    } catch (e) {
      clear(times, h("p", { class: "notice error" }, e.message));
      return;
    }
    clear(times, slots.length ? slots.map((s) => h("button", {
      type: "button", class: "secondary", "data-start": s.starts_at,
      "aria-label": `Move to ${formatDateTime(s.starts_at, tz)}`,
      onclick: async (e) => {
        const button = e.currentTarget;
        error.textContent = "";
        $$("button", times).forEach((x) => { x.disabled = true; });
        button.prepend(spinner());
        try {
          await api(`/bookings/${b.id}`, { method: "PATCH", body: { starts_at: s.starts_at } });
          announce(`Booking ${b.reference} moved to ${formatDateTime(s.starts_at, tz)}.`);
          dlg.close();
          await reload();
        } catch (err) {
          error.textContent = err.message;
          button.querySelector(".spinner")?.remove();
          $$("button", times).forEach((x) => { x.disabled = false; });
        }
      },
    }, timeLabel(new Date(s.starts_at), tz))) : h("p", { class: "muted" }, "No free time on this day."));
  };
  dayInput.addEventListener("change", load);
  dlg = openDialog({
    title: `Move ${b.reference}`,
    content: [h("p", {}, `${b.service_name} with ${who(b)}, now ${when(b)}.`),
      h("div", { class: "field" }, h("label", { for: "move-day" }, "New day"), dayInput,
        h("span", { class: "hint", id: "move-hint" }, `Times in ${tz}. The attendee gets the new invitation by email.`)),
      times, error,
      h("div", { class: "actions" }, h("button", { type: "button", class: "secondary", onclick: () => dlg.close() }, "Back"))],
  });
  load();
}

function actions(b, reload) {
  const label = `${b.service_name} ${b.reference}`;
  const upcoming = Date.parse(b.ends_at) > Date.now();
  const out = [];
  if (b.status === "pending") {
    out.push(h("button", { type: "button", class: "confirm", "aria-label": `Confirm ${label}`, onclick: () => confirmBooking(b, reload) }, "Confirm"));
    out.push(h("button", { type: "button", class: "danger", "aria-label": `Decline ${label}`, onclick: () => declineBooking(b, reload) }, "Decline"));
  }
  if (ACTIVE.has(b.status) && upcoming) {
    out.push(h("button", { type: "button", class: "secondary", "aria-label": `Move ${label}`, onclick: () => moveBooking(b, reload) }, "Move"));
    if (b.status === "confirmed") {
      out.push(h("button", { type: "button", class: "secondary", "aria-label": `Cancel ${label}`, onclick: () => cancelBooking(b, reload) }, "Cancel"));
    }
  }
  return out.length ? h("div", { class: "actions booking-actions" }, out) : null;
}

function bookingItem(b, reload) {
  return h("li", { class: "booking-item", "data-reference": b.reference, "data-status": b.status },
    h("div", { class: "what" },
      h("strong", {}, `${b.service_name} · ${who(b)}`),
      h("span", {}, `${when(b)} (${zoneName(zoneOf(b), new Date(b.starts_at))})`),
      h("br"),
      h("span", { class: "muted" }, [b.resource_name, b.seats > 1 ? `${b.seats} seats` : null, b.notes ? `“${b.notes}”` : null]
        .filter(Boolean).join(" · ")),
      h("br"),
      h("span", { class: `status status-${b.status}` }, statusLabel(b.status)), " · ", h("code", { class: "ref" }, b.reference)),
    actions(b, reload));
}

// -- requests and schedule ----------------------------------------------------------------------

async function renderRequests(reload) {
  const el = $("#requests");
  let pending;
  try {
    pending = await fetchBookings({ status: "pending", from: new Date().toISOString() });
  } catch (e) {
    clear(el, h("p", { class: "notice error" }, `Could not load your requests: ${e.message}`));
    return;
  }
  el.removeAttribute("aria-busy");
  $("#requests-count").textContent = pending.length ? ` (${pending.length})` : "";
  clear(el, pending.length ? h("ul", { class: "booking-list" }, pending.map((b) => bookingItem(b, reload)))
    : h("p", { class: "empty muted" }, "No requests are waiting for you."));
}

async function renderSchedule(reload) {
  const el = $("#schedule");
  const days = state.view === "week" ? 7 : 14;
  const last = addDays(state.first, days - 1);
  $("#period").textContent = `${dayLabel(state.first)} – ${dayLabel(last, { day: "numeric", month: "short", year: "numeric" })}`;
  el.setAttribute("aria-busy", "true");
  let bookings;
  try {
    const { from, to } = rangeFor(state.first, last);
    bookings = (await fetchBookings({ from, to, status: "pending,confirmed" }))
      .filter((b) => { const d = wallClock(new Date(b.starts_at), state.zone).day; return d >= state.first && d <= last; });
  } catch (e) {
    clear(el, h("p", { class: "notice error" }, `Could not load your schedule: ${e.message}`));
    return;
  }
  el.removeAttribute("aria-busy");
  const byDay = new Map();
  for (const b of bookings) {
    const d = wallClock(new Date(b.starts_at), state.zone).day;
    if (!byDay.has(d)) byDay.set(d, []);
    byDay.get(d).push(b);
  }
  const today = todayIn(state.zone);
  if (state.view === "agenda") {
    const shown = [...byDay.keys()].sort();
    clear(el, shown.length ? shown.map((d) => h("section", { class: "agenda-day", "aria-label": dayLabel(d, { weekday: "long", day: "numeric", month: "long" }) },
      h("h3", {}, d === today ? `Today · ${dayLabel(d)}` : dayLabel(d, { weekday: "long", day: "numeric", month: "long" })),
      h("ul", { class: "booking-list" }, byDay.get(d).map((b) => bookingItem(b, reload)))))
      : h("p", { class: "empty muted" }, "Nothing booked in these two weeks."));
    return;
  }
  const cols = Array.from({ length: 7 }, (_, i) => addDays(state.first, i));
  clear(el, h("div", { class: "week-cal", role: "list", "aria-label": "Week calendar" }, cols.map((d) => h("div", {
    class: `week-day${d === today ? " today" : ""}`, role: "listitem", "data-day": d },
  h("h3", {}, dayLabel(d)),
  (byDay.get(d) || []).length ? h("ul", { class: "week-list" }, byDay.get(d).map((b) => h("li", {},
    h("button", { type: "button", class: `week-event status-${b.status}`, "data-reference": b.reference,
      "aria-label": `${timeLabel(new Date(b.starts_at), state.zone)} ${b.service_name} with ${who(b)}, ${statusLabel(b.status)}`,
      onclick: () => {
        const dlg = openDialog({ title: `${b.service_name} · ${b.reference}`,
          content: h("ul", { class: "booking-list" }, bookingItem(b, async () => { dlg.close(); await reload(); })) });
      } },
    h("span", { class: "t" }, timeLabel(new Date(b.starts_at), state.zone)), " ", b.service_name,
    h("span", { class: "muted" }, ` · ${b.attendee?.name || "Guest"}`))))) : h("p", { class: "muted free" }, "Free")))));
}

// -- hours and closures of their own resources -----------------------------------------------------

function hoursRow(dayIndex, rule, container) {
  const id = `${dayIndex}-${Math.random().toString(36).slice(2, 7)}`;
  const row = h("div", { class: "hours-row", "data-weekday": String(dayIndex + 1) },
    h("span", { class: "day", "aria-hidden": "true" }, WEEKDAYS[dayIndex]),
    h("label", { class: "sr-only", for: `from-${id}` }, `${WEEKDAYS[dayIndex]} opens at`),
    h("input", { type: "time", id: `from-${id}`, class: "from", step: "900", value: (rule.start || "09:00").slice(0, 5) }),
    h("span", { "aria-hidden": "true" }, "–"),
    h("label", { class: "sr-only", for: `to-${id}` }, `${WEEKDAYS[dayIndex]} closes at`),
    h("input", { type: "time", id: `to-${id}`, class: "to", step: "900", value: (rule.end || "17:00").slice(0, 5) }),
    h("button", { type: "button", class: "link", "aria-label": `Remove these ${WEEKDAYS[dayIndex]} hours`, onclick: () => row.remove() }, "Remove"));
  container.append(row);
  return row;
}

function resourcePanel(r) {
  const base = `/provider/resources/${r.id}`;
  const sid = r.slug;
  const days = WEEKDAYS.map((name, i) => {
    const box = h("div", { class: "hours-day", role: "group", "aria-label": name });
    for (const rule of (r.rules || []).filter((x) => Number(x.weekday) === i + 1)) hoursRow(i, rule, box);
    return h("div", {}, box, h("button", { type: "button", class: "link", "aria-label": `Add hours on ${name}`,
      onclick: () => hoursRow(i, {}, box).querySelector("input").focus() }, `+ ${name}`));
  });
  const save = h("button", { type: "submit" }, "Save weekly hours");
  const saved = h("p", { class: "notice success", role: "status" });
  const hoursForm = h("form", { class: "panel", "aria-labelledby": `hours-${sid}`, novalidate: true, "data-resource": sid },
    h("h3", { id: `hours-${sid}` }, `Weekly hours of ${r.name} (${r.timezone})`),
    h("p", { class: "muted" }, "Times are local to the resource. Existing bookings stay as they are."),
    h("p", { class: "form-error", role: "alert" }), saved,
    h("div", { class: "hours-editor" }, days), h("div", { class: "actions" }, save));
  hoursForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    saved.textContent = "";
    const rules = $$(".hours-row", hoursForm).map((row) => ({
      weekday: Number(row.dataset.weekday), start: $(".from", row).value, end: $(".to", row).value }));
    const ok = await submitWith(hoursForm, save, () => api(`${base}/rules`, { method: "PUT", body: { rules } }));
    if (ok !== undefined) {
      saved.textContent = "Weekly hours saved.";
      announce("Weekly hours saved.");
    }
  });

  let closures = r.closures || [];
  const closureList = h("div", {});
  const renderClosures = () => clear(closureList, table(`Closures of ${r.name}`, ["From", "Until", "Reason", ""],
    closures.map((c) => h("tr", {},
      h("td", {}, formatDateTime(c.starts_at, r.timezone)), h("td", {}, formatDateTime(c.ends_at, r.timezone)),
      h("td", {}, c.reason || ""),
      h("td", {}, h("button", { type: "button", class: "secondary", "aria-label": `Delete closure ${c.reason || ""}`.trim(),
        onclick: async (e) => {
          e.currentTarget.disabled = true;
          try {
            await api(`${base}/closures/${c.id}`, { method: "DELETE" });
            closures = closures.filter((x) => x.id !== c.id);
            renderClosures();
            announce("Closure removed.");
          } catch (err) {
            announce(err.message);
          }
        } }, "Delete")))), "No closures planned."));
  renderClosures();
  const add = h("button", { type: "submit" }, "Add closure");
  const closureForm = h("form", { class: "panel", "aria-labelledby": `closures-${sid}`, novalidate: true },
    h("h3", { id: `closures-${sid}` }, `Closures of ${r.name}`),
    closureList,
    h("p", { class: "form-error", role: "alert" }),
    h("div", { class: "row" },
      field({ id: `closure-from-${sid}`, name: "starts_at", label: "From (your local time)", type: "datetime-local", required: true }),
      field({ id: `closure-to-${sid}`, name: "ends_at", label: "Until (your local time)", type: "datetime-local", required: true }),
      field({ id: `closure-reason-${sid}`, name: "reason", label: "Reason", attrs: { maxlength: "500" } })),
    add);
  closureForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = closureForm.elements;
    const body = { starts_at: f.starts_at.value ? new Date(f.starts_at.value).toISOString() : null,
      ends_at: f.ends_at.value ? new Date(f.ends_at.value).toISOString() : null, reason: f.reason.value.trim() };
    const created = await submitWith(closureForm, add, () => api(`${base}/closures`, { method: "POST", body }));
    if (created) {
      closures = [...closures, created].sort((a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at));
      renderClosures();
      closureForm.reset();
      announce("Closure added.");
    }
  });
  return h("details", { class: "resource-panel", "data-resource": sid },
    h("summary", {}, `${r.name} · hours and closures`), hoursForm, closureForm);
}

// -- the page -----------------------------------------------------------------------------------------

async function start() {
  const user = await setupPage();
  if (!user) {
    clear(main, h("h1", {}, "Provider workspace"),
      h("p", {}, "Please ", h("a", { href: "/login?next=/provider" }, "sign in"), " to see the bookings on your calendar."));
    return;
  }
  clear(main, h("p", {}, spinner(), " Loading…"));
  try {
    state.resources = list(await api("/provider/resources"));
  } catch (e) {
    clear(main, h("h1", {}, "Provider workspace"), h("p", { class: "notice error" }, e.message));
    return;
  }
  if (!state.resources.length) {
    clear(main, h("h1", {}, "Provider workspace"),
      h("p", {}, "You do not provide any bookable resource yet. An administrator links a resource (a room, ",
        "a person's calendar) to your account; then its bookings appear here."),
      h("a", { class: "button", href: "/me" }, "My bookings"));
    return;
  }
  state.profileZone = user.time_zone || null;
  state.zone = state.profileZone || state.resources[0].timezone;
  state.first = todayIn(state.zone);
  const segmented = h("div", { class: "segmented", role: "group", "aria-label": "View" },
    ["agenda", "week"].map((v) => h("button", { type: "button", "aria-pressed": String(v === state.view), "data-view": v,
      onclick: () => {
        state.view = v;
        if (v === "week") state.first = startOfWeek(state.first);
        $$("button", segmented).forEach((x) => x.setAttribute("aria-pressed", String(x.dataset.view === v)));
        renderSchedule(reload);
      } }, v === "agenda" ? "Agenda" : "Week")));
  const step = (n) => {
    state.first = addDays(state.first, n * (state.view === "week" ? 7 : 14));
    renderSchedule(reload);
  };
  clear(main,
    h("h1", { id: "provider-heading", tabindex: "-1" }, "Provider workspace"),
    h("p", { class: "muted" }, `Bookings on ${state.resources.map((r) => r.name).join(", ")}. ` +
      `Times in ${state.zone} (${zoneName(state.zone)}).`),
    h("section", { "aria-labelledby": "requests-h" },
      h("h2", { id: "requests-h" }, "Requests awaiting you", h("span", { id: "requests-count" })),
      h("div", { id: "requests", "aria-busy": "true" }, h("div", { class: "skeleton" }))),
    h("section", { "aria-labelledby": "schedule-h" },
      h("h2", { id: "schedule-h" }, "Schedule"),
      h("div", { class: "cal-toolbar" },
        h("div", { class: "nav" },
          h("button", { type: "button", class: "secondary", "aria-label": "Earlier", onclick: () => step(-1) }, "‹"),
          h("button", { type: "button", class: "secondary", onclick: () => {
            state.first = state.view === "week" ? startOfWeek(todayIn(state.zone)) : todayIn(state.zone);
            renderSchedule(reload);
          } }, "Today"),
          h("button", { type: "button", class: "secondary", "aria-label": "Later", onclick: () => step(1) }, "›")),
        h("span", { class: "period", id: "period", "aria-live": "polite" }), segmented),
      h("div", { id: "schedule", "aria-busy": "true" }, h("div", { class: "skeleton" }))),
    h("section", { "aria-labelledby": "hours-h" },
      h("h2", { id: "hours-h" }, "Your hours and closures"),
      state.resources.map(resourcePanel)));
  async function reload() {
    await Promise.all([renderRequests(reload), renderSchedule(reload)]);
  }
  await reload();
}

start();
