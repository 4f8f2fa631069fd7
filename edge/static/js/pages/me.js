// "/me": my bookings, upcoming and past; cancel with a confirmation dialog; my waitlist
// entries; calendar subscriptions.
import { api, currentUser } from "../api.js";
import { setupPage } from "../layout.js";
import { chosenZone, zoneName } from "../time.js";
import { calendarFeedsSection } from "./me-feeds.js";
import { waitlistSection } from "./me-waitlist.js";
import { $, announce, clear, confirmDialog, formatDateTime, h, money, statusLabel } from "../ui.js";

const main = $("#main");
const zone = chosenZone(); // the zone chosen on the booking page, else the browser's
const ACTIVE = new Set(["held", "pending", "confirmed"]);

function cutoffText(b) {
  const until = Date.parse(b.cancellable_until);
  const minutes = Math.round((Date.parse(b.starts_at) - until) / 60000);
  const span = minutes >= 120 ? `${Math.round(minutes / 60)} hours` : `${minutes} minutes`;
  // A booking made inside the cutoff was never cancellable online: say so, not "closed on"
  // a date before it existed.
  if (b.created_at && until <= Date.parse(b.created_at)) {
    return `This booking was made less than ${span} before its start, so it cannot be cancelled or moved online. ` +
      "Please contact us to change it.";
  }
  return `Online cancellation closed on ${formatDateTime(b.cancellable_until, zone)}: ` +
    `bookings can be cancelled up to ${span} before they start. Please contact us to change it.`;
}

function item(b, reload) {
  const start = Date.parse(b.starts_at);
  const upcoming = start > Date.now();
  const canCancelStatus = ACTIVE.has(b.status) && upcoming;
  const cutoffPassed = b.cancellable_until && Date.parse(b.cancellable_until) <= Date.now();
  const label = `${b.service_name || b.service} on ${formatDateTime(b.starts_at, zone)}`;
  let action = null;
  if (canCancelStatus && !cutoffPassed) {
    action = h("button", {
      type: "button", class: "secondary", "aria-label": `Cancel ${label} (${b.reference})`,
      onclick: async () => {
        const ok = await confirmDialog({
          title: "Cancel this booking?",
          message: [h("p", {}, `${label}.`), h("p", {}, `Reference ${b.reference}. This cannot be undone.`)],
          confirmLabel: "Yes, cancel booking",
          cancelLabel: "Keep booking",
          danger: true,
          action: () => api(`/bookings/${b.id}`, { method: "DELETE" }),
        });
        if (ok) {
          announce(`Booking ${b.reference} cancelled.`);
          await reload();
          $("#bookings-heading")?.focus();
        }
      },
    }, "Cancel");
    action = h("div", { class: "actions" }, action, h("a", {
      class: "button secondary", href: `/book/${encodeURIComponent(b.service)}?move=${encodeURIComponent(b.id)}`,
      "aria-label": `Change time of ${label} (${b.reference})`,
    }, "Change time"));
  } else if (canCancelStatus && cutoffPassed) {
    action = h("p", { class: "notice warn cutoff", id: `cutoff-${b.id}` }, cutoffText(b));
  }
  return h("li", { class: "booking-item", "data-reference": b.reference, "data-status": b.status },
    h("div", { class: "what" },
      h("strong", {}, b.service_name || b.service),
      h("span", {}, `${formatDateTime(b.starts_at, zone)} (${zoneName(zone, new Date(start))})`),
      h("br"),
      h("span", { class: "muted" }, [b.resource_name, b.location, `${b.seats || 1} ${b.seats === 1 || !b.seats ? "seat" : "seats"}`,
        money(b.price, b.currency)].filter(Boolean).join(" · ")),
      h("br"),
      h("span", { class: `status status-${b.status}` }, statusLabel(b.status)), " · ",
      h("code", { class: "ref" }, b.reference)),
    action);
}

async function fetchAll(params) {
  const q = new URLSearchParams({ ...params, limit: "50" });
  const body = await api(`/me/bookings?${q}`);
  return Array.isArray(body) ? body : body.data || [];
}

async function start() {
  const user = await setupPage();
  if (!user) {
    clear(main, h("h1", {}, "My bookings"),
      h("p", {}, "Please ", h("a", { href: "/login?next=/me" }, "sign in"), " to see your bookings."));
    return;
  }
  clear(main, h("h1", { id: "bookings-heading", tabindex: "-1" }, "My bookings"),
    h("p", { class: "muted" }, `Signed in as ${currentUser().email}. Times shown in ${zone}.`),
    h("section", { "aria-labelledby": "upcoming-h" }, h("h2", { id: "upcoming-h" }, "Upcoming"),
      h("div", { id: "upcoming", "aria-busy": "true" }, h("div", { class: "skeleton" }), h("div", { class: "skeleton short" }))),
    h("section", { "aria-labelledby": "past-h" }, h("h2", { id: "past-h" }, "Past and cancelled"),
      h("div", { id: "past", "aria-busy": "true" }, h("div", { class: "skeleton" }))));

  const reload = async () => {
    let all;
    try {
      const now = new Date().toISOString();
      const [future, past] = await Promise.all([fetchAll({ from: now }), fetchAll({ to: now })]);
      const seen = new Set();
      all = [...future, ...past].filter((b) => !seen.has(b.id) && seen.add(b.id));
    } catch (e) {
      clear($("#upcoming"), h("p", { class: "notice error" }, `Could not load your bookings: ${e.message}`));
      return;
    }
    const now = Date.now();
    const upcoming = all.filter((b) => Date.parse(b.starts_at) > now && ACTIVE.has(b.status))
      .sort((a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at));
    const past = all.filter((b) => !upcoming.includes(b))
      .sort((a, b) => Date.parse(b.starts_at) - Date.parse(a.starts_at));
    for (const [id, list, empty] of [
      ["upcoming", upcoming, [h("p", {}, "You have no upcoming bookings."), h("a", { class: "button", href: "/" }, "Browse services")]],
      ["past", past, h("p", { class: "muted" }, "Nothing here yet.")],
    ]) {
      const el = $(`#${id}`);
      el.removeAttribute("aria-busy");
      clear(el, list.length ? h("ul", { class: "booking-list" }, list.map((b) => item(b, reload))) : h("div", { class: "empty" }, empty));
    }
  };
  await reload();
  const waitlist = await waitlistSection(zone); // issue 16: the member's places in line
  if (waitlist) $("section[aria-labelledby=\"past-h\"]").before(waitlist);
  main.append(await calendarFeedsSection()); // issue 16: .ics subscriptions
}

start();
