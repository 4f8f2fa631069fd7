// The admin "Integrations" tab (issue 16): webhook endpoints (register, enable/disable,
// delete, the delivery log with response codes, redeliver), the embed snippet of each
// service, and the calendar subscription URL of each resource.
import { api } from "../api.js";
import { $, announce, clear, h } from "../ui.js";
import { list, submitWith, table, when } from "./admin-common.js";

const EVENT_LABELS = {
  "booking.created": "Booking created",
  "booking.confirmed": "Booking confirmed",
  "booking.declined": "Booking declined",
  "booking.cancelled": "Booking cancelled",
  "booking.rescheduled": "Booking rescheduled",
  "waitlist.offer": "Waitlist offer",
};

function copyButton(text, label) {
  return h("button", { type: "button", class: "secondary", "aria-label": label, onclick: async () => {
    try {
      await navigator.clipboard.writeText(text);
      announce("Copied.");
    } catch {
      announce("Select the text and copy it.");
    }
  } }, "Copy");
}

function code(id, text) {
  return h("pre", { class: "snippet", id, tabindex: "0" }, h("code", {}, text));
}

async function deliveriesView(box, endpoint, reload) {
  let body;
  try {
    body = await api(`/admin/webhooks/${endpoint.id}/deliveries`);
  } catch (e) {
    clear(box, h("p", { class: "notice error" }, e.message));
    return;
  }
  const rows = list(body).map((d) => h("tr", { "data-delivery": d.id },
    h("td", {}, when(d.created_at)), h("td", {}, d.event), h("td", {}, d.reference || ""),
    h("td", {}, h("span", { class: `status status-${d.status}` }, d.status)),
    h("td", {}, (d.log || []).map((a) => (a.status_code ? String(a.status_code) : "—")).join(", ")),
    h("td", {}, d.status === "delivered" ? "" : d.last_error || ""),
    h("td", {}, h("button", { type: "button", class: "secondary", "aria-label": `Redeliver ${d.event} ${d.reference || ""}`.trim(),
      onclick: async (e) => {
        e.currentTarget.disabled = true;
        try {
          await api(`/admin/webhook-deliveries/${d.id}/redeliver`, { method: "POST" });
          announce("Queued again.");
        } catch (err) {
          announce(`Redelivery refused: ${err.message}`);
        }
        deliveriesView(box, endpoint, reload);
      } }, "Redeliver"))));
  clear(box, h("h4", {}, `Deliveries to ${endpoint.url}`),
    table("Webhook deliveries", ["Created", "Event", "Booking", "Status", "Response codes", "Last error", ""], rows,
      "Nothing delivered yet."));
}

async function webhooksSection(section) {
  const [events, endpoints] = await Promise.all([api("/admin/webhook-events"), api("/admin/webhooks")]);
  const detail = h("div", { id: "webhook-deliveries" });
  const secretBox = h("div", { id: "webhook-secret", role: "status" });
  const reload = () => webhooksSection(section);

  const submit = h("button", { type: "submit", id: "create-webhook" }, "Add endpoint");
  const form = h("form", { class: "panel", novalidate: true, "aria-labelledby": "new-hook-h" },
    h("h4", { id: "new-hook-h" }, "Add a webhook endpoint"),
    h("p", { class: "form-error", role: "alert" }),
    h("div", { class: "field" }, h("label", { for: "hook-url" }, "URL"),
      h("input", { id: "hook-url", name: "url", type: "url", required: true, placeholder: "your receiver's https URL", "aria-describedby": "url-error" }),
      h("span", { class: "error", id: "url-error" })),
    h("fieldset", { class: "field", "aria-describedby": "events-error" }, h("legend", {}, "Events"),
      list(events).map((e) => h("label", { class: "inline" },
        h("input", { type: "checkbox", name: "events", value: e, checked: e.startsWith("booking.") }), ` ${EVENT_LABELS[e] || e}`)),
      h("span", { class: "error", id: "events-error" })),
    h("div", { class: "field" }, h("label", { for: "hook-description" }, "Description (optional)"),
      h("input", { id: "hook-description", name: "description", maxlength: "500" })),
    submit);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const chosen = [...form.querySelectorAll('input[name="events"]:checked')].map((x) => x.value);
    const body = { url: form.elements.url.value.trim(), events: chosen, description: form.elements.description.value.trim() };
    const created = await submitWith(form, submit, () => api("/admin/webhooks", { method: "POST", body }));
    if (!created) return;
    await reload();
    clear($("#webhook-secret"), h("div", { class: "notice success" },
      h("p", {}, h("strong", {}, "Endpoint added."), " Its signing secret, shown only now — the receiver verifies ",
        h("code", {}, "Booker-Signature"), " with it:"),
      code("new-secret", created.secret), copyButton(created.secret, "Copy the secret")));
  });

  const rows = list(endpoints).map((e) => h("tr", { "data-endpoint": e.id },
    h("td", {}, e.url, e.description ? h("div", { class: "muted" }, e.description) : null),
    h("td", {}, e.events.map((x) => EVENT_LABELS[x] || x).join(", ")),
    h("td", {}, h("span", { class: `status status-${e.active ? "confirmed" : "cancelled"}` }, e.active ? "active" : "disabled"),
      e.disabled_reason ? h("div", { class: "muted" }, e.disabled_reason) : null),
    h("td", {}, `${e.deliveries.delivered} delivered, ${e.deliveries.pending} pending, ${e.deliveries.failed} failed`),
    h("td", {},
      h("button", { type: "button", class: "secondary", onclick: () => deliveriesView(detail, e, reload) }, "Deliveries"), " ",
      h("button", { type: "button", class: "secondary", onclick: async () => {
        await api(`/admin/webhooks/${e.id}`, { method: "PATCH", body: { active: !e.active } });
        announce(e.active ? "Endpoint disabled." : "Endpoint enabled.");
        reload();
      } }, e.active ? "Disable" : "Enable"), " ",
      h("button", { type: "button", class: "secondary danger", "aria-label": `Delete ${e.url}`, onclick: async () => {
        if (!window.confirm(`Delete ${e.url} and its delivery log?`)) return;
        await api(`/admin/webhooks/${e.id}`, { method: "DELETE" });
        announce("Endpoint deleted.");
        reload();
      } }, "Delete"))));
  clear(section, h("h3", {}, "Webhooks"),
    h("p", {}, "Booker POSTs each event as JSON signed with HMAC-SHA256 (header ", h("code", {}, "Booker-Signature"),
      "); failed deliveries are retried for about ten hours, then the endpoint is disabled and admins are emailed. ",
      h("a", { href: "/api/docs" }, "API reference")),
    secretBox,
    table("Webhook endpoints", ["URL", "Events", "State", "Deliveries", ""], rows, "No endpoints yet."),
    detail, form);
}

