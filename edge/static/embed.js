// Booker's embeddable booking widget. On any site:
//   <script src="<Booker's public URL>/embed.js" data-service="consultation" async></script>
// inserts, after this <script>, a frame showing the service's booking calendar
// (<public URL>/embed/consultation: live updates, conflicts and booking as on
// the booking page), sized to its content: the frame posts {type: "booker:resize", height}
// and only messages from that frame, from Booker's origin, are believed.
// Optional: data-title (the frame's accessible name), data-min-height (pixels).
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var service = script.getAttribute("data-service") || "";
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(service)) {
    console.error("Booker embed: data-service must be a service's slug, e.g. consultation");
    return;
  }
  var origin = new URL(script.src, location.href).origin;
  var frame = document.createElement("iframe");
  frame.src = origin + "/embed/" + service;
  frame.title = script.getAttribute("data-title") || "Book " + service.replace(/-/g, " ");
  frame.className = "booker-embed";
  frame.setAttribute("data-booker-service", service);
  var min = parseInt(script.getAttribute("data-min-height") || "320", 10);
  frame.style.cssText = "display:block;width:100%;border:0;height:" + min + "px";
  script.parentNode.insertBefore(frame, script.nextSibling);
  window.addEventListener("message", function (event) {
    if (event.origin !== origin || event.source !== frame.contentWindow) return;
    var data = event.data;
    if (!data || data.type !== "booker:resize" || typeof data.height !== "number") return;
    var height = Math.max(min, Math.min(Math.ceil(data.height), 20000));
    frame.style.height = height + "px";
  });
})();
