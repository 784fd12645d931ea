// A bundler project's view of the types: results narrow on `ok`, names are literal unions.
import { init, toGeisenheim, request, interpretResponse, send, validateOrder, toKivitendoCustomerXml } from "kontor";
import type { Order, HttpRequest, GeisenheimOrder, OmnisellerSession, Operation } from "kontor";

declare const order: Order;

await init();
const built = toGeisenheim(order, { recipientSalt: "s" });
if (built.ok) {
  const payload: GeisenheimOrder = built.payload;
  void payload;
} else {
  const paths: string[] = built.issues.map((i) => i.path);
  void paths;
}
const r = request("geisenheim", "createOrder", order, { username: "u", password: "p" });
if (r.ok) {
  const req: HttpRequest = r.request;
  const res = await send(req);
  const meaning = interpretResponse("geisenheim", "createOrder", res.status, res.body);
  if (meaning.outcome === "retry") console.log("later");
}
const token = interpretResponse("omniseller", "requestToken", 200, "{}");
if (token.outcome === "accepted") {
  const session: OmnisellerSession = token.data;
  void request("omniseller", "getOrderIds", null, { baseUrl: "https://shop.example.com", session });
}
const ops: Operation<"kivitendo">[] = ["createCustomer", "findOrders"];
void ops;
const xml = toKivitendoCustomerXml(order, { taxzoneId: 4, currencyId: 1 });
const text: string | undefined = xml.ok ? xml.xml : undefined;
void text;
void validateOrder(order, { target: "westarp" }).valid;

// @ts-expect-error: the request exists only after checking `ok`
void send(r.request);
// @ts-expect-error: Westarp has no operation "cancelOrder"
request("westarp", "cancelOrder", 1, {});
// @ts-expect-error: payload exists only after checking `ok`
void built.payload.items;
