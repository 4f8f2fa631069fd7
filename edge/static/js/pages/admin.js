// "/admin": resources (weekly hours, closures), services, bookings (filters, CSV),
// notification outbox (retry), the audit trail of a booking, and the mail sink
// (js/pages/admin-mail.js); one module per panel. Admins only.
import { setupPage } from "../layout.js";
import { auditPanel } from "./admin-audit.js";
import { bookingsPanel } from "./admin-bookings.js";
import { mailPanel } from "./admin-mail.js";
import { notificationsPanel } from "./admin-notifications.js";
import { resourcesPanel } from "./admin-resources.js";
import { servicesPanel } from "./admin-services.js";
import { waitlistPanel } from "./admin-waitlist.js";
import { webhooksPanel } from "./admin-webhooks.js";
import { $, $$, clear, h, spinner } from "../ui.js";

const main = $("#main");
const TABS = [
  ["resources", "Resources"],
  ["services", "Services"],
  ["bookings", "Bookings"],
  ["notifications", "Notifications"],
  ["audit", "Audit trail"],
  ["mail", "Mail"],
  ["waitlist", "Waitlist"],
  ["integrations", "Integrations"],
];

// ---------------------------------------------------------------- tabs

const PANELS = { resources: resourcesPanel, services: servicesPanel, bookings: bookingsPanel,
  notifications: notificationsPanel, audit: auditPanel, mail: mailPanel };
PANELS.waitlist = waitlistPanel;
PANELS.integrations = webhooksPanel; // webhooks, embed snippets, resource calendar feeds (issue 16)

async function showTab(name, arg) {
  for (const t of $$('[role="tab"]')) {
    const on = t.dataset.tab === name;
    t.setAttribute("aria-selected", String(on));
    t.tabIndex = on ? 0 : -1;
  }
  const panel = $("#panel");
  panel.setAttribute("aria-labelledby", `tab-${name}`);
  history.replaceState(null, "", `#${name}`);
  clear(panel, h("p", {}, spinner(), " Loading…"));
  try {
    await PANELS[name](panel, arg, showTab);
  } catch (e) {
    clear(panel, h("p", { class: "notice error" }, `Could not load: ${e.message}`));
  }
}

async function start() {
  const user = await setupPage();
  if (!user || user.role !== "admin") {
    clear(main, h("h1", {}, "Admin"), h("p", {}, user ? "This area is for administrators."
      : ["Please ", h("a", { href: "/login?next=/admin" }, "sign in"), " as an administrator."]));
    return;
  }
  const tablist = h("div", { class: "tabs", role: "tablist", "aria-label": "Admin sections" },
    TABS.map(([id, label]) => h("button", { type: "button", role: "tab", id: `tab-${id}`, "data-tab": id,
      "aria-controls": "panel", "aria-selected": "false", tabindex: "-1", onclick: () => showTab(id) }, label)));
  tablist.addEventListener("keydown", (e) => {
    const tabs = $$('[role="tab"]', tablist);
    const i = tabs.indexOf(document.activeElement);
    if (i < 0) return;
    const j = { ArrowRight: (i + 1) % tabs.length, ArrowLeft: (i - 1 + tabs.length) % tabs.length, Home: 0, End: tabs.length - 1 }[e.key];
    if (j === undefined) return;
    e.preventDefault();
    tabs[j].focus();
    showTab(tabs[j].dataset.tab);
  });
  clear(main, h("h1", {}, "Admin"), tablist, h("section", { id: "panel", role: "tabpanel", tabindex: "0" }));
  window.addEventListener("hashchange", () => {
    const name = location.hash.slice(1);
    if (PANELS[name] && $(`#tab-${name}`).getAttribute("aria-selected") !== "true") showTab(name);
  });
  const initial = location.hash.slice(1);
  await showTab(PANELS[initial] ? initial : "resources");
}

start();
