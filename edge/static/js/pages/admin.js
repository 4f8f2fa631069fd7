// "/admin": resources (weekly hours, closures), services, bookings (filters, CSV),
// notification outbox (retry), the audit trail of a booking, and the mail sink
// (js/pages/admin-mail.js). Admins only.
import { ApiError, api, download } from "../api.js";
import { setupPage } from "../layout.js";
import { mailPanel } from "./admin-mail.js";
import { allZones, browserZone } from "../time.js";
import { $, $$, announce, clear, field, formatDateTime, h, money, showFieldErrors, spinner, statusLabel } from "../ui.js";

const main = $("#main");
const zone = browserZone();
const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const TABS = [
  ["resources", "Resources"],
  ["services", "Services"],
  ["bookings", "Bookings"],
  ["notifications", "Notifications"],
  ["audit", "Audit trail"],
  ["mail", "Mail"],
];
const list = (body) => (Array.isArray(body) ? body : body?.data || body?.items || []);
const when = (iso) => (iso ? formatDateTime(iso, zone) : "");

function table(caption, headers, rows, empty = "Nothing to show.") {
  if (!rows.length) return h("p", { class: "empty" }, empty);
  return h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": caption },
    h("table", {}, h("caption", { class: "sr-only" }, caption),
      h("thead", {}, h("tr", {}, headers.map((x) => h("th", { scope: "col" }, x)))),
      h("tbody", {}, rows)));
}

async function submitWith(form, button, fn) {
  const err = $(".form-error", form);
  if (err) err.textContent = "";
  showFieldErrors(form, {});
  button.disabled = true;
  button.prepend(spinner());
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ApiError && Object.keys(e.errors).length) showFieldErrors(form, e.errors, err);
    else if (err) err.textContent = e.message;
    return undefined;
  } finally {
    button.disabled = false;
    button.querySelector(".spinner")?.remove();
  }
}

// ---------------------------------------------------------------- resources

async function resourcesPanel(panel) {
  const resources = list(await api("/admin/resources"));
  const editor = h("div", { id: "resource-editor" });
  clear(panel,
    h("h2", {}, "Resources"),
    table("Resources", ["Name", "Slug", "Kind", "Capacity", "Time zone", "Location", ""], resources.map((r) =>
      h("tr", { "data-resource": r.slug },
        h("td", {}, r.name), h("td", {}, h("code", {}, r.slug)), h("td", {}, r.kind), h("td", {}, String(r.capacity)),
        h("td", {}, r.timezone), h("td", {}, r.location || ""),
        h("td", {}, h("button", {
          type: "button", class: "secondary", "aria-label": `Edit hours and closures of ${r.name}`,
          onclick: () => resourceEditor(editor, r),
        }, "Hours & closures")))), "No resources yet."),
    editor,
    newResourceForm(() => resourcesPanel(panel)));
}

function newResourceForm(done) {
  const zones = allZones();
  const submit = h("button", { type: "submit" }, "Add resource");
  const form = h("form", { class: "panel", novalidate: true, "aria-labelledby": "new-res-h" },
    h("h3", { id: "new-res-h" }, "Add a resource"),
    h("p", { class: "form-error", role: "alert" }),
    h("div", { class: "row" },
      field({ id: "res-name", name: "name", label: "Name", required: true }),
      field({ id: "res-slug", name: "slug", label: "Slug", required: true, hint: "Lowercase letters, digits, dashes." }),
      field({ id: "res-kind", name: "kind", label: "Kind", options: ["room", "person", "team", "venue", "equipment"].map((k) => [k, k]) }),
      field({ id: "res-capacity", name: "capacity", label: "Capacity", type: "number", attrs: { min: "1", value: "1" } }),
      field({ id: "res-timezone", name: "timezone", label: "Time zone", options: zones.map((z) => [z, z]) }),
      field({ id: "res-location", name: "location", label: "Location" })),
    submit);
  form.elements.timezone.value = zone;
  form.elements.name.addEventListener("input", () => {
    if (!form.elements.slug.dataset.touched) form.elements.slug.value = slugify(form.elements.name.value);
  });
  form.elements.slug.addEventListener("input", () => { form.elements.slug.dataset.touched = "1"; });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = form.elements;
    const body = { name: f.name.value.trim(), slug: f.slug.value.trim(), kind: f.kind.value,
      capacity: Number(f.capacity.value || 1), timezone: f.timezone.value, location: f.location.value.trim() || null };
    const created = await submitWith(form, submit, () => api("/admin/resources", { method: "POST", body }));
    if (created) {
      announce(`Resource ${body.name} added.`);
      done();
    }
  });
  return form;
}

