// "/embed/{slug}": the booking page of one service inside another site's frame (see
// /embed.js). The same module as /book/{slug} (live updates, conflicts, the booking
// dialog); the site's header and footer are hidden (html.embedded in app.css), and the
// page tells its parent how tall it is whenever that changes.
import "./embed-storage.js"; // first: storage may be blocked in a third-party frame
import "./book.js";

function postHeight() {
  const height = Math.ceil(document.body.getBoundingClientRect().height);
  if (window.parent !== window) window.parent.postMessage({ type: "booker:resize", height }, "*");
}

new ResizeObserver(postHeight).observe(document.body);
postHeight();
