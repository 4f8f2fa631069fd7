// The page frame: skip link, header with navigation that reflects the session, footer.
import { currentUser, initSession, logout, onUserChange } from "./api.js";
import { clear, h } from "./ui.js";

function renderNav(nav, user) {
  const here = location.pathname;
  const link = (href, text) => h("a", { href, "aria-current": here === href ? "page" : null }, text);
  const items = [link("/", "Services")];
  if (user) {
    items.push(link("/me", "My bookings"));
    if (user.provider) items.push(link("/provider", "Provider")); // owns resources (GET /me)
    if (user.role === "admin") items.push(link("/admin", "Admin"));
    items.push(h("a", { class: "who", href: "/me/profile", "aria-current": here === "/me/profile" ? "page" : null,
      title: "Your profile" }, user.name || user.email));
    items.push(h("button", {
      type: "button", class: "secondary", id: "logout",
      onclick: async () => {
        await logout();
        location.assign("/");
      },
    }, "Sign out"));
  } else {
    const next = here === "/login" || here === "/register" ? "" : `?next=${encodeURIComponent(here + location.search)}`;
    items.push(h("a", { href: `/login${next}`, "aria-current": here === "/login" ? "page" : null }, "Sign in"));
    items.push(link("/register", "Register"));
  }
  clear(nav, items);
}

/** Builds the frame and restores the session; resolves with the user (or null). */
export async function setupPage() {
  const header = document.getElementById("site-header");
  const nav = h("nav", { class: "site-nav", "aria-label": "Main" });
  header.className = "site-header";
  clear(header, h("div", { class: "inner" },
    h("a", { class: "brand", href: "/" }, "Book", h("span", {}, "er")), nav));
  document.body.prepend(h("a", { class: "skip-link", href: "#main" }, "Skip to content"));
  if (!document.querySelector(".site-footer")) {
    document.body.append(h("footer", { class: "site-footer" }, "Booker · times are shown in the zone you choose"));
  }
  renderNav(nav, currentUser());
  onUserChange((user) => renderNav(nav, user));
  const user = await initSession();
  renderNav(nav, user);
  return user;
}