function hoursRow(dayIndex, rule, container) {
  const id = `${dayIndex}-${Math.random().toString(36).slice(2, 7)}`;
  const row = h("div", { class: "hours-row", "data-weekday": String(dayIndex + 1) },
    h("span", { class: "day", "aria-hidden": "true" }, WEEKDAYS[dayIndex]),
    h("label", { class: "sr-only", for: `from-${id}` }, `${WEEKDAYS[dayIndex]} opens at`),
    h("input", { type: "time", id: `from-${id}`, class: "from", step: "900", value: (rule.start || rule.start_time || "09:00").slice(0, 5) }),
    h("span", { "aria-hidden": "true" }, "–"),
    h("label", { class: "sr-only", for: `to-${id}` }, `${WEEKDAYS[dayIndex]} closes at`),
    h("input", { type: "time", id: `to-${id}`, class: "to", step: "900", value: (rule.end || rule.end_time || "17:00").slice(0, 5) }),
    h("button", { type: "button", class: "link", "aria-label": `Remove these ${WEEKDAYS[dayIndex]} hours`,
      onclick: () => row.remove() }, "Remove"));
  container.append(row);
  return row;
}

async function resourceEditor(editor, r) {
  clear(editor, h("p", {}, spinner(), " Loading…"));
  let rules;
  let closures;
  try {
    [rules, closures] = await Promise.all([api(`/admin/resources/${r.id}/rules`), api(`/admin/resources/${r.id}/closures`)]);
  } catch (e) {
    clear(editor, h("p", { class: "notice error" }, e.message));
    return;
  }
  rules = list(rules.rules || rules);
  closures = list(closures.closures || closures);
  const days = WEEKDAYS.map((name, i) => {
    const box = h("div", { class: "hours-day", role: "group", "aria-label": name });
    for (const rule of rules.filter((x) => Number(x.weekday) === i + 1)) hoursRow(i, rule, box);
    return h("div", {}, box, h("button", { type: "button", class: "link", "aria-label": `Add hours on ${name}`,
      onclick: () => hoursRow(i, {}, box).querySelector("input").focus() }, `+ ${name}`));
  });
  const saveHours = h("button", { type: "submit" }, "Save weekly hours");
  const hoursForm = h("form", { class: "panel", "aria-labelledby": "hours-h", novalidate: true },
    h("h3", { id: "hours-h", tabindex: "-1" }, `Weekly hours of ${r.name} (${r.timezone})`),
    h("p", { class: "form-error", role: "alert" }),
    h("p", { class: "notice success", role: "status", id: "hours-saved" }),
    h("div", { class: "hours-editor" }, days), h("div", { class: "actions" }, saveHours));
  hoursForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const body = $$(".hours-row", hoursForm).map((row) => ({
      weekday: Number(row.dataset.weekday), start: $(".from", row).value, end: $(".to", row).value,
    }));
    $("#hours-saved").textContent = "";
    const ok = await submitWith(hoursForm, saveHours, () => api(`/admin/resources/${r.id}/rules`, { method: "PUT", body: { rules: body } }));
    if (ok !== undefined) $("#hours-saved").textContent = "Weekly hours saved.";
  });

  const addClosure = h("button", { type: "submit" }, "Add closure");
  const closureList = h("div", {});
  const renderClosures = () => clear(closureList, table(`Closures of ${r.name}`, ["From", "Until", "Reason", ""],
    closures.map((c) => h("tr", {},
      h("td", {}, when(c.starts_at || c.from)), h("td", {}, when(c.ends_at || c.until)), h("td", {}, c.reason || ""),
      h("td", {}, h("button", { type: "button", class: "secondary", "aria-label": `Delete closure ${c.reason || ""}`.trim(),
        onclick: async () => {
          await api(`/admin/resources/${r.id}/closures/${c.id}`, { method: "DELETE" });
          closures = closures.filter((x) => x.id !== c.id);
          renderClosures();
        } }, "Delete")))), "No closures planned."));
  renderClosures();
  const closureForm = h("form", { class: "panel", "aria-labelledby": "closures-h", novalidate: true },
    h("h3", { id: "closures-h" }, `Closures of ${r.name}`),
    closureList,
    h("p", { class: "form-error", role: "alert" }),
    h("div", { class: "row" },
      field({ id: "closure-from", name: "starts_at", label: "From (your local time)", type: "datetime-local", required: true }),
      field({ id: "closure-to", name: "ends_at", label: "Until (your local time)", type: "datetime-local", required: true }),
      field({ id: "closure-reason", name: "reason", label: "Reason" })),
    addClosure);
  closureForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = closureForm.elements;
    const errors = {};
    if (!f.starts_at.value) errors.starts_at = "Choose when the closure starts.";
    if (!f.ends_at.value) errors.ends_at = "Choose when it ends.";
    else if (f.starts_at.value && f.ends_at.value <= f.starts_at.value) errors.ends_at = "Must be after the start.";
    if (showFieldErrors(closureForm, errors)) return;
    const body = { starts_at: new Date(f.starts_at.value).toISOString(), ends_at: new Date(f.ends_at.value).toISOString(),
      reason: f.reason.value.trim() };
    const created = await submitWith(closureForm, addClosure, () => api(`/admin/resources/${r.id}/closures`, { method: "POST", body }));
    if (created) {
      closures.push(created.closure || created);
      renderClosures();
      closureForm.reset();
    }
  });
  clear(editor, hoursForm, closureForm);
  $("#hours-h").focus();
}

