// The admin "Bookings" tab: filters, the list from a day on (today first) with paging both
// ways and a date to jump to, CSV export, and per booking the actions of the people who
// run the day: confirm, decline (a reason), cancel (with a reason; an admin may override the
// cancellation cutoff, which the audit trail records), move to another time or resource,
// edit notes, and its audit trail. Every rule is the database's: dialogs show its 409/422.
import { api, ApiError, download } from "../api.js";
import { announce, clear, confirmDialog, field, h, money, openDialog, spinner, statusLabel } from "../ui.js";
import { list, when, table, zone } from "./admin-common.js";

const ACTIVE = ["held", "pending", "confirmed"];
const pad = (n) => String(n).padStart(2, "0");
// "YYYY-MM-DD" / "YYYY-MM-DDTHH:MM" of an instant in the browser's zone (what date and
// datetime-local inputs hold)
const localDay = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const localInput = (iso) => {
  const d = new Date(iso);
  return `${localDay(d)}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

// A dialog with a form: `fields` inside, `submitLabel` runs `action(form)`; errors of the API
// show next to their field or above the buttons. Resolves with the action's result, or null.
function formDialog({ title, intro, fields, submitLabel, danger = false, action, extra }) {
  return new Promise((resolve) => {
    const error = h("p", { class: "notice error form-error", role: "alert", hidden: true });
    const submit = h("button", { type: "submit", class: danger ? "danger" : "" }, submitLabel);
    const back = h("button", { type: "button", class: "secondary" }, "Back");
    const form = h("form", { novalidate: true }, intro ? h("p", {}, intro) : null, fields, extra || null, error,
      h("div", { class: "actions" }, submit, back));
    let result = null;
    const dlg = openDialog({ title, content: form, onClose: () => resolve(result) });
    back.addEventListener("click", () => dlg.close());
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      if (submit.disabled) return;
      error.hidden = true;
      for (const el of form.querySelectorAll(".field .error")) el.textContent = "";
      submit.disabled = true;
      submit.prepend(spinner());
      try {
        result = await action(form, { error, submit });
        dlg.close();
      } catch (err) {
        const errors = err instanceof ApiError ? err.errors : {};
        let placed = false;
        for (const [name, message] of Object.entries(errors)) {
          const input = form.elements.namedItem(name);
          const slot = input && input.id && form.querySelector(`#${input.id}-error`);
          if (slot) {
            slot.textContent = message;
            input.setAttribute("aria-invalid", "true");
            placed = true;
          }
        }
        if (!placed || err.status !== 422) {
          error.textContent = err.message || String(err);
          error.hidden = false;
        }
        if (err instanceof ApiError && err.status === 409 && err.alternatives.length && form.onAlternatives) {
          form.onAlternatives(err.alternatives);
        }
      } finally {
        submit.disabled = false;
        submit.querySelector(".spinner")?.remove();
      }
    });
  });
}
import { answersLine } from "../questions.js";

