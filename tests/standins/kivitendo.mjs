// A stand-in for the kivitendo REST API plugin (0.5.0), for what the real one cannot be told
// to do (failures, lost answers; tests/kivitendo-real/ runs the real plugin). It answers as the
// real plugin on kivitendo 3.9.2/4.0.0 does: routes under `/api/v1`, HTTP Basic
// (`401 HTTP Basic: Access denied.`), XML bodies served as `Content-Type: application/json`
// (rabl's default), Rails' error documents as application/xml. `GET /customers?email=`
// (`<customer type="array">`), `GET /customers/{id}` (an unknown id: 200 with an empty
// `<nil-classes type="array"/>`), `POST /customers`, `PUT /customers/{id}` (200 with `<id>` and
// `<errors>`; an unknown id: 404), `GET /orders?order_number=` / `?quote_number=`,
// `POST /orders`. What the database refuses (a customer without `name`, `taxzone-id` or
// `currency-id`; an order without `record-type` or with one kivitendo lacks, a unit the client
// lacks, a quotation without an order number) is a bare 500, as the real plugin answers it.
import { serve, basic } from "./common.mjs";

const RECORD_TYPES = [
  "sales_order",
  "sales_order_intake",
  "sales_quotation",
  "request_quotation",
  "purchase_quotation_intake",
  "purchase_order",
  "purchase_order_confirmation",
];
const UNITS = ["Stck", "psch", "Tag", "Std", "min", "t", "kg", "g", "mg", "L", "ml"];
const XML_AS_JSON = "application/json; charset=utf-8";

/** The text of `<name>` (`""` for `<name type="string"/>`), or null. */
const tag = (xml, name) => {
  if (new RegExp(`<${name} type="string"/>`).test(xml)) return "";
  const m = new RegExp(`<${name}(?: [^>]*)?>([^<]*)</${name}>`).exec(xml);
  return m ? m[1].trim() : null;
};
const rails = (status, error) => ({
  status,
  type: "application/xml; charset=UTF-8",
  body: `<?xml version="1.0" encoding="UTF-8"?>\n<hash>\n  <status type="integer">${status}</status>\n  <error>${error}</error>\n</hash>\n`,
});
const failed = () => rails(500, "Internal Server Error");
const created = (root, id) => ({
  status: 200,
  type: XML_AS_JSON,
  body: `<?xml version="1.0" encoding="UTF-8"?>\n<${root}>\n  <id type="integer">${id}</id>\n  <errors></errors>\n</${root}>\n`,
});
const list = (root, item, ids) => ({
  status: 200,
  type: XML_AS_JSON,
  body: ids.length
    ? `<?xml version="1.0" encoding="UTF-8"?>\n<${root} type="array">${ids.map((id) => `<${item}><id type="integer">${id}</id></${item}>`).join("")}</${root}>\n`
    : `<?xml version="1.0" encoding="UTF-8"?>\n<${root} type="array"/>\n`,
});

/** Starts the stand-in; `customers` are `{ id, email }` already in the ERP. */
export async function startKivitendo({ username = "kivi-api", password = "kivi-pass", customers = [] } = {}) {
  const state = { customers: [...customers], orders: [], nextId: 100, soNumber: 0 };
  const standin = await serve((r) => {
    const auth = basic(r.headers);
    if (!auth || auth.username !== username || auth.password !== password) {
      return { status: 401, type: "text/plain", body: "HTTP Basic: Access denied.\n" };
    }
    const [path, query = ""] = r.url.split("?");
    const q = new URLSearchParams(query);
    if (r.method === "GET" && path === "/api/v1/customers") {
      return list(
        "customer",
        "customer",
        state.customers.filter((c) => c.email === q.get("email")).map((c) => c.id),
      );
    }
    const one = /^\/api\/v1\/customers\/(\d+)$/.exec(path);
    if (one && r.method === "GET") {
      const c = state.customers.find((x) => x.id === Number(one[1]));
      return c
        ? {
            status: 200,
            type: XML_AS_JSON,
            body: `<?xml version="1.0" encoding="UTF-8"?>\n<customer>\n  <id type="integer">${c.id}</id>\n  <email>${c.email ?? ""}</email>\n</customer>\n`,
          }
        : { status: 200, type: XML_AS_JSON, body: '<?xml version="1.0" encoding="UTF-8"?>\n<nil-classes type="array"/>\n' };
    }
    if (r.method === "GET" && path === "/api/v1/orders") {
      const quote = q.get("quote_number");
      return list(
        "orders",
        "order",
        state.orders.filter((o) => (quote === null ? o.number === q.get("order_number") : o.quote === quote)).map((o) => o.id),
      );
    }
    if (!(r.method === "POST" && ["/api/v1/customers", "/api/v1/orders"].includes(path)) && !(one && r.method === "PUT"))
      return rails(404, "Not Found");
    // Rails parses XML bodies only: another type leaves the parameters without their root.
    if (!/^application\/xml\b/i.test(r.headers["content-type"] ?? "")) return rails(400, "Bad Request");
    if (one) {
      const c = state.customers.find((x) => x.id === Number(one[1]));
      if (!c) return rails(404, "Not Found");
      c.email = tag(r.body, "email") ?? c.email;
      return created("customer", c.id);
    }
    if (path === "/api/v1/customers") {
      for (const k of ["name", "taxzone-id", "currency-id"]) if (!tag(r.body, k)) return failed();
      const id = state.nextId++;
      state.customers.push({ id, email: tag(r.body, "email") });
      return created("customer", id);
    }
    const recordType = tag(r.body, "record-type");
    if (!RECORD_TYPES.includes(recordType)) return failed();
    for (const item of r.body.split("<orderitem>").slice(1)) {
      const unit = tag(item, "unit");
      if (unit !== null && !UNITS.includes(unit)) return failed();
    }
    let number = tag(r.body, "order-number");
    const quote = tag(r.body, "quote-number");
    if (!number && !quote) number = String(++state.soNumber);
    if (number === null) return failed(); // oe.ordnumber is NOT NULL
    const id = state.nextId++;
    state.orders.push({ id, number, quote });
    return created("order", id);
  });
  return { ...standin, state };
}
