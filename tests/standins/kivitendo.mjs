// A stand-in for the kivitendo REST API (seeds/000 and the API's source it names): routes
// under `/api/v1`, HTTP Basic (`401 HTTP Basic: Access denied.`), XML bodies
// (`Content-Type: application/xml`, else 415). `GET /customers?email=`, `POST /customers`,
// `GET /orders?order_number=`, `POST /orders`; a customer needs `name`, `taxzone-id` and
// `currency-id`, an order `customer-id` and orderitems with `product-id` (Rails answers 422
// `<hash><status>422</status><error>…</error></hash>`); created records answer 200 with
// `<id>` and an empty `<errors>`.
import { serve, basic } from "./common.mjs";

const tag = (xml, name) => {
  const m = new RegExp(`<${name}(?: [^>]*)?>([^<]*)</${name}>`).exec(xml);
  return m ? m[1].trim() : null;
};
const rails = (status, error) => ({ status, type: "application/xml", body: `<?xml version="1.0" encoding="UTF-8"?>\n<hash>\n  <status>${status}</status>\n  <error>${error}</error>\n</hash>\n` });
const created = (root, id) => ({ status: 200, type: "application/xml", body: `<?xml version="1.0" encoding="UTF-8"?>\n<${root}>\n  <id type="integer">${id}</id>\n  <errors></errors>\n</${root}>\n` });
const list = (root, item, ids) => ({ status: 200, type: "application/xml",
  body: `<?xml version="1.0" encoding="UTF-8"?>\n<${root} type="array">${ids.map((id) => `<${item}><id type="integer">${id}</id></${item}>`).join("")}</${root}>\n` });

/** Starts the stand-in; `customers` are `{ id, email }` already in the ERP. */
export async function startKivitendo({ username = "kivi-api", password = "kivi-pass", customers = [] } = {}) {
  const state = { customers: [...customers], orders: [], nextId: 100 };
  const standin = await serve((r) => {
    const auth = basic(r.headers);
    if (!auth || auth.username !== username || auth.password !== password) {
      return { status: 401, type: "text/plain", body: "HTTP Basic: Access denied.\n" };
    }
    const [path, query = ""] = r.url.split("?");
    const q = new URLSearchParams(query);
    if (r.method === "GET" && path === "/api/v1/customers") {
      return list("customers", "customer", state.customers.filter((c) => c.email === q.get("email")).map((c) => c.id));
    }
    if (r.method === "GET" && path === "/api/v1/orders") {
      return list("orders", "order", state.orders.filter((o) => o.number === q.get("order_number")).map((o) => o.id));
    }
    if (r.method !== "POST" || !["/api/v1/customers", "/api/v1/orders"].includes(path)) return rails(404, "Not Found");
    if (!/^application\/xml\b/i.test(r.headers["content-type"] ?? "")) return rails(415, "Unsupported Media Type");
    if (path === "/api/v1/customers") {
      for (const k of ["name", "taxzone-id", "currency-id"]) if (!tag(r.body, k)) return rails(422, `${k} can't be blank`);
      const id = state.nextId++;
      state.customers.push({ id, email: tag(r.body, "email") });
      return created("customer", id);
    }
    if (!tag(r.body, "customer-id")) return rails(422, "customer-id can't be blank");
    if (!/<orderitem>/.test(r.body)) return rails(422, "orderitems can't be blank");
    for (const item of r.body.split("<orderitem>").slice(1)) if (!tag(item, "product-id")) return rails(422, "product-id can't be blank");
    const id = state.nextId++;
    state.orders.push({ id, number: tag(r.body, "order-number") });
    return created("order", id);
  });
  return { ...standin, state };
}
