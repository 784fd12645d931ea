// A stand-in for the Westarp Verlagsservice API 2.0, written from the document (seeds/004):
// HTTP Bearer token on every request (401 `{ "message": "Unauthenticated." }`), `GET
// /publishers` (with the VLB credentials the document shows), and `POST /orders` with a JSON
// body whose required fields (code, type, person, payment_address, shipping_address,
// payment_method_id ∈ 1 3 6 8 9, shipping_method_name, shipping_cost, items) are checked:
// 422 with Laravel's `{ message, errors: { field: [msg] } }`; 200 `{ data: [order] }`. `GET
// /orders` lists the orders created, newest first, 50 per page (`?page=`), in the document's
// shape (`{ data: [{ id, content: { publisher_id, code, status, … } }], current_page, … }`).
import { serve } from "./common.mjs";

/** Starts the stand-in; `token` is the only one it accepts. */
export async function startWestarp({ token = "westarp-token" } = {}) {
  let next = 2944;
  const orders = [];
  const standin = await serve((r) => {
    if ((r.headers.authorization ?? "") !== `Bearer ${token}`) {
      return { status: 401, body: { message: "Unauthenticated." } };
    }
    const path = r.url.split("?")[0].replace(/^\/v2/, "");
    if (r.method === "GET" && path === "/publishers") {
      return {
        status: 200,
        body: [
          {
            id: 51,
            name: "Wundersam Verlag",
            short: "wundersam",
            email: "info@wundersam-verlag.de",
            vlb_user: "wundersam-652",
            vlb_pass: "624de7eb38",
            vlb_token: "174ccbd8-ba9e-470e-854f-b72ccdb9aba8",
            vlb_media_token: "c6799ac9-7916-4392-9065-cffc348629d4",
          },
        ],
      };
    }
    if (r.method === "GET" && path === "/orders") {
      const page = Math.max(1, Number(new URLSearchParams(r.url.split("?")[1] ?? "").get("page") ?? 1) || 1);
      const newest = [...orders].reverse();
      const last = Math.max(1, Math.ceil(newest.length / 50));
      return {
        status: 200,
        body: {
          data: newest.slice((page - 1) * 50, page * 50),
          from: (page - 1) * 50 + 1,
          current_page: page,
          last_page: last,
          per_page: 50,
          total: newest.length,
        },
      };
    }
    if (r.method !== "POST" || path !== "/orders") return { status: 404, body: { message: "Not Found" } };
    if (!/^application\/json\b/i.test(r.headers["content-type"] ?? "")) {
      return { status: 415, body: { message: "Unsupported Media Type: send application/json" } };
    }
    let o;
    try {
      o = JSON.parse(r.body);
    } catch {
      return { status: 400, body: { message: "malformed JSON" } };
    }
    const errors = {};
    const need = (obj, key, path) => {
      if (obj == null || obj[key] === undefined || obj[key] === null || obj[key] === "") errors[path] = [`The ${path} field is required.`];
    };
    for (const k of [
      "code",
      "type",
      "person",
      "payment_address",
      "shipping_address",
      "payment_method_id",
      "shipping_method_name",
      "shipping_cost",
      "items",
    ])
      need(o, k, k);
    if (o.type != null && !["email", "shop", "phone", "fax", "post"].includes(o.type)) errors.type = ["The selected type is invalid."];
    if (o.payment_method_id != null && ![1, 3, 6, 8, 9].includes(o.payment_method_id))
      errors.payment_method_id = ["The selected payment method id is invalid."];
    (Array.isArray(o.items) ? o.items : []).forEach((it, i) => {
      need(it, "quantity", `items.${i}.quantity`);
      if (it.isbn == null && it.book_id == null)
        errors[`items.${i}.isbn`] = [`The items.${i}.isbn field is required when items.${i}.book id is not present.`];
    });
    if (Object.keys(errors).length) {
      const first = Object.values(errors)[0][0];
      return { status: 422, body: { message: first, errors } };
    }
    const id = `76.${next++}`;
    orders.push({ id, content: { publisher_id: 76, code: o.code, status: "pending", type: o.type, created_at: new Date().toISOString() } });
    return {
      status: 200,
      body: {
        data: [
          {
            id,
            publisher_id: 76,
            code: o.code,
            type: o.type,
            status: "pending",
            payment_address: o.payment_address,
            shipping_address: o.shipping_address,
            items: o.items,
          },
        ],
      },
    };
  });
  return { ...standin, orders };
}
