// The waitlist on the booking page (issue 16): a full slot offers "Join the waitlist" (a
// guest gives name and email; a member joins in one click). book.js calls openWaitlist()
// when a booked slot is chosen and shows joinButton() when an event is sold out. When a seat
// frees up, the database holds it for the first in line and emails them a link to
// /waitlist/offer/{id} (js/pages/waitlist-offer.js).
import { ApiError, api, currentUser } from "../api.js";
import { dayLabel, timeLabel, wallClock, zoneName } from "../time.js";
import { announce, clear, field, h, openDialog, showFieldErrors, spinner } from "../ui.js";

export function joinButton(svc, slot, tz) {
  if (!slot) return null;
  return h("button", { type: "button", class: "link", id: "join-waitlist", onclick: () => openWaitlist(svc, slot, tz) },
    "Join the waitlist");
}

export function openWaitlist(svc, slot, tz, returnFocus) {
  const user = currentUser();
  const start = new Date(Date.parse(slot.starts_at));
  const end = new Date(Date.parse(slot.ends_at));
  const day = wallClock(start, tz).day;
  const maxSeats = Math.max(1, svc.max_seats_per_booking || 1);
  const seatsField = maxSeats > 1
    ? field({ id: "wl-seats", name: "seats", label: "Seats", options: Array.from({ length: maxSeats }, (_, i) => [String(i + 1), String(i + 1)]) })
    : null;
  const guestFields = user ? null : [
    field({ id: "wl-name", name: "name", label: "Your name", required: true, attrs: { autocomplete: "name", maxlength: "200" } }),
    field({ id: "wl-email", name: "email", label: "Email", type: "email", required: true,
      hint: "We email you here when a seat is free for you.", attrs: { autocomplete: "email" } }),
  ];
  const label = user ? `Join the waitlist as ${user.name || user.email}` : "Join the waitlist";
  const message = h("div", { id: "wl-message", role: "alert" });
  const join = h("button", { type: "submit", id: "wl-join" }, label);
  const close = h("button", { type: "button", class: "secondary", id: "wl-close" }, "Close");
  const form = h("form", { novalidate: true },
    h("p", {}, "This time is fully booked. Join the waitlist: when a seat frees up, we hold it for you ",
      "and email you a link to book it. The seat goes to the next in line if you do not take it in time."),
    h("dl", { class: "summary" },
      h("dt", {}, "Service"), h("dd", {}, svc.name),
      h("dt", {}, "Date"), h("dd", {}, dayLabel(day, { weekday: "long", day: "numeric", month: "long", year: "numeric" })),
      h("dt", {}, "Time"), h("dd", {}, `${timeLabel(start, tz)} – ${timeLabel(end, tz)} (${zoneName(tz, start)})`)),
    seatsField, guestFields, message, h("div", { class: "actions" }, join, close));
  const dlg = openDialog({ title: "Join the waitlist", content: form, returnFocus });
  close.addEventListener("click", () => dlg.close());
  let busy = false;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (busy) return;
    const body = { service: svc.slug, starts_at: slot.starts_at, seats: seatsField ? Number(form.elements.seats.value) : 1 };
    const errors = {};
    if (!user) {
      body.attendee = { name: form.elements.name.value.trim(), email: form.elements.email.value.trim() };
      if (!body.attendee.name) errors.name = "Please enter your name.";
      if (!/^[^@\s]+@[^@\s]+$/.test(body.attendee.email)) errors.email = "Please enter a valid email address.";
    }
    showFieldErrors(form, errors);
    if (Object.keys(errors).length) return;
    busy = true;
    join.disabled = true;
    join.setAttribute("aria-busy", "true");
    clear(join, spinner(), "Joining…");
    message.className = "";
    message.textContent = "";
    try {
      showJoined(dlg, await api("/waitlist", { method: "POST", body }));
    } catch (err) {
      busy = false;
      join.disabled = false;
      join.removeAttribute("aria-busy");
      clear(join, label);
      message.className = "notice error";
      if (err instanceof ApiError && err.status === 422 && Object.keys(err.errors).length) {
        const mapped = {};
        const other = [];
        for (const [k, v] of Object.entries(err.errors)) {
          const name = k.split(".").pop();
          if (form.elements.namedItem(name)) mapped[name] = v;
          else other.push(k === "starts_at" && /free seats/.test(v) ? "A seat is free right now: close this and book it." : v);
        }
        showFieldErrors(form, mapped);
        message.textContent = other.join(" ") || "Please check the highlighted fields.";
      } else {
        message.textContent = err.message || "Something went wrong. Please try again.";
      }
    }
  });
  return dlg;
}

function showJoined(dlg, entry) {
  const headers = entry.token ? { "X-Waitlist-Token": entry.token } : {};
  const status = h("div", { class: "notice success", role: "status", id: "wl-success" },
    entry.place === 1 ? "You are next in line. " : entry.place ? `You are number ${entry.place} in line. ` : "",
    `When a seat frees up we hold it for you and email ${entry.email} a link to book it.`);
  const done = h("button", { type: "button", id: "wl-done" }, "Done");
  const leave = h("button", { type: "button", class: "secondary", id: "wl-leave" }, "Leave the waitlist");
  clear(dlg.body,
    h("h2", { id: dlg.dialog.getAttribute("aria-labelledby"), tabindex: "-1" }, "You are on the waitlist"),
    status, h("div", { class: "actions" }, done, leave));
  done.addEventListener("click", () => dlg.close());
  leave.addEventListener("click", async () => {
    leave.disabled = true;
    try {
      await api(`/waitlist/${encodeURIComponent(entry.id)}`, { method: "DELETE", headers });
      status.className = "notice";
      status.textContent = "You have left the waitlist.";
      leave.remove();
      announce("You have left the waitlist.");
    } catch (err) {
      leave.disabled = false;
      announce(`Could not leave the waitlist: ${err.message}`);
    }
  });
  done.focus();
  announce(status.textContent);
}
