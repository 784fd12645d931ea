// Stand-ins for the shop platforms' order APIs, as kontor's backfill and reconciliation read
// them (issue 24), written from the platforms' API references:
// - WooCommerce REST API v3, "List all orders" (woocommerce.github.io/woocommerce-rest-api-docs):
//   `GET /wp-json/wc/v3/orders`, the consumer key and secret as HTTP Basic (401
//   `woocommerce_rest_authentication_error` otherwise), `per_page` 1–100 and the other
//   parameters checked (400 `rest_invalid_param`), `modified_after` strictly after (WordPress's
//   date query), `orderby`/`order`, `X-WP-Total` and `X-WP-TotalPages`. (Basic over plain HTTP:
//   WooCommerce takes it over HTTPS only; the stand-in on loopback plays the TLS end.)
// - Shopify REST Admin API, `GET /admin/api/<version>/orders.json` and `orders/count.json`:
//   `X-Shopify-Access-Token` (401 `[API] Invalid API key or access token`), `status`,
//   `updated_at_min` (at or after), `limit` ≤ 250, cursor pagination with `Link: <…page_info=…>;
//   rel="next"` where a `page_info` request may carry only `limit` and `fields` (400 otherwise),
//   the leaky bucket (40 calls, 2 a second, `X-Shopify-Shop-Api-Call-Limit`, 429 with
//   `Retry-After: 2.0` when full).
// - Shopware 6 Admin API: `POST /api/oauth/token` (client credentials; 401 "Client
//   authentication failed"), tokens that expire after `expires_in` seconds (401 afterwards),
//   `POST /api/search/order` with criteria (`page`, `limit`, `filter` of `multi`/`range`/
//   `equals`, `sort`, `total-count-mode`, `associations`) answered as `{ total, data,
//   aggregations }` with `Accept: application/json`.
// Each records what it receives (common.mjs), answers from `state.orders` (changed with
// `state.change(id, fn)`: the platform's change time moves on) and calls `state.onList(n)`
// before answering the n-th list request (a test changes an order between pages there).
// `shopOrders()` seeds many orders from the corpus in tests/fixtures/shops/.
import { readFileSync } from "node:fs";
import { serve, basic } from "./common.mjs";

const fixture = (p) => JSON.parse(readFileSync(new URL(`../fixtures/shops/${p}`, import.meta.url), "utf8"));
const iso = (ms) => new Date(ms).toISOString();
const wooTime = (ms) => iso(ms).slice(0, 19); // WooCommerce's `_gmt` form: no zone, seconds

/** A catalogue entry of one bottle of Riesling for `sku`: every fact Geisenheim needs of a wine
 * (the seeded orders' SKU by default). */
export const wineEntry = (sku = "WEIN-RIES-2023") => ({
  sku,
  kind: "wine",
  bottles: 1,
  bottleSizeMl: 750,
  quality: "Qualitätswein",
  grapes: ["Riesling"],
  wineType: "Weißwein",
  taste: "trocken",
  weightGrams: 1300,
});

/** WooCommerce orders as Geisenheim takes them: in euros and shipped by DHL (its carrier is
 * named; the REST reference's sample is in dollars with a flat rate no carrier is named by). */
export const inEurosByDhl = (orders) =>
  orders.map((o) => ({
    ...o,
    currency: "EUR",
    shipping_lines: o.shipping_lines.map((l) => ({ ...l, method_id: "flat_rate", method_title: "DHL Paket" })),
  }));

/** `count` orders of `platform` built from the corpus' sample order, numbered from `first`,
 * created `stepMs` apart from `from` (ms), each line's SKU taken in turn from `skus`. */
