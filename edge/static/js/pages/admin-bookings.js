// The admin "Bookings" tab: filters, pages, CSV export; each booking links to its audit trail.
import { api, download } from "../api.js";
import { $, announce, clear, field, h, money, spinner, statusLabel } from "../ui.js";
import { list, when, table } from "./admin-common.js";
import { answersLine } from "../questions.js";

export async function bookingsPanel(panel, _arg, showTab) {
  const [services, resources] = await Promise.all([api("/admin/services").catch(() => []), api("/admin/resources").catch(() => [])]);
  const results = h("div", { id: "booking-results" });
  const pager = h("div", { class: "actions" });
  let page = 1;
  const form = h("form", { class: "toolbar", role: "search", "aria-label": "Filter bookings" },
    field({ id: "f-service", name: "service", label: "Service", options: [["", "All"], ...list(services).map((s) => [s.slug, s.name])] }),
    field({ id: "f-resource", name: "resource", label: "Resource", options: [["", "All"], ...list(resources).map((r) => [r.slug, r.name])] }),
    field({ id: "f-status", name: "status", label: "Status", options: [["", "All"], ...["confirmed", "pending", "held", "cancelled", "declined", "expired"].map((s) => [s, statusLabel(s)])] }),
    field({ id: "f-from", name: "from", label: "From", type: "date" }),
    field({ id: "f-to", name: "to", label: "To", type: "date" }),
    field({ id: "f-q", name: "q", label: "Search", type: "search", attrs: { placeholder: "Reference, name, email" } }),
    h("button", { type: "submit" }, "Apply filters"),
    h("button", { type: "button", class: "secondary", id: "export-csv", onclick: exportCsv }, "Export CSV"));
  function query() {
    const q = new URLSearchParams();
    for (const k of ["service", "resource", "status", "q"]) if (form.elements[k].value) q.set(k, form.elements[k].value);
    if (form.elements.from.value) q.set("from", new Date(`${form.elements.from.value}T00:00`).toISOString());
    if (form.elements.to.value) q.set("to", new Date(`${form.elements.to.value}T23:59:59`).toISOString());
    return q;
  }
  async function exportCsv(e) {
    const btn = e.currentTarget;
    btn.disabled = true;
    try {
      const blob = await download(`/admin/bookings?${query()}`, "text/csv");
      const a = h("a", { href: URL.createObjectURL(blob), download: "bookings.csv" });
      document.body.append(a);
      a.click();
      a.remove();
    } catch (err) {
      announce(`Export failed: ${err.message}`);
    } finally {
      btn.disabled = false;
    }
  }
  async function load() {
    const q = query();
    q.set("page", String(page));
    clear(results, h("p", {}, spinner(), " Loading…"));
    let body;
    try {
      body = await api(`/admin/bookings?${q}`);
    } catch (e) {
      clear(results, h("p", { class: "notice error" }, e.message));
      return;
    }
    const rows = list(body);
    clear(results, table("Bookings", ["Reference", "Service", "Resource", "Starts", "Status", "Attendee", "Seats", "Price", ""],
      rows.map((b) => h("tr", { "data-reference": b.reference },
        h("td", {}, h("code", {}, b.reference)), h("td", {}, b.service_name || b.service), h("td", {}, b.resource_name || b.resource),
        h("td", {}, when(b.starts_at)), h("td", {}, h("span", { class: `status status-${b.status}` }, statusLabel(b.status))),
        h("td", {}, [b.attendee?.name, b.attendee?.email].filter(Boolean).join(" · "), answersLine(b) && [h("br"), answersLine(b)]),
        h("td", {}, String(b.seats ?? "")),
        h("td", {}, money(b.price, b.currency)),
        h("td", {}, h("button", { type: "button", class: "secondary", "aria-label": `Audit trail of ${b.reference}`,
          onclick: () => showTab("audit", b.id) }, "Audit")))), "No bookings match these filters."));
    const meta = body.meta || {};
    clear(pager, meta.total_pages > 1 ? [
      h("button", { type: "button", class: "secondary", disabled: page <= 1, onclick: () => { page -= 1; load(); } }, "Previous page"),
      h("span", {}, `Page ${page} of ${meta.total_pages} (${meta.total} bookings)`),
      h("button", { type: "button", class: "secondary", disabled: page >= meta.total_pages, onclick: () => { page += 1; load(); } }, "Next page"),
    ] : meta.total !== undefined ? h("span", { class: "muted" }, `${meta.total} bookings`) : null);
  }
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    page = 1;
    load();
  });
  clear(panel, h("h2", {}, "Bookings"), form, results, pager);
  await load();
}
