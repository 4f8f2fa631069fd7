// DOM helpers shared by the pages: an element builder, an accessible modal dialog,
// a polite live region, form error display and formatting of money and times.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else if (k === "style") el.style.cssText = v; // CSSOM, allowed by the pages' CSP (no inline styles)
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

let liveRegion;
/** Says something to screen readers without moving focus. */
export function announce(message) {
  if (!liveRegion) {
    liveRegion = h("div", { class: "sr-only", "aria-live": "polite", role: "status", id: "announcer" });
    document.body.append(liveRegion);
  }
  liveRegion.textContent = "";
  setTimeout(() => {
    liveRegion.textContent = message;
  }, 50);
}

export const spinner = () => h("span", { class: "spinner", "aria-hidden": "true" });

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** A modal dialog: focus moves in and is trapped, Escape closes, focus returns to the opener.
 * Returns {dialog, body, close}. `onClose` runs once when it closes for any reason. */
export function openDialog({ title, content, onClose, returnFocus, labelId = `dlg-${Math.random().toString(36).slice(2)}` }) {
  const opener = document.activeElement;
  const body = h("div", { class: "dlg-body" });
  const dialog = h("dialog", { "aria-labelledby": labelId, "aria-modal": "true" }, body);
  body.append(h("h2", { id: labelId, tabindex: "-1" }, title));
  append(body, [content]);
  document.body.append(dialog);
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    if (dialog.open) dialog.close();
    dialog.remove();
    if (onClose) onClose();
    // The opener may have been re-rendered meanwhile (live updates): then ask the page where to go.
    const target = opener && opener.isConnected ? opener : returnFocus && returnFocus();
    if (target && typeof target.focus === "function") target.focus();
  };
  dialog.addEventListener("cancel", (e) => {
    e.preventDefault();
    close();
  });
  dialog.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.preventDefault();
      close();
      return;
    }
    if (e.key !== "Tab") return;
    const items = $$(FOCUSABLE, dialog).filter((el) => el.offsetParent !== null || el === document.activeElement);
    if (!items.length) {
      e.preventDefault();
      return;
    }
    const first = items[0];
    const last = items[items.length - 1];
    if (e.shiftKey && (document.activeElement === first || !dialog.contains(document.activeElement))) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (document.activeElement === last || !dialog.contains(document.activeElement))) {
      e.preventDefault();
      first.focus();
    }
  });
  dialog.addEventListener("click", (e) => {
    if (e.target === dialog) close(); // a click on the backdrop
  });
  dialog.showModal();
  const firstField = $("input, select, textarea", body) || $$(FOCUSABLE, body)[0];
  (firstField || $(`#${labelId}`, body)).focus();
  return { dialog, body, close };
}

/** A yes/no confirmation dialog; resolves true when confirmed. `action(button)` may run
 * the work itself (with the button disabled and a spinner) and throw to show an error. */
export function confirmDialog({ title, message, confirmLabel = "Confirm", cancelLabel = "Back", danger = false, action }) {
  return new Promise((resolve) => {
    const error = h("p", { class: "notice error", role: "alert" });
    const yes = h("button", { type: "button", class: danger ? "danger" : "" }, confirmLabel);
    const no = h("button", { type: "button", class: "secondary" }, cancelLabel);
    let result = false;
    const dlg = openDialog({
      title,
      content: [h("div", {}, message), error, h("div", { class: "actions" }, yes, no)],
      onClose: () => resolve(result),
    });
    no.addEventListener("click", () => dlg.close());
    yes.addEventListener("click", async () => {
      if (yes.disabled) return;
      yes.disabled = true;
      yes.setAttribute("aria-busy", "true");
      yes.prepend(spinner());
      try {
        if (action) await action();
        result = true;
        dlg.close();
      } catch (e) {
        error.textContent = e.message || String(e);
        yes.disabled = false;
        yes.removeAttribute("aria-busy");
        yes.querySelector(".spinner")?.remove();
      }
    });
  });
}

/** Shows server (or client) errors next to their fields: {field: message}. */
export function showFieldErrors(form, errors, formError) {
  for (const el of $$("[aria-invalid]", form)) el.removeAttribute("aria-invalid");
  for (const el of $$(".field .error", form)) el.textContent = "";
  let first = null;
  for (const [field, message] of Object.entries(errors || {})) {
    const input = form.elements.namedItem(field.split(".").pop());
    const slot = input && $(`#${input.id}-error`, form);
    if (input && slot) {
      input.setAttribute("aria-invalid", "true");
      slot.textContent = message;
      first = first || input;
    } else if (formError) {
      formError.textContent = `${formError.textContent} ${field}: ${message}`.trim();
    }
  }
  if (first) first.focus();
  return first;
}

/** A labelled form field with a hint and an error slot wired by aria-describedby. */
export function field({ id, label, type = "text", name = id, required = false, hint, attrs = {}, options }) {
  const describedBy = [hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(" ");
  const control = options
    ? h("select", { id, name, required, "aria-describedby": describedBy, ...attrs },
        options.map(([v, t]) => h("option", { value: v }, t)))
    : type === "textarea"
      ? h("textarea", { id, name, required, "aria-describedby": describedBy, ...attrs })
      : h("input", { id, name, type, required, "aria-describedby": describedBy, ...attrs });
  return h("div", { class: "field" },
    h("label", { for: id }, label, required ? h("span", { "aria-hidden": "true" }, " *") : null),
    control,
    hint ? h("span", { class: "hint", id: `${id}-hint` }, hint) : null,
    h("span", { class: "error", id: `${id}-error`, "aria-live": "polite" }));
}

export function money(amount, currency) {
  const n = Number(amount);
  if (!Number.isFinite(n)) return "";
  if (n === 0) return "Free";
  try {
    return new Intl.NumberFormat(undefined, { style: "currency", currency: currency || "EUR" }).format(n);
  } catch {
    return `${n.toFixed(2)} ${currency || ""}`.trim();
  }
}

export function formatDateTime(iso, timeZone, opts = {}) {
  return new Intl.DateTimeFormat(undefined, {
    weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit",
    timeZone, ...opts,
  }).format(new Date(iso));
}

export function debounce(fn, ms) {
  let t;
  return (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
}

export function statusLabel(status) {
  return { held: "Held", pending: "Awaiting confirmation", confirmed: "Confirmed", cancelled: "Cancelled",
    expired: "Expired", declined: "Declined" }[status] || status;
}

/** Where to go after signing in: a same-site path from ?next=, else /me. */
export function nextUrl() {
  const next = new URLSearchParams(location.search).get("next") || "";
  // Resolve it as the browser would ("/\\evil.example" and "/\t/evil.example" mean another host)
  // and keep it only when it stays on this origin.
  if (!next.startsWith("/")) return "/me";
  let url;
  try {
    url = new URL(next, location.origin);
  } catch {
    return "/me";
  }
  return url.origin === location.origin ? url.pathname + url.search + url.hash : "/me";
}
