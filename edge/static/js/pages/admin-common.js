// What the admin panels share: the viewer's zone, weekday names, tables, form submission.
import { ApiError } from "../api.js";
import { browserZone } from "../time.js";
import { $, formatDateTime, h, showFieldErrors, spinner } from "../ui.js";

export const zone = browserZone();
export const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

export const list = (body) => (Array.isArray(body) ? body : body?.data || body?.items || []);
export const when = (iso) => (iso ? formatDateTime(iso, zone) : "");

export function table(caption, headers, rows, empty = "Nothing to show.") {
  if (!rows.length) return h("p", { class: "empty" }, empty);
  return h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": caption },
    h("table", {}, h("caption", { class: "sr-only" }, caption),
      h("thead", {}, h("tr", {}, headers.map((x) => h("th", { scope: "col" }, x)))),
      h("tbody", {}, rows)));
}

export async function submitWith(form, button, fn) {
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

function slugify(s) {
  return s.toLowerCase().normalize("NFKD").replace(/[^\w\s-]/g, "").trim().replace(/[\s_]+/g, "-").replace(/-+/g, "-").slice(0, 63);
}

// The slug follows the name until the admin edits the slug itself.
export function autoSlug(form) {
  form.elements.name.addEventListener("input", () => {
    if (!form.elements.slug.dataset.touched) form.elements.slug.value = slugify(form.elements.name.value);
  });
  form.elements.slug.addEventListener("input", () => { form.elements.slug.dataset.touched = "1"; });
}
