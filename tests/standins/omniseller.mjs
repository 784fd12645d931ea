// A stand-in for OmniSeller's HTKService4 in an OXID shop, written from the HTK wiki
// (seeds/002): `POST /omniseller/Tokenrequest.php` with `{ apiuser, apipass }` answers a token
// valid `timeLeft` seconds; `POST /omniseller/HTKService4.php` with `{ token, function, data }`:
// 12 the order ids (`[{ ID, DisplayID, Paymenttype, OrderStatus }]`), 11 one order by its `ID`
// (the shape of tests/fixtures/omniseller/order_answer.json), inside the
// `{ status, debugMessage, data }` envelope; an unknown or expired token is `status: "ERROR"`.
import { randomUUID } from "node:crypto";
import { serve } from "./common.mjs";

/** Starts the stand-in; `orders` are OXID orders (`OXID`, `OXORDERNR`, …), `timeLeft` the
 * token's lifetime in seconds. `state.orders` may be added to while it runs. */
export async function startOmniseller({ username = "apiuser", password = "apipass", orders = [], timeLeft = 900 } = {}) {
  const state = { orders: [...orders], tokens: new Map(), tokenRequests: 0 };
  const ok = (debugMessage, data) => ({ status: 200, body: { status: "OK", debugMessage, data } });
  const standin = await serve((r) => {
    const path = r.url.split("?")[0];
    let b;
    try {
      b = JSON.parse(r.body || "{}");
    } catch {
      return { status: 400, body: { status: "ERROR", debugMessage: "malformed JSON" } };
    }
    if (r.method === "POST" && path === "/omniseller/Tokenrequest.php") {
      state.tokenRequests++;
      if (b.apiuser !== username || b.apipass !== password)
        return { status: 200, body: { status: "ERROR", debugMessage: "wrong apiuser or apipass" } };
      const token = randomUUID().toUpperCase();
      state.tokens.set(token, Date.now() + timeLeft * 1000);
      return {
        status: 200,
        body: { status: "OK", debugMessage: "string", token: { token, user: username, creationdate: "", expirationdate: "", timeLeft } },
      };
    }
    if (r.method !== "POST" || path !== "/omniseller/HTKService4.php") return { status: 404, body: "Not Found" };
    const expires = state.tokens.get(b.token);
    if (!expires || expires < Date.now()) return { status: 200, body: { status: "ERROR", debugMessage: "token invalid or expired" } };
    if (b.function === "12") {
      return ok(
        "Oxid6_GetOrderIds",
        state.orders.map((o) => ({ ID: o.OXID, DisplayID: o.OXORDERNR, Paymenttype: o.OXPAYMENTTYPE, OrderStatus: 0 })),
      );
    }
    if (b.function === "11") {
      const o = state.orders.find((x) => x.OXID === b.data);
      return o ? ok("Oxid6_GetOrder", o) : { status: 200, body: { status: "ERROR", debugMessage: `no order ${b.data}` } };
    }
    return { status: 200, body: { status: "ERROR", debugMessage: `unknown function ${b.function}` } };
  });
  return { ...standin, state };
}
