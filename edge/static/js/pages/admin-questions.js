// The admin's "Booking form" editor (issue 14): a service's questions, its reminder
// offsets and whether booking needs a verified email; saved with PATCH /admin/services/{id}.
import { api } from "../api.js";
import { $, $$, announce, clear, field, h } from "../ui.js";
import { submitWith } from "./admin-common.js";

const TYPES = [["short_text", "Short text"], ["long_text", "Long text"], ["phone", "Phone"],
  ["choice", "Single choice"], ["checkbox", "Checkbox"]];
let counter = 0;

function questionRow(q = {}) {
  const n = ++counter;
  const row = h("li", { class: "question-row panel", "data-n": String(n) },
    h("div", { class: "row" },
      field({ id: `qe-label-${n}`, name: `qlabel-${n}`, label: "Question", required: true, attrs: { maxlength: "200", value: q.label || "" } }),
      field({ id: `qe-type-${n}`, name: `qtype-${n}`, label: "Answer type", options: TYPES })),
    field({ id: `qe-options-${n}`, name: `qoptions-${n}`, label: "Choices (one per line)", type: "textarea",
      hint: "Only for a single choice." }),
    h("div", { class: "actions" },
      h("label", { class: "inline" }, h("input", { type: "checkbox", id: `qe-required-${n}`, checked: Boolean(q.required) }), " Required"),
      h("button", { type: "button", class: "secondary", "aria-label": `Remove question ${q.label || n}`,
        onclick: () => { row.remove(); announce("Question removed."); } }, "Remove")));
  $(`#qe-type-${n}`, row).value = q.type || "short_text";
  $(`#qe-options-${n}`, row).value = (q.options || []).join("\n");
  row.dataset.id = q.id || "";
  return row;
}

function readQuestions(listEl) {
  return $$(".question-row", listEl).map((row) => {
    const n = row.dataset.n;
    const q = { label: $(`#qe-label-${n}`, row).value.trim(), type: $(`#qe-type-${n}`, row).value,
      required: $(`#qe-required-${n}`, row).checked };
    if (row.dataset.id) q.id = row.dataset.id;
    if (q.type === "choice") q.options = $(`#qe-options-${n}`, row).value.split("\n").map((s) => s.trim()).filter(Boolean);
    return q;
  });
}

/** The editor, for the services of the list (one chosen at a time). */
export function bookingFormEditor(services) {
  const panel = h("section", { class: "panel", id: "booking-form-editor", "aria-labelledby": "bfe-h" });
  if (!services.length) return panel;
  const questionList = h("ol", { class: "questions-editor", id: "questions-editor" });
  const status = h("p", { role: "status", id: "bfe-status" });
  const save = h("button", { type: "submit", id: "bfe-save" }, "Save booking form");
  const form = h("form", { novalidate: true },
    h("p", { class: "form-error", role: "alert" }),
    field({ id: "bfe-service", name: "service", label: "Service", options: services.map((s) => [s.id, s.name]) }),
    field({ id: "bfe-reminders", name: "reminder_offsets", label: "Reminders (hours before the start, comma-separated)",
      hint: "For example 24, 1. Leave empty for no reminder emails." }),
    h("div", { class: "field" }, h("label", { class: "inline" },
      h("input", { type: "checkbox", name: "requires_verified_email", id: "bfe-verified" }),
      " Only members with a verified email address may book")),
    h("h4", {}, "Questions asked when booking"), questionList,
    h("div", { class: "actions" },
      h("button", { type: "button", class: "secondary", id: "bfe-add",
        onclick: () => { const row = questionRow(); questionList.append(row); $("input", row).focus(); } }, "Add a question"),
      save),
    status);
  function show(id) {
    const svc = services.find((s) => s.id === id) || services[0];
    form.elements.reminder_offsets.value = (svc.reminder_offsets || []).map((m) => +(m / 60).toFixed(2)).join(", ");
    form.elements.requires_verified_email.checked = Boolean(svc.requires_verified_email);
    clear(questionList, (svc.questions || []).map((q) => questionRow(q)));
  }
  form.elements.service.addEventListener("change", () => show(form.elements.service.value));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    status.textContent = "";
    const hours = form.elements.reminder_offsets.value.split(",").map((s) => s.trim()).filter(Boolean);
    const body = {
      reminder_offsets: hours.map((x) => Math.round(Number(x) * 60)),
      requires_verified_email: form.elements.requires_verified_email.checked,
      questions: readQuestions(questionList),
    };
    const id = form.elements.service.value;
    const saved = await submitWith(form, save, () => api(`/admin/services/${id}`, { method: "PATCH", body }));
    if (!saved) return;
    const i = services.findIndex((s) => s.id === id);
    if (i >= 0) services[i] = { ...services[i], ...saved };
    show(id);
    status.textContent = `Booking form of “${saved.name}” saved.`;
  });
  show(services[0].id);
  clear(panel, h("h3", { id: "bfe-h" }, "Booking form: questions and reminders"), form);
  return panel;
}
