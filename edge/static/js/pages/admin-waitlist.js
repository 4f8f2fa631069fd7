// The admin "Waitlist" tab (issue 16): who waits for which full slot, in line order; move an
// entry up or down (its place in its slot's line), remove it, and set how long a service's
// offers stay open. Offers themselves are made by the database when seats free up.
import { api } from "../api.js";
import { announce, clear, h } from "../ui.js";
import { list, table, when } from "./admin-common.js";

export async function waitlistPanel(panel) {
  const service = h("select", { id: "wl-service", name: "service" }, h("option", { value: "" }, "All services"));
  const status = h("select", { id: "wl-status", name: "status" },
    [["", "Waiting and offered"], ["waiting", "Waiting"], ["offered", "Offered"], ["booked", "Booked"],
      ["lapsed", "Lapsed"], ["declined", "Declined"], ["left", "Left"], ["ended", "Ended"]].map(([v, t]) => h("option", { value: v }, t)));
  const minutesBox = h("div", { id: "wl-minutes-box" });
  const results = h("div", { id: "wl-results" });
  let services = [];
  try {
    services = list(await api("/admin/services?limit=200"));
  } catch {
    services = [];
  }
  for (const s of services) service.append(h("option", { value: s.slug }, s.name));

  async function move(entry, place) {
    try {
      await api(`/admin/waitlist/${entry.id}/move`, { method: "POST", body: { place } });
      announce(`${entry.name} is now number ${place} in line.`);
    } catch (err) {
      announce(`Could not move: ${err.message}`);
    }
    await load();
    document.querySelector(`[data-entry="${entry.id}"] button`)?.focus();
  }

  async function remove(entry) {
    try {
      await api(`/admin/waitlist/${entry.id}`, { method: "DELETE" });
      announce(`${entry.name} was removed from the waitlist.`);
    } catch (err) {
      announce(`Could not remove: ${err.message}`);
    }
    await load();
  }

  async function load() {
    const q = new URLSearchParams();
    if (service.value) q.set("service", service.value);
    if (status.value) q.set("status", status.value);
    let rows;
    let offerMinutes = {};
    try {
      const body = await api(`/admin/waitlist?${q}`);
      rows = list(body);
      offerMinutes = body.offer_minutes || {};
    } catch (e) {
      clear(results, h("p", { class: "notice error" }, e.message));
      return;
    }
    const waiting = (e) => e.status === "waiting";
    const last = new Map();
    for (const e of rows.filter(waiting)) last.set(`${e.service}|${e.starts_at}`, Math.max(last.get(`${e.service}|${e.starts_at}`) || 0, e.place));
    clear(results, table("Waitlist", ["Service", "Time", "Place", "Name", "Email", "Seats", "Status", ""], rows.map((e) =>
      h("tr", { "data-entry": e.id },
        h("td", {}, e.service_name), h("td", {}, when(e.starts_at)), h("td", {}, e.place ? String(e.place) : ""),
        h("td", {}, e.name), h("td", {}, e.email), h("td", {}, String(e.seats)),
        h("td", {}, h("span", { class: `status status-${e.status}` }, e.status),
          e.offer && e.status === "offered" ? ` until ${when(e.offer.expires_at)}` : ""),
        h("td", { class: "actions" },
          waiting(e) && e.place > 1 ? h("button", { type: "button", class: "secondary", "aria-label": `Move ${e.name} up`,
            onclick: () => move(e, e.place - 1) }, "↑ Up") : null,
          waiting(e) && e.place < last.get(`${e.service}|${e.starts_at}`) ? h("button", { type: "button", class: "secondary",
            "aria-label": `Move ${e.name} down`, onclick: () => move(e, e.place + 1) }, "↓ Down") : null,
          ["waiting", "offered"].includes(e.status) ? h("button", { type: "button", class: "secondary",
            "aria-label": `Remove ${e.name} from the waitlist`, onclick: () => remove(e) }, "Remove") : null))),
    "Nobody is waiting."));
    const chosen = services.find((s) => s.slug === service.value);
    const minutes = offerMinutes[service.value];
    clear(minutesBox);
    if (chosen) {
      const input = h("input", { id: "wl-minutes", name: "waitlist_offer_minutes", type: "number", min: "5", max: "10080",
        value: String(minutes ?? 30) });
      const save = h("button", { type: "button", class: "secondary", id: "wl-minutes-save" }, "Save");
      const note = h("span", { class: "hint", role: "status" });
      save.addEventListener("click", async () => {
        try {
          const r = await api(`/admin/services/${chosen.id}/waitlist`, { method: "PUT",
            body: { waitlist_offer_minutes: Number(input.value) } });
          note.textContent = `Saved: offers stay open ${r.waitlist_offer_minutes} minutes.`;
        } catch (err) {
          note.textContent = err.errors?.waitlist_offer_minutes || err.message;
        }
      });
      minutesBox.append(h("div", { class: "field" }, h("label", { for: "wl-minutes" }, `Offer time for ${chosen.name} (minutes)`),
        input), save, note);
    }
  }
  service.addEventListener("change", load);
  status.addEventListener("change", load);
  clear(panel, h("h2", {}, "Waitlist"),
    h("p", { class: "muted" }, "When seats of a full time free up, the first in line gets them held and an email ",
      "with a link to book; an offer not taken in time passes to the next."),
    h("div", { class: "toolbar" },
      h("div", { class: "field" }, h("label", { for: "wl-service" }, "Service"), service),
      h("div", { class: "field" }, h("label", { for: "wl-status" }, "Status"), status),
      h("button", { type: "button", class: "secondary", onclick: load }, "Refresh")),
    minutesBox, results);
  await load();
}
