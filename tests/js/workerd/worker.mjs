// A minimal worker using the package's workerd entry (as a bundler resolving the `workerd`
// export condition would): POST an order, get the Geisenheim payload and issues (or, at /body,
// the request body text itself); POST an OmniSeller token answer to /shop, get the session and
// the next shop-side requests.
import { toGeisenheim, interpretResponse, request } from "../../../pkg/index.workerd.mjs";

export default {
  async fetch(req) {
    if (new URL(req.url).pathname === "/shop") {
      const token = interpretResponse("omniseller", "requestToken", 200, await req.text());
      const config = { baseUrl: "https://shop.example.com", session: token.data };
      return Response.json({
        token,
        call: request("omniseller", "getOrderIds", null, config),
        kvik: request("kvik", "getOrder", { id: 1001 }, { baseUrl: "https://yourshopname.com", token: "t" }),
      });
    }
    if (new URL(req.url).pathname === "/body") {
      // The worker's text path: request text in, the exact body to forward out.
      const r = toGeisenheim(await req.text(), { as: "text", recipientSalt: "a-long-secret-salt-of-this-shop" });
      return r.ok
        ? new Response(r.body, { headers: { "content-type": "application/json" } })
        : Response.json({ issues: r.issues }, { status: 422 });
    }
    const result = toGeisenheim(await req.text(), { recipientSalt: "a-long-secret-salt-of-this-shop" });
    return Response.json(result, { status: result.payload ? 200 : 422 });
  },
};