export async function bookingsPanel(panel, _arg, showTab) {
  const [services, resources] = await Promise.all([api("/admin/services").catch(() => []), api("/admin/resources").catch(() => [])]);
  const serviceBySlug = Object.fromEntries(list(services).map((s) => [s.slug, s]));
  const resourceBySlug = Object.fromEntries(list(resources).map((r) => [r.slug, r]));
  const results = h("div", { id: "booking-results" });
  const pager = h("nav", { class: "actions pager", "aria-label": "Booking pages" });
  let page = null; // null: the page that starts at the chosen day
  const form = h("form", { class: "toolbar", role: "search", "aria-label": "Filter bookings" },
    field({ id: "f-around", name: "around", label: "Show from day", type: "date", attrs: { value: localDay(new Date()) },
      hint: "Earliest first; Earlier and Later page both ways." }),
    field({ id: "f-service", name: "service", label: "Service", options: [["", "All"], ...list(services).map((s) => [s.slug, s.name])] }),
    field({ id: "f-resource", name: "resource", label: "Resource", options: [["", "All"], ...list(resources).map((r) => [r.slug, r.name])] }),
    field({ id: "f-status", name: "status", label: "Status", options: [["", "All"], ...["confirmed", "pending", "held", "cancelled", "declined", "expired"].map((s) => [s, statusLabel(s)])] }),
    field({ id: "f-from", name: "from", label: "From", type: "date" }),
    field({ id: "f-to", name: "to", label: "To", type: "date" }),
    field({ id: "f-q", name: "q", label: "Search", type: "search", attrs: { placeholder: "Reference, name, email" } }),
    h("button", { type: "submit" }, "Apply filters"),
    h("button", { type: "button", class: "secondary", id: "jump-today", onclick: () => {
      form.elements.around.value = localDay(new Date());
      page = null;
      load();
    } }, "Today"),
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

  // -- the actions ------------------------------------------------------------------------------
  async function done(message) {
    announce(message);
    await load();
    const note = h("p", { class: "notice success", id: "booking-action-result", role: "status" }, message);
    results.prepend(note);
  }

  async function confirmBooking(b) {
    const ok = await confirmDialog({
      title: `Confirm ${b.reference}?`,
      message: h("p", {}, `${b.service_name || b.service} on ${when(b.starts_at)} for ${b.attendee?.name || b.attendee?.email || "the attendee"}. They get an email.`),
      confirmLabel: "Confirm booking",
      action: () => api(`/bookings/${b.id}/confirm`, { method: "POST" }),
    });
    if (ok) await done(`${b.reference} confirmed.`);
  }

  async function declineBooking(b) {
    const r = await formDialog({
      title: `Decline ${b.reference}?`,
      intro: "The slot becomes free and the attendee gets an email with your reason.",
      fields: field({ id: "decline-reason", name: "reason", label: "Reason (sent to the attendee)", type: "textarea", attrs: { maxlength: "500" } }),
      submitLabel: "Decline booking",
      danger: true,
      action: (f) => api(`/bookings/${b.id}/decline`, { method: "POST", body: { reason: f.elements.reason.value.trim() } }),
    });
    if (r) await done(`${b.reference} declined.`);
  }

  async function cancelBooking(b) {
    const inside = b.cancellable_until && new Date(b.cancellable_until) < new Date();
    const force = h("input", { type: "checkbox", name: "force", id: "cancel-force", checked: inside });
    const r = await formDialog({
      title: `Cancel ${b.reference}?`,
      intro: `Attendee and provider get a cancellation email. ${inside
        ? "It is inside the service's cancellation cutoff: a customer could no longer cancel it."
        : `Customers may cancel it themselves until ${when(b.cancellable_until)}.`}`,
      fields: [
        field({ id: "cancel-reason", name: "reason", label: "Reason (sent to the attendee)", type: "textarea", attrs: { maxlength: "500" } }),
        h("div", { class: "field" }, h("label", { class: "inline", for: "cancel-force" }, force,
          " Override the cancellation cutoff (an admin's decision, recorded in the audit trail)")),
      ],
      submitLabel: "Cancel booking",
      danger: true,
      action: (f) => {
        const q = new URLSearchParams();
        if (f.elements.force.checked) q.set("force", "true");
        return api(`/bookings/${b.id}?${q}`, { method: "DELETE", body: { reason: f.elements.reason.value.trim() } });
      },
    });
    if (r) await done(`${b.reference} cancelled.`);
  }

  async function moveBooking(b) {
    const team = (serviceBySlug[b.service]?.resources || [b.resource]).map((r) => r.slug || r);
    const suggestions = h("div", { id: "move-alternatives", "aria-live": "polite" });
    const start = field({ id: "move-start", name: "starts_at", label: `New start (your time, ${zone})`, type: "datetime-local",
      required: true, attrs: { value: localInput(b.starts_at), step: "900" } });
    const resourceField = field({ id: "move-resource", name: "resource", label: "Resource",
      options: team.map((slug) => [slug, resourceBySlug[slug]?.name || slug]) });
    resourceField.querySelector("select").value = b.resource;
    const r = await formDialog({
      title: `Move ${b.reference}`,
      intro: `Now: ${when(b.starts_at)} on ${b.resource_name || b.resource}. Attendee and provider get the updated invitation. The database checks opening hours, closures and other bookings; the cancellation cutoff does not apply to you.`,
      fields: [start, resourceField],
      extra: suggestions,
      submitLabel: "Move booking",
      action: (f) => {
        f.onAlternatives = (alts) => clear(suggestions, h("p", {}, "Free nearby (this service, any of its resources):"),
          h("div", { class: "actions" }, alts.slice(0, 6).map((a) => h("button", { type: "button", class: "secondary",
            onclick: () => { f.elements.starts_at.value = localInput(a.starts_at); f.elements.starts_at.focus(); } }, when(a.starts_at)))));
        const value = f.elements.starts_at.value;
        if (!value) throw new ApiError(422, { detail: "Choose the new start.", errors: { starts_at: "Choose the new start." } });
        return api(`/bookings/${b.id}/move`, { method: "POST", body: { starts_at: new Date(value).toISOString(), resource: f.elements.resource.value } });
      },
    });
    if (r) await done(`${b.reference} moved to ${when(r.starts_at)} on ${r.resource_name || r.resource}.`);
  }

  async function editNotes(b) {
    const notes = field({ id: "notes-text", name: "notes", label: "Notes (seen by admins, the provider and the attendee)", type: "textarea", attrs: { maxlength: "2000" } });
    notes.querySelector("textarea").value = b.notes || "";
    const r = await formDialog({
      title: `Notes of ${b.reference}`,
      fields: notes,
      submitLabel: "Save notes",
      action: (f) => api(`/bookings/${b.id}`, { method: "PATCH", body: { notes: f.elements.notes.value } }),
    });
    if (r) await done(`Notes of ${b.reference} saved.`);
  }

  function actions(b) {
    const btn = (label, fn, cls = "secondary") => h("button", { type: "button", class: `${cls} small`,
      "aria-label": `${label} ${b.reference}`, onclick: () => fn(b) }, label);
    return h("div", { class: "row-actions" },
      b.status === "pending" ? [btn("Confirm", confirmBooking, ""), btn("Decline", declineBooking)] : null,
      ACTIVE.includes(b.status) ? [btn("Move", moveBooking), btn("Cancel", cancelBooking)] : null,
      btn("Notes", editNotes),
      h("button", { type: "button", class: "secondary small", "aria-label": `Audit trail of ${b.reference}`,
        onclick: () => showTab("audit", b.id) }, "Audit"));
  }

  async function load() {
    const q = query();
    const day = form.elements.around.value || localDay(new Date());
    q.set("around", new Date(`${day}T00:00`).toISOString());
    if (page !== null) q.set("page", String(page));
    clear(results, h("p", {}, spinner(), " Loading…"));
    let body;
    try {
      body = await api(`/admin/bookings?${q}`);
    } catch (e) {
      clear(results, h("p", { class: "notice error" }, e.message));
      return;
    }
    const meta = body.meta || {};
    page = meta.page ?? page;
    const rows = list(body);
    clear(results, table("Bookings", ["Reference", "Starts", "Service", "Resource", "Status", "Attendee", "Seats", "Price", "Notes", "Actions"],
      rows.map((b) => h("tr", { "data-reference": b.reference, "data-status": b.status },
        // data-label: a phone shows each row as a card, each cell under its column's name (app.css)
        h("td", { "data-label": "Reference" }, h("code", {}, b.reference)), h("td", { "data-label": "Starts" }, when(b.starts_at)),
        h("td", { "data-label": "Service" }, b.service_name || b.service), h("td", { "data-label": "Resource" }, b.resource_name || b.resource),
        h("td", { "data-label": "Status" }, h("span", { class: `status status-${b.status}` }, statusLabel(b.status))),
        h("td", { "data-label": "Attendee" }, [b.attendee?.name, b.attendee?.email].filter(Boolean).join(" · "), answersLine(b) && [h("br"), answersLine(b)]),
        h("td", { "data-label": "Seats" }, String(b.seats ?? "")),
        h("td", { "data-label": "Price" }, money(b.price, b.currency)), h("td", { class: "notes", "data-label": "Notes" }, b.notes || ""),
        h("td", { "data-label": "Actions" }, actions(b)))),
      meta.page >= (meta.around_page || 1) ? `No bookings from ${new Date(`${day}T00:00`).toLocaleDateString()} on match these filters.` : "No bookings match these filters."));
    const first = meta.page <= 1;
    const last = meta.page >= meta.total_pages;
    clear(pager,
      h("button", { type: "button", class: "secondary", id: "page-earlier", disabled: first, onclick: () => { page -= 1; load(); } }, "← Earlier"),
      h("span", { id: "page-info" }, meta.total !== undefined
        ? `Page ${meta.page} of ${Math.max(meta.total_pages, 1)} · ${meta.total} bookings, ${meta.before ?? 0} before ${new Date(`${day}T00:00`).toLocaleDateString()}`
        : ""),
      h("button", { type: "button", class: "secondary", id: "page-later", disabled: last, onclick: () => { page += 1; load(); } }, "Later →"));
  }
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    page = null;
    load();
  });
  form.elements.around.addEventListener("change", () => {
    page = null;
    load();
  });
  clear(panel, h("h2", {}, "Bookings"), form, pager, results);
  await load();
}
