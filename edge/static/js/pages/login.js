// "/login": sign in, then go back to where the user came from.
import { ApiError, login } from "../api.js";
import { setupPage } from "../layout.js";
import { $, clear, field, h, nextUrl, showFieldErrors, spinner } from "../ui.js";

async function start() {
  const user = await setupPage();
  const main = $("#main");
  const formError = h("p", { class: "form-error", id: "form-error", role: "alert" });
  const submit = h("button", { type: "submit", id: "submit" }, "Sign in");
  const form = h("form", { class: "card-form", novalidate: true, "aria-labelledby": "title" },
    h("h1", { id: "title" }, "Sign in"),
    user ? h("p", { class: "notice" }, `You are signed in as ${user.email}.`) : null,
    formError,
    field({ id: "email", label: "Email", type: "email", required: true, attrs: { autocomplete: "email" } }),
    field({ id: "password", label: "Password", type: "password", required: true, attrs: { autocomplete: "current-password" } }),
    h("div", { class: "actions" }, submit),
    h("p", {}, h("a", { href: "/account/reset", id: "forgot" }, "Forgot your password?")),
    h("p", {}, "New here? ", h("a", { href: `/register${location.search}` }, "Create an account"), "."));
  clear(main, form);
  $("#email").focus();
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    formError.textContent = "";
    const email = form.elements.email.value.trim();
    const password = form.elements.password.value;
    const errors = {};
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) errors.email = "Enter your email address.";
    if (!password) errors.password = "Enter your password.";
    if (showFieldErrors(form, errors)) return;
    submit.disabled = true;
    submit.prepend(spinner());
    try {
      await login(email, password);
      location.assign(nextUrl());
    } catch (err) {
      submit.disabled = false;
      submit.querySelector(".spinner")?.remove();
      if (err instanceof ApiError && err.status === 429) {
        formError.textContent = "Too many attempts. Please wait a minute and try again.";
      } else if (err instanceof ApiError && err.status === 422 && Object.keys(err.errors).length) {
        showFieldErrors(form, err.errors, formError);
      } else if (err instanceof ApiError && err.status === 401) {
        formError.textContent = "Email or password is wrong.";
        form.elements.password.focus();
      } else {
        formError.textContent = err.message || "Could not sign in.";
      }
    }
  });
}

start();
