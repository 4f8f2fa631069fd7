// The admin "Audit trail" tab: the changes of one booking.
import { ApiError, api } from "../api.js";
import { $, clear, field, h, statusLabel } from "../ui.js";
import { list, when, table } from "./admin-common.js";

export async function auditPanel(panel, booking = "") {
  const results = h("div", { id: "audit-results" });
  const form = h("form", { class: "toolbar", "aria-label": "Find a booking's audit trail" },
    field({ id: "audit-booking", name: "booking", label: "Booking id or reference", required: true, attrs: { value: booking } }),
    h("button", { type: "submit" }, "Show audit trail"));
  async function load() {
    const key = form.elements.booking.value.trim();
    if (!key) return;
    let rows;
    try {
      let id = key;
      if (!/^[0-9a-f-]{36}$/i.test(key)) {
        // A reference: find the booking's id first.
        const found = list(await api(`/admin/bookings?q=${encodeURIComponent(key)}`));
        const match = found.find((b) => b.reference === key.toUpperCase()) || found[0];
        if (!match) throw new ApiError(404, { title: "not found" });
        id = match.id;
      }
      rows = list(await api(`/admin/audit?booking=${encodeURIComponent(id)}`));
    } catch (e) {
      clear(results, h("p", { class: "notice error" }, e.status === 404 || e.status === 422
        ? "No booking with that id or reference." : e.message));
      return;
    }
    clear(results, table("Audit trail", ["#", "When", "Action", "Status", "Time", "By"], rows.map((a) =>
      h("tr", {}, h("td", {}, String(a.seq ?? a.id ?? "")), h("td", {}, when(a.at)),
        h("td", {}, a.action || "", a.override ? h("span", { class: "override" }, ` (admin override: ${a.override})`) : null),
        h("td", {}, h("span", { class: `status status-${a.status}` }, statusLabel(a.status))),
        h("td", {}, a.old_starts_at && a.old_starts_at !== a.starts_at
          ? `${when(a.old_starts_at)} → ${when(a.starts_at)}` : when(a.starts_at)),
        h("td", {}, a.actor_email || (a.actor ? a.actor : a.db_user ? `database (${a.db_user})` : "guest / system")))),
    "No entries."));
  }
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    load();
  });
  clear(panel, h("h2", {}, "Audit trail"), form, results);
  if (booking) await load();
}
