// The admin "Mail" tab: messages the development mail sink saved (GET /admin/mail), newest
// first, and one message at a time (GET /admin/mail/{id}). The text part is shown as text;
// the HTML part only on request, inside an iframe with an empty `sandbox` (no scripts, no
// same-origin access, no forms, no navigation), which also inherits this page's CSP.
import { api } from "../api.js";
import { browserZone } from "../time.js";
import { $, clear, formatDateTime, h, spinner } from "../ui.js";

const zone = browserZone();

function size(bytes) {
  return bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${bytes} B`;
}

async function showMessage(viewer, id) {
  clear(viewer, h("p", {}, spinner(), " Loading…"));
  let m;
  try {
    m = await api(`/admin/mail/${encodeURIComponent(id)}`);
  } catch (e) {
    clear(viewer, h("p", { class: "notice error", role: "alert" }, e.status === 404 ? "This message is gone." : e.message));
    return;
  }
  const body = h("div", { id: "mail-body" });
  const showText = () => clear(body, m.text !== null
    ? h("pre", { class: "mail-text", id: "mail-text", tabindex: "0" }, m.text)
    : h("p", { class: "muted" }, "This message has no text part."));
  const showHtml = () => clear(body, h("iframe", {
    id: "mail-html", title: `HTML part of “${m.subject}”`, sandbox: "", referrerpolicy: "no-referrer",
    class: "mail-html", srcdoc: m.html,
  }));
  const toggle = m.html !== null ? h("button", { type: "button", class: "secondary", id: "mail-toggle", "aria-pressed": "false" }, "Show HTML") : null;
  toggle?.addEventListener("click", () => {
    const html = toggle.getAttribute("aria-pressed") !== "true";
    toggle.setAttribute("aria-pressed", String(html));
    toggle.textContent = html ? "Show text" : "Show HTML";
    if (html) showHtml();
    else showText();
  });
  clear(viewer,
    h("h3", { id: "mail-subject", tabindex: "-1" }, m.subject || "(no subject)"),
    h("dl", { class: "summary" },
      h("dt", {}, "From"), h("dd", {}, m.from), h("dt", {}, "To"), h("dd", {}, m.to),
      h("dt", {}, "Date"), h("dd", {}, formatDateTime(m.date, zone)), h("dt", {}, "Size"), h("dd", {}, size(m.size)),
      m.attachments.length ? [h("dt", {}, "Attachments"),
        h("dd", {}, m.attachments.map((a) => `${a.filename || "(unnamed)"} (${a.content_type}, ${size(a.size)})`).join(", "))] : null),
    h("details", {}, h("summary", {}, "All headers"),
      h("pre", { class: "mail-headers" }, m.headers.map(([k, v]) => `${k}: ${v}`).join("\n"))),
    m.truncated ? h("p", { class: "notice warn" }, "The message is large; only its beginning is shown.") : null,
    toggle ? h("div", { class: "toolbar" }, toggle) : null,
    body);
  showText();
  $("#mail-subject", viewer).focus();
}

export async function mailPanel(panel) {
  const results = h("div", { id: "mail-list" });
  const viewer = h("div", { id: "mail-viewer", "aria-live": "polite" });
  async function load() {
    let body;
    try {
      body = await api("/admin/mail?limit=100");
    } catch (e) {
      clear(results, h("p", { class: "notice error" }, e.message));
      return;
    }
    const rows = body.data || [];
    if (!rows.length) {
      clear(results, h("p", { class: "empty" },
        "No messages. When the development mail sink runs (booker up), every email the worker sends is saved and listed here."));
      return;
    }
    clear(results, h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Mail sink" },
      h("table", {}, h("caption", { class: "sr-only" }, "Messages in the mail sink, newest first"),
        h("thead", {}, h("tr", {}, ["Date", "From", "To", "Subject", "Size", ""].map((x) => h("th", { scope: "col" }, x)))),
        h("tbody", {}, rows.map((m) => h("tr", { "data-mail": m.id },
          h("td", {}, formatDateTime(m.date, zone)), h("td", {}, m.from), h("td", {}, m.to), h("td", {}, m.subject),
          h("td", {}, size(m.size)),
          h("td", {}, h("button", { type: "button", class: "secondary", "aria-label": `Open “${m.subject}” to ${m.to}`,
            onclick: () => showMessage(viewer, m.id) }, "Open"))))))),
      body.meta && body.meta.total > rows.length ? h("p", { class: "muted" }, `The newest ${rows.length} of ${body.meta.total} messages.`) : null);
  }
  clear(panel, h("h2", {}, "Mail sink"),
    h("p", { class: "muted" }, "Emails saved by the development SMTP sink. Nothing is delivered from here."),
    h("div", { class: "toolbar" }, h("button", { type: "button", class: "secondary", onclick: load }, "Refresh")),
    results, viewer);
  await load();
}
