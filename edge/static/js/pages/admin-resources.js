// The admin "Resources" tab: resources, their weekly hours and closures.
import { api } from "../api.js";
import { allZones } from "../time.js";
import { $, $$, announce, clear, field, h, showFieldErrors, spinner } from "../ui.js";
import { zone, WEEKDAYS, list, when, table, submitWith, autoSlug } from "./admin-common.js";

export async function resourcesPanel(panel) {
  const [resources, kinds] = await Promise.all([
    api("/admin/resources").then(list), api("/admin/resource-kinds").then(list)]);
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
    newResourceForm(kinds, () => resourcesPanel(panel)));
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
