// "/provider/confirm?token=…" and "/provider/decline?token=…": the pages behind the links in
// a provider's "please confirm" email. No sign-in: the signed token is the permission, for
// this one booking and action, once, until it expires. Opening the page changes nothing
// (GET /email-action only reads); the button POSTs. Used links, expired links and bookings
// decided meanwhile explain themselves with the server's words.
import { api } from "../api.js";
import { setupPage } from "../layout.js";
import { zoneName } from "../time.js";
import { $, announce, clear, field, formatDateTime, h, spinner, statusLabel } from "../ui.js";

const main = $("#main");
const action = location.pathname.endsWith("/decline") ? "decline" : "confirm";
const token = new URLSearchParams(location.search).get("token") || "";
const TITLE = { confirm: "Confirm a booking request", decline: "Decline a booking request" };

function summary(b) {
  const tz = b.timezone || "UTC";
  const rows = [
    ["What", b.service_name], ["With", b.resource_name],
    ["When", `${formatDateTime(b.starts_at, tz)} (${zoneName(tz, new Date(b.starts_at))}, ${tz})`],
    ["Who", [b.attendee?.name, b.attendee?.email].filter(Boolean).join(" · ") || "Guest"],
    b.notes ? ["Notes", b.notes] : null,
    ["Reference", b.reference], ["Status", statusLabel(b.status)],
  ].filter(Boolean);
  return h("dl", { class: "summary", id: "request-summary" }, rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

function after(message, kind = "success") {
  return [h("p", { class: `notice ${kind}`, role: kind === "error" ? "alert" : "status", id: "outcome" }, message),
    h("p", {}, h("a", { href: "/provider" }, "Open your provider workspace"), " (sign-in needed) to see all your bookings.")];
}

function form(b) {
  const error = h("p", { class: "form-error", role: "alert" });
  const button = h("button", { type: "submit", class: action === "decline" ? "danger" : "", id: "respond" },
    action === "decline" ? "Decline request" : "Confirm booking");
  const f = h("form", { novalidate: true, class: "panel" },
    action === "decline"
      ? field({ id: "reason", label: "Reason (optional, sent to the attendee)", type: "textarea", attrs: { maxlength: "500", rows: "3" } })
      : h("p", {}, "The attendee gets an email with the invitation as soon as you confirm."),
    error, h("div", { class: "actions" }, button));
  f.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (button.disabled) return;
    button.disabled = true;
    button.prepend(spinner());
    error.textContent = "";
    try {
      const body = { token };
      if (action === "decline" && f.elements.reason.value.trim()) body.reason = f.elements.reason.value.trim();
      const done = await api("/email-action", { method: "POST", body });
      clear(main, h("h1", { tabindex: "-1", id: "respond-heading" }, action === "decline" ? "Request declined" : "Booking confirmed"),
        summary(done.booking), after(done.message));
      announce(done.message);
      $("#respond-heading").focus();
    } catch (err) {
      // 409 (used meanwhile, decided meanwhile) and 410 (expired) come with their explanation.
      clear(main, h("h1", { tabindex: "-1", id: "respond-heading" }, TITLE[action]), summary(b), after(err.message, "warn"));
      $("#respond-heading").focus();
    }
  });
  return f;
}

async function start() {
  await setupPage();
  clear(main, h("h1", {}, TITLE[action]), h("p", {}, spinner(), " Loading the request…"));
  let state;
  try {
    state = await api(`/email-action?${new URLSearchParams({ token })}`);
  } catch (e) {
    clear(main, h("h1", {}, TITLE[action]), after(e.message, "error"));
    return;
  }
  if (state.action !== action) {
    // The token names its action; a link whose path was changed still does only what it says.
    location.replace(`/provider/${state.action}?${new URLSearchParams({ token })}`);
    return;
  }
  const b = state.booking;
  clear(main, h("h1", { tabindex: "-1", id: "respond-heading" }, TITLE[action]), summary(b),
    state.state === "open" ? form(b) : after(state.message, "warn"));
}

start();
