// "My bookings" → Calendar subscriptions (issue 16): the secret .ics URLs of my bookings
// (and, for owners of resources, of their bookings), a webcal:// link calendar apps open,
// and a button that replaces a URL (the old one stops working at once).
import { api } from "../api.js";
import { announce, clear, h } from "../ui.js";

function feedItem(feed) {
  const li = h("li", { "data-feed": feed.kind });
  function render(f) {
    const name = h("strong", {}, f.name || (f.kind === "provider" ? "Bookings of my resources" : "My bookings"));
    if (!f.token) {
      clear(li, name, " ", h("button", { type: "button", class: "secondary", onclick: async () => {
        render({ ...f, ...(await api("/me/calendar-feeds/rotate", { method: "POST", body: { kind: f.kind } })) });
        announce("Your subscription link is ready.");
      } }, "Create subscription link"));
      return;
    }
    clear(li, name, " ",
      h("a", { href: f.webcal, class: "feed-link" }, "Subscribe in your calendar app"), " ",
      h("input", { class: "feed-url", readonly: true, value: f.url, "aria-label": `Subscription URL: ${f.name || f.kind}`,
        onfocus: (e) => e.currentTarget.select() }), " ",
      h("button", { type: "button", class: "secondary", onclick: async () => {
        if (!window.confirm("Replace this URL? Calendars subscribed to the old one stop updating.")) return;
        render({ ...f, ...(await api("/me/calendar-feeds/rotate", { method: "POST", body: { kind: f.kind } })) });
        announce("A new subscription URL; the old one no longer works.");
      } }, "New URL"));
  }
  render(feed);
  return li;
}

export async function calendarFeedsSection() {
  const section = h("section", { "aria-labelledby": "feeds-h", id: "calendar-feeds" },
    h("h2", { id: "feeds-h" }, "Calendar subscriptions"));
  try {
    const body = await api("/me/calendar-feeds");
    section.append(h("p", { class: "muted" }, "Keep these links private: anyone with one can read the calendar. "
      + "Cancelled bookings stay listed as cancelled for 30 days."), h("ul", { class: "feed-list" }, (body.data || []).map(feedItem)));
  } catch (e) {
    section.append(h("p", { class: "notice error" }, `Could not load your calendar links: ${e.message}`));
  }
  return section;
}