async function embedSection(section, services) {
  const origin = location.origin;
  clear(section, h("h3", {}, "Embed the booking calendar"),
    h("p", {}, "Paste a snippet into any page of your site. The site must be listed in ",
      h("code", {}, "BOOKER_FRAME_ANCESTORS"), " (docs/operations.md)."),
    list(services).filter((s) => s.active !== false).map((s) => h("div", { class: "embed-snippet", "data-service": s.slug },
      h("h4", {}, s.name),
      h("p", {}, "Script (sized to its content):"),
      code(`embed-script-${s.slug}`, `<script src="${origin}/embed.js" data-service="${s.slug}" async></script>`),
      h("p", {}, "Or a plain frame (fixed height):"),
      code(`embed-iframe-${s.slug}`, `<iframe src="${origin}/embed/${s.slug}" title="Book ${s.name.replace(/"/g, "&quot;")}" style="width:100%;height:720px;border:0"></iframe>`))));
}

async function feedsSection(section, resources) {
  const rows = list(resources).map((r) => {
    const cellUrl = h("td", {}, h("button", { type: "button", class: "secondary", onclick: async () => {
      const feed = await api(`/admin/resources/${r.id}/calendar-feed`);
      show(feed.token ? feed : await api(`/admin/resources/${r.id}/calendar-feed/rotate`, { method: "POST" }));
    } }, "Show URL"));
    function show(feed) {
      clear(cellUrl, h("a", { href: feed.webcal }, "Subscribe (webcal)"), " ", copyButton(feed.url, `Copy the feed URL of ${r.name}`), " ",
        h("button", { type: "button", class: "secondary", onclick: async () => {
          if (!window.confirm("Replace the URL? Calendars subscribed to the old one stop updating.")) return;
          show(await api(`/admin/resources/${r.id}/calendar-feed/rotate`, { method: "POST" }));
          announce("A new URL; the old one no longer works.");
        } }, "New URL"));
    }
    return h("tr", { "data-resource": r.slug }, h("td", {}, r.name), cellUrl);
  });
  clear(section, h("h3", {}, "Calendar feeds of resources"),
    h("p", {}, "A secret .ics subscription per resource for calendar apps; members and providers find theirs under My bookings."),
    table("Resource calendar feeds", ["Resource", "Subscription"], rows, "No resources yet."));
}

export async function webhooksPanel(panel) {
  const hooks = h("section", { id: "webhooks-section" });
  const embed = h("section", { id: "embed-section" });
  const feeds = h("section", { id: "feeds-section" });
  clear(panel, h("h2", {}, "Integrations"), hooks, embed, feeds);
  const [services, resources] = await Promise.all([api("/admin/services"), api("/admin/resources")]);
  await Promise.all([webhooksSection(hooks), embedSection(embed, services), feedsSection(feeds, resources)]);
}
