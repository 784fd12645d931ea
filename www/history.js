// The admin page's "Shop order history" (issue 22): for a delivery whose key is a shop
// order's (`{platform}:{shop}:{number}`, a return booking's with `:refund:{refundId}`), what
// the worker's GET /v1/shop-orders/{platform}/{shop}/{number} answers: the order's state, its
// Geisenheim ids, every event (received, cancelled, corrected) and every delivery it caused
// with the upstream's answers. Plain ES module, no dependency; app.js calls `showHistory`.

const PLATFORMS = ["woocommerce", "shopware6", "shopify"];

const WORDS = {
  en: {
    title: "Shop order history",
    state: "State",
    ids: "Geisenheim ids",
    sale: "sale",
    events: "Events",
    deliveries: "Deliveries",
    none: "none",
    failed: "The history could not be read",
    kinds: { received: "received", cancelled: "cancelled", corrected: "corrected", not_delivered: "never delivered" },
    roles: { sale: "sale", return: "return booking", cancel: "cancel" },
  },
  de: {
    title: "Verlauf der Shop-Bestellung",
    state: "Zustand",
    ids: "Geisenheim-IDs",
    sale: "Verkauf",
    events: "Ereignisse",
    deliveries: "Zustellungen",
    none: "keine",
    failed: "Der Verlauf ließ sich nicht lesen",
    kinds: { received: "empfangen", cancelled: "storniert", corrected: "korrigiert", not_delivered: "nie zugestellt" },
    roles: { sale: "Verkauf", return: "Retourenbuchung", cancel: "Stornierung" },
  },
};
const words = () => WORDS[document.documentElement.lang === "de" ? "de" : "en"];

/** The shop order a delivery key names (`{platform}:{shop}:{number}`, optionally followed by
 * `:refund:{refundId}`; the shop may hold colons, a URL), or null. */
export function shopOrderOf(key) {
  if (typeof key !== "string") return null;
  const base = key.replace(/:refund:[^:]+$/, "");
  const first = base.indexOf(":");
  const last = base.lastIndexOf(":");
  if (first < 0 || last <= first) return null;
  const platform = base.slice(0, first);
  if (!PLATFORMS.includes(platform)) return null;
  return { platform, shop: base.slice(first + 1, last), number: base.slice(last + 1) };
}

/** An element with properties and children. */
function h(tag, props = {}, ...children) {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
}

/** The history `data` (the route's answer) as a section. */
export function renderHistory(data) {
  const w = words();
  const section = h("section", { id: "shop-history", className: "shop-history" });
  section.setAttribute("aria-label", w.title);
  section.append(h("h4", {}, `${w.title}: ${data.platform} · ${data.shop} · ${data.number}`));
  const ids = (data.geisenheimIds ?? []).map((g) => `${g.id} (${g.booking === "sale" ? w.sale : g.booking})`).join(", ");
  section.append(h("p", {}, `${w.state}: `, h("strong", { className: "shop-state" }, data.state ?? "–"), ` · ${w.ids}: ${ids || w.none}`));
  const events = h("ol", { className: "shop-events" });
  events.setAttribute("aria-label", w.events);
  for (const e of data.events ?? []) {
    const what = [
      e.topic,
      e.state,
      e.refund,
      Array.isArray(e.refunds) ? e.refunds.map((r) => (typeof r === "string" ? r : `${r.id} (${r.how})`)).join(", ") : null,
      Array.isArray(e.actions) && e.actions.length
        ? e.actions.map((a) => `${a.target} ${a.action}${a.invoiceId ? ` ${a.invoiceId}` : ""}`).join(", ")
        : null,
    ]
      .filter(Boolean)
      .join(" · ");
    const li = h("li", {}, `${e.at} · `, h("strong", {}, w.kinds[e.kind] ?? e.kind), what ? ` · ${what}` : "");
    li.dataset.kind = e.kind;
    events.append(li);
  }
  const deliveries = h("table", { className: "shop-deliveries" });
  deliveries.setAttribute("aria-label", w.deliveries);
  for (const d of data.deliveries ?? []) {
    const answers = (d.attemptLog ?? [])
      .map((a) => `${a.outcome} · HTTP ${a.upstreamStatus ?? "–"}${a.excerpt ? ` · ${a.excerpt}` : ""}`)
      .join(" | ");
    const row = h(
      "tr",
      {},
      h("td", {}, w.roles[d.role] ?? d.role),
      h("td", {}, d.target),
      h("td", {}, h("code", {}, d.key)),
      h("td", { className: `status ${d.status}` }, d.status),
      h("td", {}, answers || "–"),
    );
    row.dataset.role = d.role;
    row.dataset.status = d.status;
    deliveries.append(row);
  }
  section.append(h("h5", {}, w.events), events, h("h5", {}, w.deliveries), deliveries);
  return section;
}

/** Appends the shop order history of delivery key `key` to `box` when the key is a shop
 * order's; `api(method, path)` is the page's worker call (`{ status, data }`). */
export async function showHistory(box, key, api) {
  const o = shopOrderOf(key);
  if (!o) return;
  const { status, data } = await api("GET", `/v1/shop-orders/${o.platform}/${encodeURIComponent(o.shop)}/${encodeURIComponent(o.number)}`);
  if (status !== 200) {
    box.append(h("p", { className: "issue warning" }, `${words().failed} (HTTP ${status})`));
    return;
  }
  box.append(renderHistory(data));
}
