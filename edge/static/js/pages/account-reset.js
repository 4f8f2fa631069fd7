// "/account/reset" (issue 14): ask for a reset link; with ?token= from the email, choose a
// new password (the link works once; every sign-in of the account ends).
import { ApiError, api } from "../api.js";
import { setupPage } from "../layout.js";
import { $, clear, field, h, showFieldErrors, spinner } from "../ui.js";
import { passwordProblem } from "./register.js";

const main = $("#main");

function form(title, fields, label, onSubmit) {
  const error = h("p", { class: "form-error", id: "form-error", role: "alert" });
  const submit = h("button", { type: "submit", id: "submit" }, label);
  const el = h("form", { class: "card-form", novalidate: true, "aria-labelledby": "title" },
    h("h1", { id: "title" }, title), error, fields, h("div", { class: "actions" }, submit));
  el.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.textContent = "";
    submit.disabled = true;
    submit.prepend(spinner());
    try {
      await onSubmit(el, error);
    } finally {
      submit.disabled = false;
      submit.querySelector(".spinner")?.remove();
    }
  });
  return el;
}

function askForLink() {
  const el = form("Forgot your password?", [
    h("p", {}, "Enter the email address of your account and we will send you a link to choose a new password."),
    field({ id: "email", label: "Email", type: "email", required: true, attrs: { autocomplete: "email" } }),
  ], "Send the link", async (f, error) => {
    const email = f.elements.email.value.trim();
    if (showFieldErrors(f, /^[^@\s]+@[^@\s]+$/.test(email) ? {} : { email: "Enter your email address." })) return;
    try {
      const r = await api("/auth/password-reset", { method: "POST", body: { email } });
      clear(main, h("div", { class: "card-form" }, h("h1", { id: "title", tabindex: "-1" }, "Check your email"),
        h("p", { class: "notice success", id: "reset-sent", role: "status" }, r.detail),
        h("p", {}, h("a", { href: "/login" }, "Back to sign in"))));
      $("#title").focus();
    } catch (err) {
      error.textContent = err.status === 429 ? "Too many requests. Please try again later." : err.message;
    }
  });
  clear(main, el);
  $("#email").focus();
}

function choosePassword(token) {
  const el = form("Choose a new password", [
    field({ id: "password", label: "New password", type: "password", required: true,
      hint: "At least 8 characters, with a letter and a digit.", attrs: { autocomplete: "new-password" } }),
  ], "Save new password", async (f, error) => {
    const problem = passwordProblem(f.elements.password.value);
    if (showFieldErrors(f, problem ? { password: problem } : {})) return;
    try {
      await api("/auth/password-reset/confirm", { method: "POST", body: { token, password: f.elements.password.value }, retry: false });
      history.replaceState(null, "", "/account/reset");  // the token is spent: out of the address bar
      clear(main, h("div", { class: "card-form" }, h("h1", { id: "title", tabindex: "-1" }, "Password changed"),
        h("p", { class: "notice success", id: "reset-done", role: "status" },
          "Your new password is set, and you have been signed out everywhere. Sign in with it now."),
        h("p", {}, h("a", { href: "/login", id: "to-login" }, "Sign in"))));
      $("#title").focus();
    } catch (err) {
      if (err instanceof ApiError && err.errors.token) {
        clear(error, "This link is no longer valid (it works once, for an hour). ",
          h("a", { href: "/account/reset" }, "Ask for a new link"), ".");
      } else if (err instanceof ApiError && Object.keys(err.errors).length) {
        showFieldErrors(f, err.errors, error);
      } else {
        error.textContent = err.message;
      }
    }
  });
  clear(main, el);
  $("#password").focus();
}

async function start() {
  await setupPage();
  const token = new URLSearchParams(location.search).get("token");
  if (token) choosePassword(token);
  else askForLink();
}

start();
