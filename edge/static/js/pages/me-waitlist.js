// "My bookings" → Waitlist (issue 16): the member's live waitlist entries, soonest first. A
// waiting entry shows its place in line; an entry with an offer shows until when the seat is
// held and links to the offer page (a member's own offer needs no token there). "Leave the
// waitlist" turns down an open offer too (the seat goes to the next in line).
import { api } from "../api.js";
import { announce, clear, confirmDialog, formatDateTime, h } from "../ui.js";

function entryItem(e, zone, reload) {
  const label = `${e.service_name || e.service} on ${formatDateTime(e.starts_at, zone)}`;
  const offered = e.status === "offered" && e.offer;
  const state = offered
    ? h("span", { class: "status status-held" }, `A seat is held for you until ${formatDateTime(e.offer.expires_at, zone)}`)
    : h("span", { class: "status status-pending" }, e.place === 1 ? "Waiting: you are next in line" : `Waiting: number ${e.place} in line`);
  const actions = h("div", { class: "actions" },
    offered ? h("a", { class: "button", href: `/waitlist/offer/${encodeURIComponent(e.offer.id)}` }, "Book this seat") : null,
    h("button", {
      type: "button", class: "secondary", "aria-label": `Leave the waitlist for ${label}`,
      onclick: async () => {
        const ok = await confirmDialog({
          title: "Leave the waitlist?",
          message: [h("p", {}, `${label}.`), offered
            ? h("p", {}, "The seat held for you goes to the next person in line.")
            : h("p", {}, "You lose your place in line.")],
          confirmLabel: "Leave the waitlist",
          cancelLabel: "Stay",
          danger: true,
          action: () => api(`/waitlist/${encodeURIComponent(e.id)}`, { method: "DELETE" }),
        });
        if (ok) {
          announce("You left the waitlist.");
          await reload();
        }
      },
    }, "Leave"));
  return h("li", { class: "booking-item", "data-waitlist": e.id, "data-status": e.status },
    h("div", { class: "what" }, h("strong", {}, e.service_name || e.service),
      h("span", {}, formatDateTime(e.starts_at, zone)), h("br"),
      h("span", { class: "muted" }, `${e.seats} ${e.seats === 1 ? "seat" : "seats"}`), " · ", state),
    actions);
}

// The section, or null when the member is on no waitlist (nothing to show).
export async function waitlistSection(zone) {
  const section = h("section", { "aria-labelledby": "waitlist-h", id: "my-waitlist" },
    h("h2", { id: "waitlist-h" }, "Waitlist"));
  const list = h("div");
  section.append(list);
  const reload = async () => {
    let entries;
    try {
      entries = (await api("/me/waitlist")).data || [];
    } catch (e) {
      clear(list, h("p", { class: "notice error" }, `Could not load your waitlist: ${e.message}`));
      return;
    }
    clear(list, entries.length
      ? h("ul", { class: "booking-list" }, entries.map((e) => entryItem(e, zone, reload)))
      : h("p", { class: "muted" }, "You are not on any waitlist."));
  };
  await reload();
  return list.querySelector("li, .notice") ? section : null;
}