export function shopOrders(
  platform,
  count,
  { first = 1001, from = Date.parse("2026-01-05T08:00:00Z"), stepMs = 60_000, skus = ["WEIN-RIES-2023"] } = {},
) {
  const out = [];
  for (let i = 0; i < count; i++) {
    const n = first + i;
    const at = from + i * stepMs;
    const sku = skus[i % skus.length];
    if (platform === "woocommerce") {
      const o = structuredClone(wooTemplate);
      Object.assign(o, {
        id: n,
        number: String(n),
        order_key: `wc_order_${n}`,
        date_created: wooTime(at),
        date_created_gmt: wooTime(at),
        date_modified: wooTime(at),
        date_modified_gmt: wooTime(at),
      });
      o.line_items = o.line_items.map((l, j) => ({ ...l, id: n * 10 + j, sku }));
      out.push(o);
    } else if (platform === "shopify") {
      const o = structuredClone(shopifyTemplate);
      Object.assign(o, {
        id: 5_000_000_000 + n,
        order_number: n,
        number: n - 1000,
        name: `#${n}`,
        created_at: iso(at),
        updated_at: iso(at),
        processed_at: iso(at),
      });
      o.line_items = o.line_items.map((l, j) => ({ ...l, id: 7_000_000_000 + n * 10 + j, sku }));
      out.push(o);
    } else {
      const o = structuredClone(shopwareTemplate);
      const hex = n.toString(16).padStart(32, "0");
      Object.assign(o, {
        id: hex,
        orderNumber: String(n),
        orderDateTime: iso(at),
        createdAt: iso(at).replace("Z", "+00:00"),
        updatedAt: null,
      });
      o.lineItems = o.lineItems.map((l, j) =>
        l.type === "product" ? { ...l, id: `${hex.slice(0, 30)}${j}0`, payload: { ...l.payload, productNumber: sku } } : l,
      );
      out.push(o);
    }
  }
  return out;
}

// The samples: WooCommerce's REST API reference order (its first line given a SKU), Shopify's
// `orders/create` sample as placed (not yet cancelled), Shopware's Admin API order.
const wooTemplate = fixture("woocommerce_order.json");
const shopifyTemplate = (() => {
  const o = fixture("shopify_orders_create.json");
  return { ...o, cancelled_at: null, cancel_reason: null, financial_status: "paid" };
})();
const shopwareTemplate = fixture("shopware6_order.json").data;

/** The state a stand-in answers from; `onList(n)` runs (synchronously) before the n-th list
 * request is answered. */
function lister() {
  return { state: { orders: [], onList: null } };
}

