// "/account/verify?token=…" (issue 14): the link of the verification email.
import { api, currentUser } from "../api.js";
import { setupPage } from "../layout.js";
import { $, clear, h, spinner } from "../ui.js";

async function start() {
  await setupPage();
  const main = $("#main");
  const token = new URLSearchParams(location.search).get("token") || "";
  clear(main, h("h1", { id: "title", tabindex: "-1" }, "Verifying your email address"), h("p", {}, spinner(), " One moment…"));
  try {
    const me = await api("/auth/verify-email", { method: "POST", body: { token }, retry: false });
    history.replaceState(null, "", "/account/verify");
    clear(main, h("h1", { id: "title", tabindex: "-1" }, "Email address verified"),
      h("p", { class: "notice success", id: "verified", role: "status" }, `Thank you: ${me.email} is verified.`),
      h("p", {}, h("a", { href: currentUser() ? "/me/profile" : "/login" }, currentUser() ? "Your profile" : "Sign in")));
  } catch (err) {
    clear(main, h("h1", { id: "title", tabindex: "-1" }, "This link does not work"),
      h("p", { class: "notice error", id: "not-verified", role: "alert" },
        err.status === 422 ? "The link was already used or has expired. Sign in and ask for a new one on your profile page."
          : err.message),
      h("p", {}, h("a", { href: "/me/profile" }, "Your profile")));
  }
  $("#title").focus();
}

start();
