// The admin "Notifications" tab: the outbox, and retrying a failed message.
import { api } from "../api.js";
import { $, announce, clear, field, h } from "../ui.js";
import { list, when, table } from "./admin-common.js";

export async function notificationsPanel(panel) {
  const status = h("select", { id: "n-status", name: "status" },
    [["", "All"], ["pending", "Pending"], ["sending", "Sending"], ["sent", "Sent"], ["failed", "Failed"]].map(([v, t]) => h("option", { value: v }, t)));
  const results = h("div", {});
  async function load() {
    const q = status.value ? `?status=${status.value}` : "";
    let rows;
    try {
      rows = list(await api(`/admin/notifications${q}`));
    } catch (e) {
      clear(results, h("p", { class: "notice error" }, e.message));
      return;
    }
    clear(results, table("Notification outbox", ["Created", "Kind", "To", "Status", "Attempts", "Last error", ""], rows.map((n) =>
      h("tr", { "data-notification": n.id },
        h("td", {}, when(n.created_at)), h("td", {}, n.kind), h("td", {}, n.recipient || n.to || n.email || ""),
        h("td", {}, h("span", { class: `status status-${n.status}` }, n.status)), h("td", {}, String(n.attempts ?? "")),
        h("td", {}, n.status === "sent" ? "" : n.last_error || ""),  // a sent row's old error is history
        h("td", {}, n.status === "failed"
          ? h("button", { type: "button", class: "secondary", "aria-label": `Retry ${n.kind} to ${n.recipient || n.to || ""}`.trim(),
            onclick: async (e) => {
              e.currentTarget.disabled = true;
              try {
                await api(`/admin/notifications/${n.id}/retry`, { method: "POST" });
                announce("Queued for another attempt.");
              } catch (err) {
                announce(`Retry failed: ${err.message}`);
              }
              load();
            } }, "Retry") : null))), "The outbox is empty."));
  }
  status.addEventListener("change", load);
  clear(panel, h("h2", {}, "Notification outbox"),
    h("div", { class: "toolbar" }, h("div", { class: "field" }, h("label", { for: "n-status" }, "Status"), status),
      h("button", { type: "button", class: "secondary", onclick: load }, "Refresh")),
    results);
  await load();
}
