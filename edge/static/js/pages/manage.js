// "/book/manage/{id}?token=…": a guest's booking, opened from the link in their email.
// Every request carries the token as X-Manage-Token; the guest may cancel (before the
// service's cutoff) and move the booking to another free time of the same service.
import { api } from "../api.js";
import { setupPage } from "../layout.js";
import { timeLabel, wallClock, dayLabel, zoneName } from "../time.js";
import { $, announce, clear, confirmDialog, formatDateTime, h, money, statusLabel } from "../ui.js";

const main = $("#main");
const id = location.pathname.split("/").pop();
const token = new URLSearchParams(location.search).get("token") || "";
const headers = { "X-Manage-Token": token };
const ACTIVE = new Set(["pending", "confirmed"]);

const call = (path = "", opts = {}) => api(`/bookings/${encodeURIComponent(id)}${path}`, { ...opts, headers, retry: false });

function when(b) {
  const tz = b.timezone || "UTC";
  return `${formatDateTime(b.starts_at, tz)}–${timeLabel(new Date(b.ends_at), tz)} (${tz}, ${zoneName(tz, new Date(b.starts_at))})`;
}

function cutoffText(b) {
  const tz = b.timezone || "UTC";
  const minutes = Math.round((Date.parse(b.starts_at) - Date.parse(b.cancellable_until)) / 60000);
  const span = minutes >= 120 ? `${Math.round(minutes / 60)} hours` : `${minutes} minutes`;
  return `Bookings can be cancelled or moved online up to ${span} before they start, ` +
    `so until ${formatDateTime(b.cancellable_until, tz)} for this one.`;
}

function cutoffPassedText(b) {
  return `Online changes closed on ${formatDateTime(b.cancellable_until, b.timezone || "UTC")}. ` +
    "Please contact us to change or cancel this booking.";
}

async function freeSlots(b) {
  const from = new Date(Math.max(Date.now(), Date.parse(b.starts_at) - 14 * 86400000));
  const to = new Date(from.getTime() + 28 * 86400000);
  const q = new URLSearchParams({ from: from.toISOString(), to: to.toISOString() });
  const body = await api(`/services/${encodeURIComponent(b.service)}/slots?${q}`);
  return (body.slots || []).filter((s) => s.status === "available" && Date.parse(s.starts_at) !== Date.parse(b.starts_at));
}

async function reschedule(b, render) {
  let slots;
  try {
    slots = await freeSlots(b);
  } catch (e) {
    announce(`Could not load free times: ${e.message}`);
    return;
  }
  const tz = b.timezone || "UTC";
  const select = h("select", { id: "new-time", name: "starts_at" },
    slots.map((s) => h("option", { value: s.starts_at },
      `${dayLabel(wallClock(new Date(s.starts_at), tz).day, { weekday: "short", day: "numeric", month: "short" })}, ${timeLabel(new Date(s.starts_at), tz)}`)));
  const message = slots.length
    ? [h("p", {}, `Times in ${tz}.`), h("div", { class: "field" }, h("label", { for: "new-time" }, "New time"), select)]
    : [h("p", {}, "No other free times in the next weeks.")];
  let moved = null;
  const ok = await confirmDialog({
    title: "Move this booking?",
    message,
    confirmLabel: "Move booking",
    cancelLabel: "Keep current time",
    action: async () => {
      if (!slots.length) throw new Error("Choose “Keep current time”: there is nothing to move to.");
      moved = await call("", { method: "PATCH", body: { starts_at: select.value } });
    },
  });
  if (ok && moved) {
    render(moved);
    announce(`Booking ${moved.reference} moved to ${when(moved)}.`);
    $("#manage-heading")?.focus();
  }
}

function render(b) {
  const active = ACTIVE.has(b.status) && Date.parse(b.starts_at) > Date.now();
  const open = b.cancellable_until && Date.parse(b.cancellable_until) > Date.now();
  let actions = null;
  if (active && open) {
    const cancel = h("button", { type: "button", class: "danger", id: "cancel-booking" }, "Cancel booking");
    const move = h("button", { type: "button", class: "secondary", id: "move-booking" }, "Change time");
    cancel.addEventListener("click", async () => {
      let cancelled = null;
      const ok = await confirmDialog({
        title: "Cancel this booking?",
        message: [h("p", {}, `${b.service_name || b.service} on ${when(b)}.`),
          h("p", {}, `Reference ${b.reference}. This cannot be undone.`)],
        confirmLabel: "Yes, cancel booking",
        cancelLabel: "Keep booking",
        danger: true,
        action: async () => {
          cancelled = await call("", { method: "DELETE" });
        },
      });
      if (ok && cancelled) {
        render(cancelled);
        announce(`Booking ${cancelled.reference} cancelled.`);
        $("#manage-heading")?.focus();
      }
    });
    move.addEventListener("click", () => reschedule(b, render));
    actions = [h("p", { class: "muted", id: "cutoff" }, cutoffText(b)), h("div", { class: "actions" }, cancel, move)];
  } else if (active) {
    actions = h("p", { class: "notice warn cutoff", id: "cutoff" }, cutoffPassedText(b));
  } else if (b.status === "cancelled" || b.status === "declined") {
    actions = h("p", {}, h("a", { class: "button", href: `/book/${encodeURIComponent(b.service)}` }, "Book again"));
  }
  clear(main,
    h("h1", { id: "manage-heading", tabindex: "-1" }, "Your booking"),
    h("p", { class: "reference", id: "manage-reference" }, b.reference),
    h("dl", { class: "summary" },
      h("dt", {}, "What"), h("dd", {}, b.service_name || b.service),
      h("dt", {}, "With"), h("dd", { id: "manage-resource" }, [b.resource_name || b.resource, b.location].filter(Boolean).join(", ")),
      h("dt", {}, "When"), h("dd", { id: "manage-when" }, when(b)),
      h("dt", {}, "Seats"), h("dd", {}, String(b.seats || 1)),
      h("dt", {}, "Price"), h("dd", {}, money(b.price, b.currency)),
      h("dt", {}, "Name"), h("dd", {}, b.attendee?.name || ""),
      h("dt", {}, "Status"), h("dd", {}, h("span", { class: `status status-${b.status}`, id: "manage-status" }, statusLabel(b.status)))),
    actions);
}

async function start() {
  await setupPage();
  clear(main, h("h1", {}, "Your booking"), h("div", { "aria-busy": "true" }, h("div", { class: "skeleton" })));
  if (!token) {
    clear(main, h("h1", {}, "Your booking"),
      h("p", { class: "notice error", role: "alert" }, "This link is incomplete: open the link from your booking email."));
    return;
  }
  try {
    render(await call());
  } catch (e) {
    const text = e.status === 404
      ? "We could not find this booking. The link may be incomplete or no longer valid; please open the link from your latest booking email."
      : `Could not load the booking: ${e.message}`;
    clear(main, h("h1", {}, "Your booking"), h("p", { class: "notice error", role: "alert" }, text));
  }
}

start();