/** WooCommerce. `key`/`secret`: the REST API key; `port`: 0 for a free one. */
export async function startWooCommerce({ key = "ck_test", secret = "cs_test", orders = [], port = 0 } = {}) {
  const { state } = lister();
  state.orders = orders;
  // The REST API key the shop accepts (a test revokes it by changing these).
  state.key = key;
  state.secret = secret;
  let lists = 0;
  state.change = (id, fn) => {
    const o = state.orders.find((x) => x.id === id);
    fn?.(o);
    const now = Math.max(Date.now(), Date.parse(`${o.date_modified_gmt}Z`) + 1000);
    o.date_modified = o.date_modified_gmt = wooTime(now);
    return o;
  };
  const refuse = (status, code, message, params) => ({ status, body: { code, message, data: { status, ...(params ? { params } : {}) } } });
  const handle = (r) => {
    const url = new URL(r.url, "http://x");
    if (url.pathname !== "/wp-json/wc/v3/orders" || r.method !== "GET")
      return refuse(404, "rest_no_route", "No route was found matching the URL and request method.");
    const b = basic(r.headers);
    if (!b || b.username !== state.key) return refuse(401, "woocommerce_rest_authentication_error", "Consumer key is invalid.");
    if (b.password !== state.secret)
      return refuse(401, "woocommerce_rest_authentication_error", "Invalid signature - provided signature does not match.");
    const q = url.searchParams;
    const perPage = Number(q.get("per_page") ?? 10);
    const page = Number(q.get("page") ?? 1);
    const orderby = q.get("orderby") ?? "date";
    const order = q.get("order") ?? "desc";
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100)
      return refuse(400, "rest_invalid_param", "Invalid parameter(s): per_page", {
        per_page: "per_page must be between 1 (inclusive) and 100 (inclusive)",
      });
    if (!Number.isInteger(page) || page < 1)
      return refuse(400, "rest_invalid_param", "Invalid parameter(s): page", { page: "page must be greater than or equal to 1" });
    if (!["date", "id", "include", "title", "slug", "modified"].includes(orderby))
      return refuse(400, "rest_invalid_param", "Invalid parameter(s): orderby", {
        orderby: "orderby is not one of date, id, include, title, slug, and modified.",
      });
    if (!["asc", "desc"].includes(order))
      return refuse(400, "rest_invalid_param", "Invalid parameter(s): order", { order: "order is not one of asc and desc." });
    const after = q.get("modified_after");
    const gmt = q.get("dates_are_gmt") === "true";
    if (after !== null && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})?$/.test(after))
      return refuse(400, "rest_invalid_param", "Invalid parameter(s): modified_after", { modified_after: "Invalid date." });
    // The shop's own time zone is UTC here, so local and GMT dates agree either way.
    void gmt;
    const afterMs = after === null ? -Infinity : Date.parse(/[Z+-]\d{0,2}:?\d{0,2}$/.test(after.slice(19)) ? after : `${after}Z`);
    lists += 1;
    state.onList?.(lists);
    const key_ = (o) =>
      orderby === "id" ? o.id : orderby === "modified" ? Date.parse(`${o.date_modified_gmt}Z`) : Date.parse(`${o.date_created_gmt}Z`);
    const matching = state.orders
      .filter((o) => Date.parse(`${o.date_modified_gmt}Z`) > afterMs)
      .sort((a, b) => (key_(a) - key_(b)) * (order === "asc" ? 1 : -1));
    const total = matching.length;
    return {
      status: 200,
      body: matching.slice((page - 1) * perPage, page * perPage),
      headers: { "X-WP-Total": String(total), "X-WP-TotalPages": String(Math.ceil(total / perPage)) },
      // `state.listDelayMs`: a slow shop (a test's window between pages).
      delayMs: state.listDelayMs ?? 0,
    };
  };
  const standin = await serve(handle, { port });
  return { ...standin, state, key, secret };
}

/** Shopify. `token`: the Admin API access token; `bucket`: `{ size, perSecond }`; `port`: 0 for a
 * free one. */
