// The admin "Services" tab: the services with their public links; create one, or edit every
// setting of one (its team of resources and visibility too), deactivate and reactivate it.
// The form is built from SECTIONS, one function per section, so a section can be added
// (e.g. booking questions) without touching the others. The database judges every value:
// its 422 shows next to the field, its 409 above the buttons.
import { api } from "../api.js";
import { $, $$, clear, confirmDialog, field, h, money, showFieldErrors } from "../ui.js";
import { list, table, submitWith, autoSlug, when } from "./admin-common.js";
import { bookingFormEditor } from "./admin-questions.js";

const pad = (n) => String(n).padStart(2, "0");
const localInput = (iso) => {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

// Each section: (ctx) => element. ctx = {p: id prefix, s: the service or null, resources}.
// Field names are the API's; values() below reads them back.
const num = (ctx, name, fallback) => ({ value: String(ctx.s ? ctx.s[name] ?? "" : fallback) });
export const SECTIONS = [
  function basics({ p, s }) {
    return h("fieldset", { class: "field" }, h("legend", {}, "What customers book"),
      h("div", { class: "row" },
        field({ id: `${p}name`, name: "name", label: "Name", required: true, attrs: { value: s?.name || "" } }),
        field({ id: `${p}slug`, name: "slug", label: "Public link slug", required: true, attrs: { value: s?.slug || "" },
          hint: s ? "Changing it breaks links already shared." : "Used in /book/<slug>." })),
      field({ id: `${p}description`, name: "description", label: "Description", type: "textarea" }),
      h("div", { class: "row" },
        field({ id: `${p}price`, name: "price", label: "Price", type: "number", attrs: { min: "0", step: "0.01", ...num({ s }, "price", "0") } }),
        field({ id: `${p}currency`, name: "currency", label: "Currency", attrs: { maxlength: "3", value: s?.currency || "EUR" } }),
        field({ id: `${p}visibility`, name: "visibility", label: "Visibility", options: [["public", "Public"], ["members", "Members only"], ["unlisted", "Unlisted"]],
          hint: "Public: listed, guests may book. Members only: listed to signed-in members. Unlisted: only its link." })));
  },
  function timing(ctx) {
    const { p, s } = ctx;
    return h("fieldset", { class: "field" }, h("legend", {}, "Time"),
      h("div", { class: "row" },
        field({ id: `${p}duration`, name: "duration_minutes", label: "Duration (minutes)", type: "number", required: true, attrs: { min: "15", step: "15", ...num(ctx, "duration_minutes", 30) },
          hint: s ? "Existing bookings keep their times; new slots use the new length." : null }),
        field({ id: `${p}step`, name: "slot_step_minutes", label: "Slot every (minutes)", type: "number", attrs: { min: "15", step: "15", ...num(ctx, "slot_step_minutes", 30) } }),
        field({ id: `${p}buffer-before`, name: "buffer_before_minutes", label: "Buffer before (minutes)", type: "number", attrs: { min: "0", step: "15", ...num(ctx, "buffer_before_minutes", 0) } }),
        field({ id: `${p}buffer`, name: "buffer_after_minutes", label: "Buffer after (minutes)", type: "number", attrs: { min: "0", step: "15", ...num(ctx, "buffer_after_minutes", 0) } })),
      h("div", { class: "row" },
        field({ id: `${p}starts`, name: "starts_at", label: "One-off event start (optional, your local time)", type: "datetime-local",
          attrs: s?.starts_at ? { value: localInput(s.starts_at) } : {},
          hint: "Leave empty for bookable opening hours; set it for a single event (concert, class)." }),
        field({ id: `${p}venue`, name: "venue", label: "Venue", attrs: { value: s?.venue || "" } })));
  },
  function rules(ctx) {
    const { p, s } = ctx;
    return h("fieldset", { class: "field" }, h("legend", {}, "Booking rules"),
      h("div", { class: "row" },
        field({ id: `${p}seats`, name: "max_seats_per_booking", label: "Seats per booking", type: "number", attrs: { min: "1", ...num(ctx, "max_seats_per_booking", 1) } }),
        field({ id: `${p}notice`, name: "min_notice_minutes", label: "Minimum notice (minutes)", type: "number", attrs: { min: "0", ...num(ctx, "min_notice_minutes", 0) } }),
        field({ id: `${p}advance`, name: "max_advance_days", label: "Bookable up to (days ahead)", type: "number", attrs: { min: "1", ...num(ctx, "max_advance_days", 60) } }),
        field({ id: `${p}cutoff`, name: "cancellation_cutoff_minutes", label: "Cancellation cutoff (minutes before start)", type: "number", attrs: { min: "0", ...num(ctx, "cancellation_cutoff_minutes", 60) } }),
        field({ id: `${p}max-active`, name: "max_active_per_attendee", label: "Active bookings per attendee (at most)", type: "number",
          hint: "Empty: no limit. Counted per account, or per email for guests.", attrs: { min: "1", max: "1000", ...num(ctx, "max_active_per_attendee", "") } })),
      h("div", { class: "field" },
        h("label", { class: "inline" }, h("input", { type: "checkbox", name: "requires_confirmation", id: `${p}confirm`, checked: Boolean(s?.requires_confirmation) }),
          " Bookings need confirmation"),
        s ? h("span", { class: "hint" }, " Bookings already made keep their status.") : null));
  },
  function team({ p, s, resources }) {
    const chosen = new Set(s?.resources || []);
    return h("fieldset", { class: "field", "aria-describedby": `${p}resources-error` },
      h("legend", {}, "Delivered by"),
      s ? h("p", { class: "hint" }, "Bookings on a resource you remove stay where they are; it gets no new ones for this service.") : null,
      resources.length ? resources.map((r) => h("label", { class: "inline" },
        h("input", { type: "checkbox", name: "resources", value: r.slug, checked: chosen.has(r.slug) }),
        ` ${r.name} (${r.timezone})${r.active === false ? " (inactive)" : ""}`)) : h("p", {}, "Add a resource first."),
      h("span", { class: "error", id: `${p}resources-error` }));
  },
];

function values(form, editing) {
  const f = form.elements;
  const intOr = (el, fallback) => (el.value === "" ? fallback : Number(el.value));
  const body = {
    name: f.name.value.trim(), slug: f.slug.value.trim(), description: f.description.value.trim(),
    duration_minutes: Number(f.duration_minutes.value), slot_step_minutes: intOr(f.slot_step_minutes, Number(f.duration_minutes.value)),
    price: f.price.value || "0", currency: f.currency.value.trim().toUpperCase() || "EUR",
    max_seats_per_booking: intOr(f.max_seats_per_booking, 1), visibility: f.visibility.value,
    requires_confirmation: f.requires_confirmation.checked, resources: $$('input[name="resources"]:checked', form).map((x) => x.value),
    buffer_before_minutes: intOr(f.buffer_before_minutes, 0), buffer_after_minutes: intOr(f.buffer_after_minutes, 0),
    min_notice_minutes: intOr(f.min_notice_minutes, 0), max_advance_days: intOr(f.max_advance_days, 60),
    cancellation_cutoff_minutes: intOr(f.cancellation_cutoff_minutes, 0),
  };
  if (f.starts_at.value) body.starts_at = new Date(f.starts_at.value).toISOString();
  else if (editing) body.starts_at = null;
  if (f.max_active_per_attendee.value) body.max_active_per_attendee = Number(f.max_active_per_attendee.value);
  else if (editing) body.max_active_per_attendee = null;
  body.venue = f.venue.value.trim() || (editing ? null : undefined);
  if (body.venue === undefined) delete body.venue;
  return body;
}

function serviceForm(resources, s, submitLabel) {
  const p = s ? "edit-" : "svc-";
  const submit = h("button", { type: "submit", id: s ? "save-service" : "create-service" }, submitLabel);
  const form = h("form", { class: "panel", novalidate: true, "aria-labelledby": `${p}h`, id: s ? "edit-service" : "new-service" },
    h("h3", { id: `${p}h`, tabindex: "-1" }, s ? `Edit “${s.name}”` : "Create a service"),
    h("p", { class: "form-error", role: "alert" }),
    SECTIONS.map((section) => section({ p, s, resources })),
    h("div", { class: "actions" }, submit));
  form.elements.visibility.value = s?.visibility || "public";
  if (s) form.elements.description.value = s.description || "";
  return { form, submit, p };
}

function check(form, p) {
  const f = form.elements;
  const errors = {};
  if (!f.name.value.trim()) errors.name = "Enter a name.";
  // the slug pattern and the 15-minute grid are the database's rules: its 422 names the field
  if (showFieldErrors(form, errors)) return false;
  const chosen = $$('input[name="resources"]:checked', form).length;
  $(`#${p}resources-error`).textContent = chosen ? "" : "Choose at least one resource.";
  return chosen > 0;
}

export async function servicesPanel(panel, notice) {
  const [services, resourcesBody] = await Promise.all([api("/admin/services"), api("/admin/resources")]);
  const resources = list(resourcesBody);
  const result = h("div", { id: "service-created", role: "status" }, notice instanceof Node ? notice : null);
  const formSlot = h("div", { id: "service-form" });

  function showCreate() {
    const { form, submit, p } = serviceForm(resources, null, "Create service");
    autoSlug(form);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      if (!check(form, p)) return;
      const body = values(form, false);
      const created = await submitWith(form, submit, () => api("/admin/services", { method: "POST", body }));
      if (!created) return;
      const svc = created.service || created;
      const link = svc.link || svc.public_url || `${location.origin}/book/${svc.slug || body.slug}`;
      const path = new URL(link, location.origin).pathname;
      await servicesPanel(panel, h("div", { class: "notice success" },
        h("p", {}, h("strong", {}, `Service “${body.name}” created.`), " Its public booking link:"),
        h("p", { class: "public-link" }, h("a", { href: path, id: "public-link" }, link))));
      $("#public-link").focus();
    });
    clear(formSlot, form);
  }

  function showEdit(s) {
    const { form, submit } = serviceForm(resources, s, "Save changes");
    const back = h("button", { type: "button", class: "secondary", onclick: () => { showCreate(); } }, "Back to create");
    $(".actions", form).append(back);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      if (!check(form, "edit-")) return;
      const saved = await submitWith(form, submit, () => api(`/admin/services/${s.id}`, { method: "PATCH", body: values(form, true) }));
      if (!saved) return;
      await servicesPanel(panel, h("p", { class: "notice success", id: "service-saved" }, `Service “${saved.name}” saved.`));
    });
    clear(formSlot, form);
    $("#edit-h").focus();
  }

  async function setActive(s, active) {
    let answer;
    const ok = await confirmDialog({
      title: active ? `Reactivate “${s.name}”?` : `Deactivate “${s.name}”?`,
      message: active
        ? h("p", {}, "It is listed again (as its visibility says) and its link offers slots again.")
        : h("ul", { class: "effects" },
          h("li", {}, "It disappears from the dashboard and offers no slots; its link says it is no longer offered."),
          h("li", {}, "Bookings already made stay as they are (nobody is emailed); cancel or move them from Bookings if needed."),
          h("li", {}, "You can reactivate it at any time.")),
      confirmLabel: active ? "Reactivate" : "Deactivate",
      danger: !active,
      action: async () => {
        answer = active ? await api(`/admin/services/${s.id}`, { method: "PATCH", body: { active: true } })
          : await api(`/admin/services/${s.id}`, { method: "DELETE" });
      },
    });
    if (!ok) return;
    const upcoming = answer?.upcoming_bookings;
    await servicesPanel(panel, h("p", { class: "notice success", id: "service-saved" },
      active ? `Service “${s.name}” is active again.`
        : `Service “${s.name}” deactivated.${upcoming ? ` ${upcoming} upcoming booking${upcoming === 1 ? "" : "s"} stay${upcoming === 1 ? "s" : ""}: see Bookings.` : ""}`));
  }

  clear(panel,
    h("h2", {}, "Services"),
    result,
    table("Services", ["Name", "Public link", "Duration", "Price", "Visibility", "Resources", "Status", "Actions"], list(services).map((s) =>
      h("tr", { "data-service": s.slug, class: s.active === false ? "inactive" : null },
        h("td", {}, s.name), h("td", {}, h("a", { href: `/book/${s.slug}` }, `/book/${s.slug}`)),
        h("td", {}, s.duration_minutes ? `${s.duration_minutes} min` : ""), h("td", {}, money(s.price, s.currency)),
        h("td", {}, [s.visibility || "", s.starts_at ? ` · ${when(s.starts_at)}` : ""]), h("td", {}, (s.resources || []).map((r) => r.slug || r).join(", ")),
        h("td", {}, s.active === false ? "Inactive" : "Active"),
        h("td", {}, h("div", { class: "row-actions" },
          h("button", { type: "button", class: "secondary small", "aria-label": `Edit service ${s.name}`, onclick: () => showEdit(s) }, "Edit"),
          s.active === false
            ? h("button", { type: "button", class: "secondary small", "aria-label": `Reactivate service ${s.name}`, onclick: () => setActive(s, true) }, "Reactivate")
            : h("button", { type: "button", class: "secondary small", "aria-label": `Deactivate service ${s.name}`, onclick: () => setActive(s, false) }, "Deactivate"))))),
    "No services yet."),
    formSlot, bookingFormEditor(list(services)));
  showCreate();
}
