// "/book/manage/{id}?token=…": a guest's booking, opened from the link in their email.
// Every request carries the token as X-Manage-Token; the guest may cancel (before the
// service's cutoff) and move the booking in the booking calendar ("Change time").
import { api } from "../api.js";
import { setupPage } from "../layout.js";
import { timeLabel, zoneName } from "../time.js";
import { $, announce, clear, confirmDialog, formatDateTime, h, money, statusLabel } from "../ui.js";

const main = $("#main");
const id = location.pathname.split("/").pop();
const token = new URLSearchParams(location.search).get("token") || "";
const headers = { "X-Manage-Token": token };
const ACTIVE = new Set(["pending", "confirmed"]);

const call = (path = "", opts = {}) => api(`/bookings/${encodeURIComponent(id)}${path}`, { ...opts, headers, retry: false });

// The guest's own zone, the one their booking page showed (issue 14), else the resource's.
const zoneOf = (b) => b.attendee_timezone || b.timezone || "UTC";

function when(b) {
  const tz = zoneOf(b);
  return `${formatDateTime(b.starts_at, tz)}–${timeLabel(new Date(b.ends_at), tz)} (${tz}, ${zoneName(tz, new Date(b.starts_at))})`;
}

function cutoffText(b) {
  const tz = zoneOf(b);
  const minutes = Math.round((Date.parse(b.starts_at) - Date.parse(b.cancellable_until)) / 60000);
  const span = minutes >= 120 ? `${Math.round(minutes / 60)} hours` : `${minutes} minutes`;
  return `Bookings can be cancelled or moved online up to ${span} before they start, ` +
    `so until ${formatDateTime(b.cancellable_until, tz)} for this one.`;
}

function cutoffPassedText(b) {
  if (b.created_at && Date.parse(b.cancellable_until) <= Date.parse(b.created_at)) {
    return "This booking was made inside the cancellation cutoff, so it cannot be changed or cancelled online. " +
      "Please contact us to change or cancel it.";
  }
  return `Online changes closed on ${formatDateTime(b.cancellable_until, zoneOf(b))}. ` +
    "Please contact us to change or cancel this booking.";
}

function render(b) {
  const active = ACTIVE.has(b.status) && Date.parse(b.starts_at) > Date.now();
  const open = b.cancellable_until && Date.parse(b.cancellable_until) > Date.now();
  let actions = null;
  if (active && open) {
    const cancel = h("button", { type: "button", class: "danger", id: "cancel-booking" }, "Cancel booking");
    // Moving happens in the booking calendar, in its move mode (edge/static/js/pages/book.js).
    const move = h("a", {
      class: "button secondary", id: "move-booking",
      href: `/book/${encodeURIComponent(b.service)}?move=${encodeURIComponent(b.id)}&token=${encodeURIComponent(token)}`,
    }, "Change time");
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
