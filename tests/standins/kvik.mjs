// A stand-in for the kvik.shop App API (seeds/003): routes under `/api/app`, every request must
// carry `Accept-Encoding: gzip` (400 otherwise) and the module's credentials (a bearer token
// here; the document leaves the scheme open: 403 otherwise); every answer is gzip-compressed
// (`Content-Encoding: gzip`). `GET /api/app/orders` answers `{ data: [order] }`,
// `GET /api/app/orders/{id}` one order. (Plain HTTP on loopback: the worker allows it only
// with KVIK_ALLOW_INSECURE for a loopback address.)
import { gzipSync } from "node:zlib";
import { serve } from "./common.mjs";

/** Starts the stand-in; `orders` (each with its `id`) may be added to via `state.orders`. */
export async function startKvik({ token = "kvik-token", orders = [] } = {}) {
  const state = { orders: [...orders] };
  const gz = (status, body) => ({
    status,
    raw: gzipSync(JSON.stringify(body)),
    type: "application/json",
    headers: { "Content-Encoding": "gzip" },
  });
  const standin = await serve((r) => {
    if (!/\bgzip\b/.test(r.headers["accept-encoding"] ?? "")) return { status: 400, body: { message: "Accept-Encoding: gzip required" } };
    if ((r.headers.authorization ?? "") !== `Bearer ${token}`) return gz(403, { message: "Forbidden" });
    const path = r.url.split("?")[0];
    if (r.method === "GET" && path === "/api/app/orders") return gz(200, { data: state.orders });
    const one = /^\/api\/app\/orders\/([^/]+)$/.exec(path);
    if (r.method === "GET" && one) {
      const o = state.orders.find((x) => String(x.id) === decodeURIComponent(one[1]));
      return o ? gz(200, o) : gz(404, { message: "Not Found" });
    }
    return gz(404, { message: "Not Found" });
  });
  return { ...standin, state };
}