export async function startShopify({
  token = "shpat_test",
  orders = [],
  bucket = { size: 40, perSecond: 2 },
  version = "2025-10",
  port = 0,
} = {}) {
  const { state } = lister();
  state.orders = orders;
  state.token = token;
  state.change = (id, fn) => {
    const o = state.orders.find((x) => x.id === id);
    fn?.(o);
    o.updated_at = iso(Math.max(Date.now(), Date.parse(o.updated_at) + 1000));
    return o;
  };
  let level = 0;
  let leakedAt = Date.now();
  let lists = 0;
  const cursors = new Map();
  const handle = (r) => {
    const url = new URL(r.url, "http://x");
    if ((r.headers["x-shopify-access-token"] ?? "") !== state.token)
      return { status: 401, body: { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" } };
    const now = Date.now();
    level = Math.max(0, level - ((now - leakedAt) / 1000) * bucket.perSecond);
    leakedAt = now;
    if (level + 1 > bucket.size)
      return {
        status: 429,
        body: { errors: "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service." },
        headers: { "Retry-After": "2.0", "X-Shopify-Shop-Api-Call-Limit": `${bucket.size}/${bucket.size}` },
      };
    level += 1;
    const limitHeader = { "X-Shopify-Shop-Api-Call-Limit": `${Math.ceil(level)}/${bucket.size}` };
    const q = url.searchParams;
    const base = `/admin/api/${version}/orders`;
    const filter = (o, f) =>
      (f.status === "any" || f.status === null
        ? true
        : f.status === "open"
          ? !o.closed_at && !o.cancelled_at
          : f.status === "closed"
            ? !!o.closed_at
            : f.status === "cancelled"
              ? !!o.cancelled_at
              : true) &&
      (f.since === null || Date.parse(o.updated_at) >= f.since);
    const readFilter = () => {
      const since = q.get("updated_at_min");
      if (since !== null && Number.isNaN(Date.parse(since))) return null;
      return { status: q.get("status"), since: since === null ? null : Date.parse(since) };
    };
    if (r.method === "GET" && url.pathname === `${base}/count.json`) {
      const f = readFilter();
      if (!f) return { status: 400, body: { errors: { updated_at_min: ["is invalid"] } }, headers: limitHeader };
      return { status: 200, body: { count: state.orders.filter((o) => filter(o, f)).length }, headers: limitHeader };
    }
    if (r.method !== "GET" || url.pathname !== `${base}.json`) return { status: 404, body: { errors: "Not Found" }, headers: limitHeader };
    const limit = Number(q.get("limit") ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > 250)
      return { status: 400, body: { errors: { limit: ["must be between 1 and 250"] } }, headers: limitHeader };
    let f;
    let afterId = null;
    const pageInfo = q.get("page_info");
    if (pageInfo !== null) {
      const extra = [...q.keys()].filter((k) => !["page_info", "limit", "fields"].includes(k));
      if (extra.length)
        return {
          status: 400,
          body: { errors: { page_info: [`can't be used with ${extra.join(", ")}: only limit and fields may accompany page_info`] } },
          headers: limitHeader,
        };
      const c = cursors.get(pageInfo);
      if (!c) return { status: 400, body: { errors: { page_info: ["Invalid value."] } }, headers: limitHeader };
      ({ f, afterId } = c);
    } else {
      f = readFilter();
      if (!f) return { status: 400, body: { errors: { updated_at_min: ["is invalid"] } }, headers: limitHeader };
    }
    lists += 1;
    state.onList?.(lists);
    // Keyset by id (Shopify's cursors are keyset: a change does not move the others).
    const matching = state.orders.filter((o) => filter(o, f) && (afterId === null || o.id > afterId)).sort((a, b) => a.id - b.id);
    const page = matching.slice(0, limit);
    const headers = { ...limitHeader };
    if (matching.length > limit) {
      const next = Buffer.from(JSON.stringify({ last: page[page.length - 1].id, n: cursors.size })).toString("base64url");
      cursors.set(next, { f, afterId: page[page.length - 1].id });
      headers.Link = `<https://${r.headers.host}${base}.json?limit=${limit}&page_info=${next}>; rel="next"`;
    }
    return { status: 200, body: { orders: page }, headers };
  };
  const standin = await serve(handle, { port });
  return { ...standin, state, token };
}

/** Shopware 6. `clientId`/`clientSecret`: the integration's; `tokenSeconds`: a token's life. */
export async function startShopware({ clientId = "SWIATEST", clientSecret = "sw-secret", orders = [], tokenSeconds = 600 } = {}) {
  const { state } = lister();
  state.orders = orders;
  state.change = (id, fn) => {
    const o = state.orders.find((x) => x.id === id);
    fn?.(o);
    o.updatedAt = iso(Math.max(Date.now(), Date.parse(o.updatedAt ?? o.createdAt) + 1000)).replace("Z", "+00:00");
    return o;
  };
  const tokens = new Map();
  state.expireTokens = () => {
    for (const k of tokens.keys()) tokens.set(k, 0);
  };
  let lists = 0;
  const unauthorized = (detail, hint) => ({
    status: 401,
    body: {
      errors: [
        {
          code: hint ? "9" : "4",
          status: "401",
          title: "Unauthorized",
          detail,
          ...(hint ? { meta: { parameters: { error: "access_denied", hint } } } : {}),
        },
      ],
    },
  });
  const time = (v) =>
    v === null || v === undefined ? null : Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(v) ? v.replace(" ", "T") : `${v.replace(" ", "T")}Z`);
  const matches = (o, f) => {
    if (f.type === "multi") {
      const rs = f.queries.map((q) => matches(o, q));
      return (f.operator ?? "and").toLowerCase() === "or" ? rs.some(Boolean) : rs.every(Boolean);
    }
    const v = o[f.field];
    if (f.type === "equals") return f.value === null ? v === null || v === undefined : v === f.value;
    if (f.type === "range") {
      const x = time(v);
      if (x === null) return false;
      const p = f.parameters;
      return (
        (p.gte === undefined || x >= time(p.gte)) &&
        (p.gt === undefined || x > time(p.gt)) &&
        (p.lte === undefined || x <= time(p.lte)) &&
        (p.lt === undefined || x < time(p.lt))
      );
    }
    throw new Error(`filter type ${f.type} not in the stand-in`);
  };
  const standin = await serve((r) => {
    const url = new URL(r.url, "http://x");
    if (r.method === "POST" && url.pathname === "/api/oauth/token") {
      let b;
      try {
        b = JSON.parse(r.body);
      } catch {
        return {
          status: 400,
          body: { errors: [{ code: "0", status: "400", title: "Bad Request", detail: "The request is missing a required parameter" }] },
        };
      }
      if (b.grant_type !== "client_credentials")
        return {
          status: 400,
          body: {
            errors: [
              {
                code: "2",
                status: "400",
                title: "Bad Request",
                detail: "The authorization grant type is not supported by the authorization server.",
              },
            ],
          },
        };
      if (b.client_id !== clientId || b.client_secret !== clientSecret) return unauthorized("Client authentication failed");
      const t = `sw-token-${tokens.size + 1}-${Math.random().toString(36).slice(2)}`;
      tokens.set(t, Date.now() + tokenSeconds * 1000);
      return { status: 200, body: { token_type: "Bearer", expires_in: tokenSeconds, access_token: t } };
    }
    const m = /^Bearer (.+)$/.exec(r.headers.authorization ?? "");
    const exp = m ? tokens.get(m[1]) : undefined;
    if (exp === undefined)
      return unauthorized("The resource owner or authorization server denied the request.", "Access token could not be verified");
    if (exp <= Date.now()) return unauthorized("The resource owner or authorization server denied the request.", "Access token is expired");
    if (r.method !== "POST" || url.pathname !== "/api/search/order")
      return {
        status: 404,
        body: { errors: [{ code: "0", status: "404", title: "Not Found", detail: `No route found for "${r.method} ${url.pathname}"` }] },
      };
    let c;
    try {
      c = JSON.parse(r.body || "{}");
    } catch {
      return {
        status: 400,
        body: {
          errors: [{ code: "FRAMEWORK__INVALID_CRITERIA", status: "400", title: "Bad Request", detail: "The criteria is not JSON" }],
        },
      };
    }
    const page = c.page ?? 1;
    const limit = c.limit ?? 25;
    if (!Number.isInteger(page) || page < 1 || !Number.isInteger(limit) || limit < 1)
      return {
        status: 400,
        body: {
          errors: [
            {
              code: "FRAMEWORK__INVALID_CRITERIA_PARAMETER",
              status: "400",
              title: "Bad Request",
              detail: "page and limit are positive integers",
              source: { pointer: "/limit" },
            },
          ],
        },
      };
    lists += 1;
    state.onList?.(lists);
    let list = state.orders.filter((o) => (c.filter ?? []).every((f) => matches(o, f)));
    const sorts = c.sort ?? [];
    list = list.sort((a, b) => {
      for (const s of sorts) {
        const ta = time(a[s.field]) ?? a[s.field];
        const tb = time(b[s.field]) ?? b[s.field];
        const d = ta < tb ? -1 : ta > tb ? 1 : 0;
        if (d) return (s.order ?? "ASC").toUpperCase() === "DESC" ? -d : d;
      }
      return 0;
    });
    const total = list.length;
    const data = list.slice((page - 1) * limit, page * limit);
    // total-count-mode 0 (default) answers the page's count only.
    return { status: 200, body: { total: c["total-count-mode"] ? total : data.length, data, aggregations: [] } };
  });
  return { ...standin, state, clientId, clientSecret };
}
