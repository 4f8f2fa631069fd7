// "/me/profile" (issue 14): name and time zone, email verification, password change (the
// other sign-ins end; this one gets a fresh token through the kept refresh cookie).
import { ApiError, api, refresh } from "../api.js";
import { setupPage } from "../layout.js";
import { ZONE_KEY, allZones } from "../time.js";
import { $, announce, clear, field, h, showFieldErrors, spinner } from "../ui.js";
import { passwordProblem } from "./register.js";

const main = $("#main");

async function busy(button, fn) {
  button.disabled = true;
  button.prepend(spinner());
  try {
    return await fn();
  } finally {
    button.disabled = false;
    button.querySelector(".spinner")?.remove();
  }
}

function detailsForm(me) {
  const status = h("p", { role: "status", id: "details-status" });
  const error = h("p", { class: "form-error", role: "alert" });
  const save = h("button", { type: "submit", id: "save-details" }, "Save details");
  const zones = [["", "Each place's own time zone"], ...allZones().map((z) => [z, z])];
  const form = h("form", { class: "card-form", novalidate: true, "aria-labelledby": "details-h" },
    h("h2", { id: "details-h" }, "Your details"), error,
    field({ id: "name", label: "Name", required: true, attrs: { autocomplete: "name", maxlength: "200", value: me.name } }),
    field({ id: "time_zone", label: "Time zone", options: zones, hint: "Times in your bookings and emails are shown in it." }),
    h("div", { class: "actions" }, save), status);
  form.elements.time_zone.value = me.time_zone || "";
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    status.textContent = "";
    error.textContent = "";
    const name = form.elements.name.value.trim();
    if (showFieldErrors(form, name ? {} : { name: "Enter your name." })) return;
    try {
      const updated = await busy(save, () => api("/me/profile", { method: "PATCH",
        body: { name, time_zone: form.elements.time_zone.value || null } }));
      status.textContent = "Your details are saved.";
      announce(status.textContent);
      localStorage.setItem("booker.user", JSON.stringify({ ...(JSON.parse(localStorage.getItem("booker.user") || "{}")),
        name: updated.name, time_zone: updated.time_zone }));
      // the saved zone is what this device shows from now on (chosenZone); "each place's own"
      // forgets the device's choice
      if (updated.time_zone) localStorage.setItem(ZONE_KEY, updated.time_zone);
      else localStorage.removeItem(ZONE_KEY);
    } catch (err) {
      if (err instanceof ApiError && Object.keys(err.errors).length) showFieldErrors(form, err.errors, error);
      else error.textContent = err.message;
    }
  });
  return form;
}

function emailSection(me) {
  const status = h("p", { role: "status", id: "verify-status" });
  const send = h("button", { type: "button", class: "secondary", id: "send-verification" }, "Send a new verification email");
  send.addEventListener("click", async () => {
    try {
      const r = await busy(send, () => api("/me/verify-email", { method: "POST" }));
      status.textContent = r.sent ? `We have sent a link to ${me.email}. Open it to verify your address.` : "Your address is already verified.";
    } catch (err) {
      status.textContent = err.status === 429 ? "Too many emails asked for. Please try again later." : err.message;
    }
  });
  return h("section", { class: "card-form", "aria-labelledby": "email-h" },
    h("h2", { id: "email-h" }, "Email address"),
    h("p", {}, h("strong", {}, me.email), " · ",
      h("span", { id: "email-state", class: me.email_verified ? "status status-confirmed" : "status status-pending" },
        me.email_verified ? "verified" : "not verified yet")),
    me.email_verified ? null : [h("p", { class: "muted" }, "Some services can only be booked with a verified address."), send],
    status);
}

function passwordForm() {
  const status = h("p", { role: "status", id: "password-status" });
  const error = h("p", { class: "form-error", role: "alert" });
  const save = h("button", { type: "submit", id: "change-password" }, "Change password");
  const form = h("form", { class: "card-form", novalidate: true, "aria-labelledby": "password-h" },
    h("h2", { id: "password-h" }, "Password"), error,
    field({ id: "current_password", label: "Current password", type: "password", required: true, attrs: { autocomplete: "current-password" } }),
    field({ id: "new_password", label: "New password", type: "password", required: true,
      hint: "At least 8 characters, with a letter and a digit. You stay signed in here; everywhere else you are signed out.",
      attrs: { autocomplete: "new-password" } }),
    h("div", { class: "actions" }, save), status);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    status.textContent = "";
    error.textContent = "";
    const errors = {};
    if (!form.elements.current_password.value) errors.current_password = "Enter your current password.";
    const problem = passwordProblem(form.elements.new_password.value);
    if (problem) errors.new_password = problem;
    if (showFieldErrors(form, errors)) return;
    try {
      const r = await busy(save, () => api("/auth/password", { method: "POST", body: {
        current_password: form.elements.current_password.value, new_password: form.elements.new_password.value } }));
      await refresh();  // this sign-in stays: a fresh access token from its refresh cookie
      form.reset();
      status.textContent = r.sessions_revoked
        ? `Password changed. You were signed out on ${r.sessions_revoked} other ${r.sessions_revoked === 1 ? "device" : "devices"}.`
        : "Password changed.";
      announce(status.textContent);
    } catch (err) {
      if (err instanceof ApiError && err.errors.current_password) showFieldErrors(form, { current_password: "This is not your current password." });
      else if (err instanceof ApiError && Object.keys(err.errors).length) showFieldErrors(form, err.errors, error);
      else error.textContent = err.status === 429 ? "Too many attempts. Please wait a few minutes." : err.message;
    }
  });
  return form;
}

async function start() {
  const user = await setupPage();
  if (!user) {
    location.assign(`/login?next=${encodeURIComponent(location.pathname)}`);
    return;
  }
  const me = await api("/me");
  clear(main, h("h1", { id: "title" }, "Your profile"),
    h("p", {}, h("a", { href: "/me" }, "My bookings")),
    detailsForm(me), emailSection(me), passwordForm());
}

start();
