// "/register": create an account. The password rule mirrors the server's
// (at least 8 characters with a letter and a digit); the server has the last word.
import { ApiError, register } from "../api.js";
import { setupPage } from "../layout.js";
import { $, clear, field, h, nextUrl, showFieldErrors, spinner } from "../ui.js";

export function passwordProblem(pw) {
  if (pw.length < 8) return "Use at least 8 characters.";
  if (!/\p{L}/u.test(pw)) return "Include at least one letter.";
  if (!/\p{Nd}/u.test(pw)) return "Include at least one digit.";
  return null;
}

function validate(form) {
  const errors = {};
  const name = form.elements.name.value.trim();
  const email = form.elements.email.value.trim();
  if (!name) errors.name = "Enter your name.";
  else if (name.length > 200) errors.name = "Use at most 200 characters.";
  if (!/^[^@\s]+@[^@\s]+$/.test(email)) errors.email = "Enter a valid email address.";
  const pw = passwordProblem(form.elements.password.value);
  if (pw) errors.password = pw;
  return errors;
}

async function start() {
  await setupPage();
  const main = $("#main");
  const formError = h("p", { class: "form-error", id: "form-error", role: "alert" });
  const submit = h("button", { type: "submit", id: "submit" }, "Create account");
  const form = h("form", { class: "card-form", novalidate: true, "aria-labelledby": "title" },
    h("h1", { id: "title" }, "Create an account"),
    formError,
    field({ id: "name", label: "Name", required: true, attrs: { autocomplete: "name", maxlength: "200" } }),
    field({ id: "email", label: "Email", type: "email", required: true, attrs: { autocomplete: "email" } }),
    field({ id: "password", label: "Password", type: "password", required: true,
      hint: "At least 8 characters, with a letter and a digit.", attrs: { autocomplete: "new-password" } }),
    h("div", { class: "actions" }, submit),
    h("p", {}, "Already registered? ", h("a", { href: `/login${location.search}` }, "Sign in"), "."));
  clear(main, form);
  $("#name").focus();
  // Once a field was judged, re-check it as the user types.
  form.addEventListener("input", (e) => {
    if (e.target.getAttribute("aria-invalid") !== "true") return;
    const errors = validate(form);
    if (!errors[e.target.name]) {
      e.target.removeAttribute("aria-invalid");
      $(`#${e.target.id}-error`).textContent = "";
    }
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    formError.textContent = "";
    if (showFieldErrors(form, validate(form))) return;
    submit.disabled = true;
    submit.prepend(spinner());
    try {
      await register(form.elements.name.value.trim(), form.elements.email.value.trim(), form.elements.password.value);
      location.assign(nextUrl());
    } catch (err) {
      submit.disabled = false;
      submit.querySelector(".spinner")?.remove();
      if (err instanceof ApiError && err.status === 409) {
        showFieldErrors(form, { email: "An account with this email already exists. Sign in instead?" });
      } else if (err instanceof ApiError && Object.keys(err.errors).length) {
        showFieldErrors(form, err.errors, formError);
      } else {
        formError.textContent = err.message || "Could not create the account.";
      }
    }
  });
}

start();
