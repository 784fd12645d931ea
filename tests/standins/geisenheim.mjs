// A stand-in for the Geisenheim Weinwirtschaftsportal JSON API v1.2.0, written from the
// document (seeds/001): `POST /erp/orders` (§2.1) and `DELETE /erp/orders/ID` (§2.2), HTTP
// Basic on every request (§1), `Content-Type: application/json` required (§1), every field
// required unless marked optional (§2.1). Validation failures answer 400 (the document names
// the status, not the body: `{ message, errors: { "items.0.size": ["…"] } }` here). An id is a
// gapless database id used "zur späteren Erfassung von Stornierungen" (§2.1): a second POST
// with an id it already has (or had, before a DELETE) is refused with 400 as a validation
// failure, and a DELETE of an id it does not have answers 404. `orders` (id → body) and
// `deleted` (ids) show what it holds.
import { serve, basic } from "./common.mjs";

/** Starts the stand-in; `credentials` (changeable: `standin.credentials.password = …`, as when
 * the API is re-activated in the backend) are the only ones it accepts. */
export async function startGeisenheim({ username = "api@test.de", password = "pw141819" } = {}) {
  const orders = new Map();
  const deleted = new Set();
  const credentials = { username, password };
  const standin = await serve((r) => {
    const auth = basic(r.headers);
    if (!auth || auth.username !== credentials.username || auth.password !== credentials.password) {
      return { status: 401, body: { message: "Unauthorized" } };
    }
    const path = r.url.split("?")[0];
    const del = /^\/erp\/orders\/([^/]+)$/.exec(path);
    if (r.method === "DELETE" && del) {
      if (!orders.has(del[1])) return { status: 404, body: { message: "Order not found" } };
      orders.delete(del[1]);
      deleted.add(del[1]);
      return { status: 204 };
    }
    if (r.method !== "POST" || path !== "/erp/orders") return { status: 404, body: { message: "Not found" } };
    if (!/^application\/json(\s*;\s*(encoding|charset)=utf-8)?$/i.test(r.headers["content-type"] ?? "")) {
      return { status: 400, body: { message: "Content-Type must be application/json" } };
    }
    let o;
    try {
      o = JSON.parse(r.body);
    } catch {
      return { status: 400, body: { message: "malformed JSON" } };
    }
    const errors = {};
    const need = (obj, key, path) => {
      if (obj == null || obj[key] === undefined || obj[key] === null) errors[path] = [`${path} is required`];
    };
    need(o, "date", "date");
    if (o.date != null && !/^\d{4}-\d{2}-\d{2}$/.test(o.date)) errors.date = ["date must be YYYY-MM-DD"];
    need(o, "id", "id");
    need(o, "recipient", "recipient");
    need(o, "items", "items");
    const rc = o.recipient ?? {};
    for (const k of ["id", "category", "source"]) need(rc, k, `recipient.${k}`);
    if (rc.source === "online") for (const k of ["delivery", "postalCode", "country"]) need(rc, k, `recipient.${k}`);
    (Array.isArray(o.items) ? o.items : []).forEach((it, i) => {
      for (const k of ["id", "quantity", "category", "price", "tax", "discount"]) need(it, k, `items.${i}.${k}`);
      if ([1, 2, 3, 4, 5].includes(it.category)) need(it, "size", `items.${i}.size`);
    });
    if (o.id != null && (orders.has(String(o.id)) || deleted.has(String(o.id)))) errors.id = ["The id has already been taken."];
    if (Object.keys(errors).length) return { status: 400, body: { message: "The given data was invalid.", errors } };
    orders.set(String(o.id), o);
    return { status: 200, body: { id: o.id } };
  });
  return { ...standin, credentials, orders, deleted };
}
