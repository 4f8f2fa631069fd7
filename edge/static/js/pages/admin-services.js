// The admin "Services" tab: services, their resources and public links.
import { api } from "../api.js";
import { $, $$, clear, field, h, money, showFieldErrors } from "../ui.js";
import { list, table, submitWith, autoSlug } from "./admin-common.js";
import { bookingFormEditor } from "./admin-questions.js";

export async function servicesPanel(panel) {
  const [services, resources] = await Promise.all([api("/admin/services"), api("/admin/resources")]);
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
  autoSlug(form);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = form.elements;
    const chosen = $$('input[name="resources"]:checked', form).map((x) => x.value);
    const errors = {};
    if (!f.name.value.trim()) errors.name = "Enter a name.";
    // the slug pattern and the 15-minute grid are the database's rules: its 422 names the field
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
    form, bookingFormEditor(list(services)));
}
