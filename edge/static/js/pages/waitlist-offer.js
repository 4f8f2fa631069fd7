// "/waitlist/offer/{id}?token=…": a waitlist offer, opened from the link in the offer email.
// Opening the page changes nothing; "Book this seat" takes the offer (the held seat becomes the
// booking), "No, thanks" passes it to the next in line. Every call sends the token as
// X-Waitlist-Token (a signed-in member's own offer works without it).
import { ApiError, api } from "../api.js";
import { setupPage } from "../layout.js";
import { timeLabel, zoneName } from "../time.js";
import { $, announce, clear, formatDateTime, h, money, spinner } from "../ui.js";

const main = $("#main");
const id = location.pathname.split("/").pop();
const token = new URLSearchParams(location.search).get("token") || "";
const headers = token ? { "X-Waitlist-Token": token } : {};
const call = (path = "", opts = {}) => api(`/waitlist/offers/${encodeURIComponent(id)}${path}`, { ...opts, headers, retry: false });

function when(b) {
  const tz = b.timezone || "UTC";
  return `${formatDateTime(b.starts_at, tz)}–${timeLabel(new Date(b.ends_at), tz)} (${tz}, ${zoneName(tz, new Date(b.starts_at))})`;
}

function summary(offer) {
  const b = offer.booking;
  return h("dl", { class: "summary" },
    h("dt", {}, "Service"), h("dd", {}, b.service_name || offer.service_name),
    h("dt", {}, "When"), h("dd", {}, when(b)),
    h("dt", {}, "Seats"), h("dd", {}, String(b.seats || 1)),
    h("dt", {}, "Price"), h("dd", {}, money(b.price, b.currency)));
}

function render(offer) {
  const b = offer.booking;
  const parts = [];
  if (offer.offer_status === "open") {
    const accept = h("button", { type: "button", id: "offer-accept" }, "Book this seat");
    const decline = h("button", { type: "button", class: "secondary", id: "offer-decline" }, "No, thanks");
    const message = h("div", { id: "offer-message", role: "alert" });
    parts.push(h("h1", { id: "offer-heading", tabindex: "-1" }, "A seat is free for you"),
      h("p", {}, `We hold it for you until ${formatDateTime(b.hold_expires_at, b.timezone || "UTC")}. `,
        "Book it now; if you do not, it goes to the next person in line."),
      summary(offer), message, h("div", { class: "actions" }, accept, decline));
    accept.addEventListener("click", async () => {
      if (accept.disabled) return;
      accept.disabled = decline.disabled = true;
      accept.setAttribute("aria-busy", "true");
      clear(accept, spinner(), "Booking…");
      try {
        booked(await call("/accept", { method: "POST" }));
      } catch (err) {
        if (err instanceof ApiError && err.status === 409) {
          render({ ...offer, offer_status: "lapsed" });
          return;
        }
        accept.disabled = decline.disabled = false;
        accept.removeAttribute("aria-busy");
        clear(accept, "Book this seat");
        message.className = "notice error";
        message.textContent = err.message || "Something went wrong. Please try again.";
      }
    });
    decline.addEventListener("click", async () => {
      accept.disabled = decline.disabled = true;
      try {
        await call("/decline", { method: "POST" });
        render({ ...offer, offer_status: "declined" });
      } catch (err) {
        accept.disabled = decline.disabled = false;
        message.className = "notice error";
        message.textContent = err.message;
      }
    });
  } else if (offer.offer_status === "booked") {
    parts.push(h("h1", { id: "offer-heading", tabindex: "-1" }, "You have booked this seat"),
      h("p", { class: "reference", id: "offer-reference" }, b.reference), summary(offer));
  } else {
    parts.push(h("h1", { id: "offer-heading", tabindex: "-1" }, "This offer has ended"),
      h("p", { class: "notice", id: "offer-ended" }, offer.offer_status === "declined"
        ? "You turned this seat down; it went to the next person in line."
        : "The time to take this seat has passed; it went to the next person in line."),
      summary(offer), h("p", {}, h("a", { href: `/book/${encodeURIComponent(offer.service)}` }, "See other times")));
  }
  clear(main, ...parts);
  $("#offer-heading").focus();
}

function booked(b) {
  const pending = b.status === "pending";
  const heading = pending ? "Booking requested – email sent" : "Booking confirmed – email sent";
  clear(main,
    h("h1", { id: "offer-heading", tabindex: "-1" }, heading),
    h("div", { class: "notice success", role: "status", id: "booking-success" },
      pending ? "The provider confirms your request soon; we emailed you the details."
        : "We emailed you the details and a calendar invitation."),
    h("p", {}, "Your reference"),
    h("p", { class: "reference", id: "booking-reference" }, b.reference),
    b.manage_token ? h("p", {}, h("a", {
      id: "manage-link", href: `/book/manage/${b.id}?token=${encodeURIComponent(b.manage_token)}`,
    }, "Manage or cancel this booking")) : h("p", {}, h("a", { href: "/me" }, "See my bookings")));
  $("#offer-heading").focus();
  announce(`${heading}. Reference ${b.reference}`);
}

async function start() {
  await setupPage();
  try {
    render(await call());
  } catch (e) {
    clear(main, h("h1", {}, "Offer not found"),
      h("p", {}, e.status === 404 ? "This link is not valid. Please use the link from your email, or sign in." : `Could not load it: ${e.message}`));
  }
}

start();
