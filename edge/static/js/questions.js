// Booking questions (issue 14): the fields the booking dialog asks (a service's
// `questions`), their answers for POST /bookings, and the answers as one line for lists.
// The database checks the answers (internal.booking_answers); this only helps the user.
import { $, h } from "./ui.js";

const LIMITS = { short_text: 200, long_text: 2000, phone: 40 };

function control(q, id, name, describedBy) {
  const common = { id, name, "aria-describedby": describedBy, required: Boolean(q.required) };
  if (q.type === "long_text") return h("textarea", { ...common, maxlength: String(LIMITS.long_text), rows: "3" });
  if (q.type === "choice") {
    return h("select", common, h("option", { value: "" }, q.required ? "Choose…" : "(none)"),
      (q.options || []).map((o) => h("option", { value: o }, o)));
  }
  if (q.type === "checkbox") return h("input", { ...common, type: "checkbox", value: "yes" });
  return h("input", { ...common, type: q.type === "phone" ? "tel" : "text", maxlength: String(LIMITS[q.type] || 200),
    autocomplete: q.type === "phone" ? "tel" : "off" });
}

/** {element, collect()} for a service's questions; collect() marks what is missing and
 * returns null, else the answers {id: text | true}. No questions: an empty element. */
export function questionFields(service) {
  const questions = Array.isArray(service.questions) ? service.questions : [];
  if (!questions.length) return { element: null, collect: () => ({}) };
  const rows = questions.map((q) => {
    const id = `q-${q.id}`;
    const input = control(q, id, `answers.${q.id}`, `${id}-error`);
    const mark = q.required ? h("span", { "aria-hidden": "true" }, " *") : null;
    const label = q.type === "checkbox"
      ? h("label", { class: "inline", for: id }, input, ` ${q.label}`, mark)
      : h("label", { for: id }, q.label, mark);
    return { q, input, el: h("div", { class: "field question", "data-question": q.id },
      label, q.type === "checkbox" ? null : input, h("span", { class: "error", id: `${id}-error`, "aria-live": "polite" })) };
  });
  const element = h("fieldset", { class: "questions", id: "questions" },
    h("legend", {}, "A few questions"), rows.map((r) => r.el));
  function collect() {
    const answers = {};
    let first = null;
    for (const { q, input } of rows) {
      const slot = $(`#${input.id}-error`, element);
      slot.textContent = "";
      input.removeAttribute("aria-invalid");
      const value = q.type === "checkbox" ? input.checked : input.value.trim();
      let problem = null;
      if (q.required && !value) problem = q.type === "checkbox" ? "Please tick this box." : "Please answer this question.";
      else if (q.type === "phone" && value && !/^\+?[0-9 ()./-]{3,40}$/.test(value)) problem = "Please enter a phone number.";
      if (problem) {
        slot.textContent = problem;
        input.setAttribute("aria-invalid", "true");
        first = first || input;
      } else if (value) {
        answers[q.id] = value;
      }
    }
    if (first) {
      first.focus();
      return null;
    }
    return answers;
  }
  return { element, collect };
}

/** A booking's answers (metadata.answers) as "Label: answer; …", or null. */
export function answersLine(booking) {
  const answers = booking?.metadata?.answers;
  if (!Array.isArray(answers) || !answers.length) return null;
  const text = answers.map((a) => `${a.label}: ${a.answer === true ? "yes" : a.answer}`).join("; ");
  return h("span", { class: "answers muted" }, text);
}
