// Compiled with `tsc --noEmit --strict` by the test command: the package's types are real.
import {
  toGeisenheim,
  validateOrder,
  request,
  interpretResponse,
  send,
  toKivitendoOrderXml,
  parseKivitendoXml,
  kivitendoSync,
  toWestarpOrder,
  splitStreet,
  fromOmnisellerOrder,
  omnisellerToKivitendoCategories,
  fromShopOrder,
} from "kontor";
import type {
  Order,
  Issue,
  GeisenheimOrder,
  HttpRequest,
  OrderMapping,
  OmnisellerSession,
  OmnisellerCategory,
  ShopOrderState,
  ShopRefund,
} from "kontor";

const order: Order = {
  number: "10023",
  orderedAt: "2024-04-04T09:06:27Z",
  customer: { email: "piet@example.com", type: "consumer", gender: "m" },
  billingAddress: { street: "Teststraße 42", zip: "10115", city: "Berlin", country: "DE" },
  items: [{ sku: "127/4", quantity: 6, unitPrice: "7.50", taxRate: 19, product: { kind: "wine", grapes: ["Riesling", 2455] } }],
};

const built = toGeisenheim(order);
const firstPrice: number | undefined = built.ok ? built.payload.items[0]?.price : undefined;
const issues: Issue[] = validateOrder(JSON.stringify(order)).issues;
const severity: "error" | "warning" | undefined = issues[0]?.severity;
const payload: GeisenheimOrder | undefined = toGeisenheim(order, { strict: true, recipientSalt: "s" }).payload;
const req = request("geisenheim", "createOrder", order, { environment: "staging", username: "u", password: "p" });
if (req.ok) {
  const r: HttpRequest = req.request;
  void send(r).then((res) => interpretResponse("geisenheim", "createOrder", res.status, res.body).outcome);
} else {
  const codes: string[] = req.issues.map((i) => i.code);
  void codes;
}
// @ts-expect-error: no request without checking `ok`
send(req.request);
// @ts-expect-error: Geisenheim has no operation "createCustomer"
request("geisenheim", "createCustomer", order, {});
// @ts-expect-error: no target "shopify"
request("shopify", "createOrder", order, {});

const xml: string | undefined = toKivitendoOrderXml(order, { customerId: 1, taxzoneId: 4, currencyId: 1, productIds: { "127/4": 5 } }).xml;
const root: string | undefined = parseKivitendoXml("<a/>").root;
const step = kivitendoSync(order, { baseUrl: "https://erp.example.com", taxzoneId: 4, currencyId: 1 });
const next = step.request ? kivitendoSync(order, {}, step.state, { status: 200, body: "" }) : step;
const isbn: string | undefined = toWestarpOrder(order, { type: "email", paymentMethodIds: { paypal: 8 } }).payload?.items[0]?.isbn;
const houseNumber: string | undefined = splitStreet("Hauptstr. 5a").houseNumber;
// @ts-expect-error: 2 is no Westarp payment method id
toWestarpOrder(order, { paymentMethodIds: { paypal: 2 } });
// @ts-expect-error: format is xml | json
toKivitendoOrderXml(order, { format: "yaml" });

// @ts-expect-error: gender is m | f | x
const badGender: Order["customer"] = { gender: "male" };
// @ts-expect-error: strict is a boolean
toGeisenheim(order, { strict: "yes" });
// @ts-expect-error: product kind is a closed list
const badKind: Order["items"][number]["product"] = { kind: "beer" };

const mapping: OrderMapping = {
  number: { from: "OXORDERNR", as: "string" },
  "customer.email": ["Customer.OXUSERNAME", "BillAddress.OXBILLEMAIL"],
  currency: { value: "EUR" },
  items: { each: "Articles", map: { sku: "OXARTNUM", quantity: { from: "OXAMOUNT", as: "integer" } } },
};
const mapped = fromOmnisellerOrder({ OXORDERNR: 2 }, mapping);
const mappedNumber: string | undefined = mapped.valid ? mapped.order?.number : undefined;
const byFunction = fromOmnisellerOrder("{}", (o: { OXORDERNR: number }) => ({ ...order, number: String(o.OXORDERNR) }));
const token = interpretResponse("omniseller", "requestToken", 200, "{}");
const session: OmnisellerSession | undefined = token.outcome === "accepted" ? token.data : undefined;
const call = request("omniseller", "getCategories", null, { baseUrl: "https://shop.example.com", session });
const cats = interpretResponse("omniseller", "getCategories", 200, "{}");
const tree: OmnisellerCategory[] = cats.outcome === "accepted" ? cats.data : [];
const categoryXml: string | undefined = omnisellerToKivitendoCategories(tree).documents[0]?.xml;
const kvik = request(
  "kvik",
  "updateOrder",
  { id: 1, changes: {} },
  { baseUrl: "https://shop.example.com", token: "t", allowInsecure: false },
);
// A shop order's life: the state narrows, refunds are typed; the mapped order still narrows on `valid`.
const shopMapped = fromShopOrder("shopify", "{}");
const shopState: ShopOrderState | undefined = shopMapped.state;
const refundedSkus: Array<string | undefined> = (shopMapped.refunds ?? []).flatMap((r: ShopRefund) => r.lines.map((l) => l.sku));
const shopNumber: string | undefined = shopMapped.valid ? shopMapped.order.number : undefined;
// @ts-expect-error: "shipped" is no state kontor gives
const badState: ShopOrderState = "shipped";

// @ts-expect-error: "as" is a closed list of conversions
const badMapping: OrderMapping = { number: { from: "x", as: "euro" } };

export { mapped, mappedNumber, byFunction, call, categoryXml, kvik, badMapping };
export { firstPrice, severity, payload, badGender, badKind, xml, root, next, isbn, houseNumber };
export { shopState, refundedSkus, shopNumber, badState };