// ---------------------------------------------------------------- services

function slugify(s) {
  return s.toLowerCase().normalize("NFKD").replace(/[^\w\s-]/g, "").trim().replace(/[\s_]+/g, "-").replace(/-+/g, "-").slice(0, 63);
}

async function servicesPanel(panel) {
  const [services, resources] = await Promise.all([api("/admin/services?limit=50"), api("/admin/resources")]);
  const result = h("div", { id: "service-created", role: "status" });
  const submit = h("button", { type: "submit", id: "create-service" }, "Create service");
  const form = h("form", { class: "panel", novalidate: true, "aria-labelledby": "new-svc-h" },
    h("h3", { id: "new-svc-h" }, "Create a service"),
    h("p", { class: "form-error", role: "alert" }),
    h("div", { class: "row" },
      field({ id: "svc-name", name: "name", label: "Name", required: true }),
      field({ id: "svc-slug", name: "slug", label: "Public link slug", required: true, hint: "Used in /book/<slug>." })),
    field({ id: "svc-description", name: "description", label: "Description", type: "textarea" }),
    h("div", { class: "row" },
      field({ id: "svc-duration", name: "duration_minutes", label: "Duration (minutes)", type: "number", required: true, attrs: { min: "15", step: "15", value: "30" } }),
      field({ id: "svc-step", name: "slot_step_minutes", label: "Slot every (minutes)", type: "number", attrs: { min: "15", step: "15", value: "30" } }),
      field({ id: "svc-price", name: "price", label: "Price", type: "number", attrs: { min: "0", step: "0.01", value: "0" } }),
      field({ id: "svc-currency", name: "currency", label: "Currency", attrs: { value: "EUR", maxlength: "3" } }),
      field({ id: "svc-seats", name: "max_seats_per_booking", label: "Seats per booking", type: "number", attrs: { min: "1", value: "1" } }),
      field({ id: "svc-visibility", name: "visibility", label: "Visibility", options: [["public", "Public"], ["members", "Members only"], ["unlisted", "Unlisted"]] })),
    h("div", { class: "row" },
      field({ id: "svc-buffer", name: "buffer_after_minutes", label: "Buffer after (minutes)", type: "number", attrs: { min: "0", step: "15", value: "0" } }),
      field({ id: "svc-notice", name: "min_notice_minutes", label: "Minimum notice (minutes)", type: "number", attrs: { min: "0", value: "0" } }),
      field({ id: "svc-cutoff", name: "cancellation_cutoff_minutes", label: "Cancellation cutoff (minutes before start)", type: "number", attrs: { min: "0", value: "60" } })),
    h("div", { class: "row" },
      field({ id: "svc-starts", name: "starts_at", label: "One-off event start (optional, your local time)", type: "datetime-local",
        hint: "Leave empty for bookable opening hours; set it for a single event (concert, class)." }),
      field({ id: "svc-venue", name: "venue", label: "Venue" })),
    h("div", { class: "field" },
      h("label", { class: "inline" }, h("input", { type: "checkbox", name: "requires_confirmation", id: "svc-confirm" }), " Bookings need confirmation")),
    h("fieldset", { class: "field", "aria-describedby": "resources-error" },
      h("legend", {}, "Delivered by"),
      list(resources).length ? list(resources).map((r) => h("label", { class: "inline" },
        h("input", { type: "checkbox", name: "resources", value: r.slug }), ` ${r.name} (${r.timezone})`)) : h("p", {}, "Add a resource first."),
      h("span", { class: "error", id: "resources-error" })),
    submit);
  form.elements.name.addEventListener("input", () => {
    if (!form.elements.slug.dataset.touched) form.elements.slug.value = slugify(form.elements.name.value);
  });
  form.elements.slug.addEventListener("input", () => { form.elements.slug.dataset.touched = "1"; });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = form.elements;
    const chosen = $$('input[name="resources"]:checked', form).map((x) => x.value);
    const errors = {};
    if (!f.name.value.trim()) errors.name = "Enter a name.";
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(f.slug.value)) errors.slug = "Lowercase letters, digits and dashes only.";
    if (Number(f.duration_minutes.value) % 15 || Number(f.duration_minutes.value) <= 0) errors.duration_minutes = "Use a multiple of 15 minutes.";
    if (showFieldErrors(form, errors)) return;
    $("#resources-error").textContent = chosen.length ? "" : "Choose at least one resource.";
    if (!chosen.length) return;
    const body = {
      name: f.name.value.trim(), slug: f.slug.value.trim(), description: f.description.value.trim(),
      duration_minutes: Number(f.duration_minutes.value), slot_step_minutes: Number(f.slot_step_minutes.value || f.duration_minutes.value),
      price: f.price.value || "0", currency: f.currency.value.trim().toUpperCase() || "EUR",
      max_seats_per_booking: Number(f.max_seats_per_booking.value || 1), visibility: f.visibility.value,
      requires_confirmation: f.requires_confirmation.checked, resources: chosen,
      buffer_after_minutes: Number(f.buffer_after_minutes.value || 0), min_notice_minutes: Number(f.min_notice_minutes.value || 0),
      cancellation_cutoff_minutes: Number(f.cancellation_cutoff_minutes.value || 0),
    };
    if (f.starts_at.value) body.starts_at = new Date(f.starts_at.value).toISOString();
    if (f.venue.value.trim()) body.venue = f.venue.value.trim();
    const created = await submitWith(form, submit, () => api("/admin/services", { method: "POST", body }));
    if (!created) return;
    const svc = created.service || created;
    const link = svc.link || svc.public_url || `${location.origin}/book/${svc.slug || body.slug}`;
    const path = new URL(link, location.origin).pathname;
    await servicesPanel(panel);
    clear($("#service-created"), h("div", { class: "notice success" },
      h("p", {}, h("strong", {}, `Service “${body.name}” created.`), " Its public booking link:"),
      h("p", { class: "public-link" }, h("a", { href: path, id: "public-link" }, link))));
    $("#public-link").focus();
  });
  clear(panel,
    h("h2", {}, "Services"),
    result,
    table("Services", ["Name", "Public link", "Duration", "Price", "Visibility", "Resources"], list(services).map((s) =>
      h("tr", { "data-service": s.slug },
        h("td", {}, s.name), h("td", {}, h("a", { href: `/book/${s.slug}` }, `/book/${s.slug}`)),
        h("td", {}, s.duration_minutes ? `${s.duration_minutes} min` : ""), h("td", {}, money(s.price, s.currency)),
        h("td", {}, s.visibility || ""), h("td", {}, (s.resources || []).map((r) => r.slug || r).join(", ")))), "No services yet."),
    form);
}

