// The admin "Resources" tab: resources, their settings (owner by email, capacity, time
// zone, location; deactivate and reactivate), their weekly hours and closures.
import { api } from "../api.js";
import { allZones } from "../time.js";
import { $, $$, announce, clear, confirmDialog, field, h, showFieldErrors, spinner } from "../ui.js";
import { zone, WEEKDAYS, list, when, table, submitWith, autoSlug } from "./admin-common.js";

export async function resourcesPanel(panel, notice) {
  const [resources, kinds] = await Promise.all([
    api("/admin/resources").then(list), api("/admin/resource-kinds").then(list)]);
  const editor = h("div", { id: "resource-editor" });
  const again = (message) => resourcesPanel(panel, h("p", { class: "notice success", id: "resource-saved", role: "status" }, message));
  clear(panel,
    h("h2", {}, "Resources"),
    notice instanceof Node ? notice : null,
    table("Resources", ["Name", "Slug", "Kind", "Capacity", "Time zone", "Owner", "Location", "Status", "Actions"], resources.map((r) =>
      h("tr", { "data-resource": r.slug, class: r.active === false ? "inactive" : null },
        h("td", {}, r.name), h("td", {}, h("code", {}, r.slug)), h("td", {}, r.kind), h("td", {}, String(r.capacity)),
        h("td", {}, r.timezone), h("td", {}, r.owner || ""), h("td", {}, r.location || ""),
        h("td", {}, r.active === false ? "Inactive" : "Active"),
        h("td", {}, h("div", { class: "row-actions" },
          h("button", { type: "button", class: "secondary small", "aria-label": `Edit resource ${r.name}`,
            onclick: () => settingsEditor(editor, r, kinds, again) }, "Edit"),
          h("button", {
            type: "button", class: "secondary small", "aria-label": `Edit hours and closures of ${r.name}`,
            onclick: () => resourceEditor(editor, r),
          }, "Hours & closures"),
          h("button", { type: "button", class: "secondary small",
            "aria-label": `${r.active === false ? "Reactivate" : "Deactivate"} resource ${r.name}`,
            onclick: () => setActive(r, r.active === false, again) }, r.active === false ? "Reactivate" : "Deactivate"))))),
    "No resources yet."),
    editor,
    newResourceForm(kinds, () => resourcesPanel(panel)));
}

// Deactivate or reactivate, with the effects in words (the database's rule: bookings stay).
async function setActive(r, active, again) {
  let answer;
  const ok = await confirmDialog({
    title: active ? `Reactivate ${r.name}?` : `Deactivate ${r.name}?`,
    message: active ? h("p", {}, "It offers slots again for the services it delivers.")
      : h("ul", { class: "effects" },
        h("li", {}, "It offers no new slots for any service."),
        h("li", {}, "Bookings already on it stay (nobody is emailed); move or cancel them from Bookings if needed.")),
    confirmLabel: active ? "Reactivate" : "Deactivate",
    danger: !active,
    action: async () => {
      answer = active ? await api(`/admin/resources/${r.id}`, { method: "PATCH", body: { active: true } })
        : await api(`/admin/resources/${r.id}`, { method: "DELETE" });
    },
  });
  if (!ok) return;
  const n = answer?.upcoming_bookings;
  await again(active ? `${r.name} is active again.`
    : `${r.name} deactivated.${n ? ` ${n} upcoming booking${n === 1 ? "" : "s"} on it stay${n === 1 ? "s" : ""}: see Bookings.` : ""}`);
}

// The settings of one resource. The database judges them: a capacity below the seats that
// upcoming bookings hold, an unknown owner email or zone come back as a 422 on the field.
function settingsEditor(editor, r, kinds, again) {
  const zones = allZones();
  const submit = h("button", { type: "submit", id: "save-resource" }, "Save resource");
  const form = h("form", { class: "panel", novalidate: true, "aria-labelledby": "edit-res-h", id: "edit-resource" },
    h("h3", { id: "edit-res-h", tabindex: "-1" }, `Edit ${r.name}`),
    h("p", { class: "form-error", role: "alert" }),
    h("div", { class: "row" },
      field({ id: "er-name", name: "name", label: "Resource name", required: true, attrs: { value: r.name } }),
      field({ id: "er-slug", name: "slug", label: "Resource slug", required: true, attrs: { value: r.slug } }),
      field({ id: "er-kind", name: "kind", label: "Kind", options: kinds.map((k) => [k, k]) }),
      field({ id: "er-capacity", name: "capacity", label: "Capacity (seats at once)", type: "number", attrs: { min: "1", value: String(r.capacity) },
        hint: "Lowering it is refused while upcoming bookings hold the seats above it." }),
      field({ id: "er-timezone", name: "timezone", label: "Resource time zone", options: (zones.includes(r.timezone) ? zones : [r.timezone, ...zones]).map((z) => [z, z]),
        hint: "Opening hours are read in this zone; existing bookings keep their instants." })),
    h("div", { class: "row" },
      field({ id: "er-owner", name: "owner", label: "Provider account (email)", type: "email", attrs: { value: r.owner || "" },
        hint: "The user who runs this resource: sees and confirms its bookings. Empty: none." }),
      field({ id: "er-email", name: "email", label: "Notification email", type: "email", attrs: { value: r.email || "" },
        hint: "Where provider emails go; empty: the provider account's email." }),
      field({ id: "er-location", name: "location", label: "Resource location", attrs: { value: r.location || "" } })),
    field({ id: "er-description", name: "description", label: "Resource description", type: "textarea" }),
    h("div", { class: "actions" }, submit,
      h("button", { type: "button", class: "secondary", onclick: () => clear(editor) }, "Close")));
  form.elements.kind.value = r.kind;
  form.elements.timezone.value = r.timezone;
  form.elements.description.value = r.description || "";
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = form.elements;
    const body = { name: f.name.value.trim(), slug: f.slug.value.trim(), kind: f.kind.value,
      capacity: Number(f.capacity.value), timezone: f.timezone.value, owner: f.owner.value.trim() || null,
      email: f.email.value.trim() || null, location: f.location.value.trim() || null, description: f.description.value.trim() };
    const saved = await submitWith(form, submit, () => api(`/admin/resources/${r.id}`, { method: "PATCH", body }));
    if (saved) await again(`${saved.name} saved.`);
  });
  clear(editor, form);
  $("#edit-res-h").focus();
}

function newResourceForm(kinds, done) {
  const zones = allZones();
  const submit = h("button", { type: "submit" }, "Add resource");
  const form = h("form", { class: "panel", novalidate: true, "aria-labelledby": "new-res-h" },
    h("h3", { id: "new-res-h" }, "Add a resource"),
    h("p", { class: "form-error", role: "alert" }),
    h("div", { class: "row" },
      field({ id: "res-name", name: "name", label: "Name", required: true }),
      field({ id: "res-slug", name: "slug", label: "Slug", required: true, hint: "Lowercase letters, digits, dashes." }),
      field({ id: "res-kind", name: "kind", label: "Kind", options: kinds.map((k) => [k, k]) }),  // the database's list
      field({ id: "res-capacity", name: "capacity", label: "Capacity", type: "number", attrs: { min: "1", value: "1" } }),
      field({ id: "res-timezone", name: "timezone", label: "Time zone", options: zones.map((z) => [z, z]) }),
      field({ id: "res-location", name: "location", label: "Location" })),
    submit);
  form.elements.timezone.value = zone;
  autoSlug(form);
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