// ---------------------------------------------------------------- bookings

async function bookingsPanel(panel) {
  const [services, resources] = await Promise.all([api("/admin/services?limit=50").catch(() => []), api("/admin/resources").catch(() => [])]);
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
        h("td", {}, [b.attendee?.name, b.attendee?.email].filter(Boolean).join(" · ")), h("td", {}, String(b.seats ?? "")),
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

// ---------------------------------------------------------------- notifications

async function notificationsPanel(panel) {
  const status = h("select", { id: "n-status", name: "status" },
    [["", "All"], ["pending", "Pending"], ["sending", "Sending"], ["sent", "Sent"], ["failed", "Failed"]].map(([v, t]) => h("option", { value: v }, t)));
  const results = h("div", {});
  async function load() {
    const q = status.value ? `?status=${status.value}` : "";
    let rows;
    try {
      rows = list(await api(`/admin/notifications${q}`));
    } catch (e) {
      clear(results, h("p", { class: "notice error" }, e.message));
      return;
    }
    clear(results, table("Notification outbox", ["Created", "Kind", "To", "Status", "Attempts", "Last error", ""], rows.map((n) =>
      h("tr", { "data-notification": n.id },
        h("td", {}, when(n.created_at)), h("td", {}, n.kind), h("td", {}, n.recipient || n.to || n.email || ""),
        h("td", {}, h("span", { class: `status status-${n.status}` }, n.status)), h("td", {}, String(n.attempts ?? "")),
        h("td", {}, n.status === "sent" ? "" : n.last_error || ""),  // a sent row's old error is history
        h("td", {}, n.status === "failed"
          ? h("button", { type: "button", class: "secondary", "aria-label": `Retry ${n.kind} to ${n.recipient || n.to || ""}`.trim(),
            onclick: async (e) => {
              e.currentTarget.disabled = true;
              try {
                await api(`/admin/notifications/${n.id}/retry`, { method: "POST" });
                announce("Queued for another attempt.");
              } catch (err) {
                announce(`Retry failed: ${err.message}`);
              }
              load();
            } }, "Retry") : null))), "The outbox is empty."));
  }
  status.addEventListener("change", load);
  clear(panel, h("h2", {}, "Notification outbox"),
    h("div", { class: "toolbar" }, h("div", { class: "field" }, h("label", { for: "n-status" }, "Status"), status),
      h("button", { type: "button", class: "secondary", onclick: load }, "Refresh")),
    results);
  await load();
}

// ---------------------------------------------------------------- audit

async function auditPanel(panel, booking = "") {
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
      h("tr", {}, h("td", {}, String(a.seq ?? a.id ?? "")), h("td", {}, when(a.at)), h("td", {}, a.action || ""),
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

// ---------------------------------------------------------------- tabs

const PANELS = { resources: resourcesPanel, services: servicesPanel, bookings: bookingsPanel,
  notifications: notificationsPanel, audit: auditPanel, mail: mailPanel };

async function showTab(name, arg) {
  for (const t of $$('[role="tab"]')) {
    const on = t.dataset.tab === name;
    t.setAttribute("aria-selected", String(on));
    t.tabIndex = on ? 0 : -1;
  }
  const panel = $("#panel");
  panel.setAttribute("aria-labelledby", `tab-${name}`);
  history.replaceState(null, "", `#${name}`);
  clear(panel, h("p", {}, spinner(), " Loading…"));
  try {
    await PANELS[name](panel, arg);
  } catch (e) {
    clear(panel, h("p", { class: "notice error" }, `Could not load: ${e.message}`));
  }
}

async function start() {
  const user = await setupPage();
  if (!user || user.role !== "admin") {
    clear(main, h("h1", {}, "Admin"), h("p", {}, user ? "This area is for administrators."
      : ["Please ", h("a", { href: "/login?next=/admin" }, "sign in"), " as an administrator."]));
    return;
  }
  const tablist = h("div", { class: "tabs", role: "tablist", "aria-label": "Admin sections" },
    TABS.map(([id, label]) => h("button", { type: "button", role: "tab", id: `tab-${id}`, "data-tab": id,
      "aria-controls": "panel", "aria-selected": "false", tabindex: "-1", onclick: () => showTab(id) }, label)));
  tablist.addEventListener("keydown", (e) => {
    const tabs = $$('[role="tab"]', tablist);
    const i = tabs.indexOf(document.activeElement);
    if (i < 0) return;
    const j = { ArrowRight: (i + 1) % tabs.length, ArrowLeft: (i - 1 + tabs.length) % tabs.length, Home: 0, End: tabs.length - 1 }[e.key];
    if (j === undefined) return;
    e.preventDefault();
    tabs[j].focus();
    showTab(tabs[j].dataset.tab);
  });
  clear(main, h("h1", {}, "Admin"), tablist, h("section", { id: "panel", role: "tabpanel", tabindex: "0" }));
  window.addEventListener("hashchange", () => {
    const name = location.hash.slice(1);
    if (PANELS[name] && $(`#tab-${name}`).getAttribute("aria-selected") !== "true") showTab(name);
  });
  const initial = location.hash.slice(1);
  await showTab(PANELS[initial] ? initial : "resources");
}

start();
