// A shop order's history (issue 22): what the shop webhooks did with one order, for the
// operator and the admin page (www/history.js).
import { json, problem, issue } from "../http";
import * as shoporders from "../shoporders";
import type { Context, Route } from "./route";

/** `GET /v1/shop-orders/{platform}/{shop}/{number}`: the order's state, Geisenheim ids, events
 * and deliveries (each with its attempts, which hold the upstream's answers). The shop is
 * percent-encoded (a WooCommerce shop is a URL). */
async function history({ env, params }: Context): Promise<Response> {
  let parts: string[];
  try {
    parts = params.map((x) => decodeURIComponent(x));
  } catch {
    return problem(env, 400, "malformed_uri", [
      issue(
        "",
        "malformed_uri",
        "the path is not valid percent-encoding: encode the shop (e.g. https%3A%2F%2Fshop.example) and the number",
        "der Pfad ist keine gültige Prozent-Kodierung: Shop (z. B. https%3A%2F%2Fshop.example) und Nummer kodieren",
      ),
    ]);
  }
  const h = await shoporders.history(env.DB, parts[0]!, parts[1]!, parts[2]!);
  if (!h)
    return problem(env, 404, "not_found", [
      issue(
        "",
        "not_found",
        "no shop order with this platform, shop and number: kontor received no webhook for it",
        "keine Shop-Bestellung mit dieser Plattform, diesem Shop und dieser Nummer: kontor hat keinen Webhook dafür erhalten",
      ),
    ]);
  return json(env, 200, h);
}

/** The shop orders' routes. */
export const routes: Route[] = [
  {
    template: "/v1/shop-orders/{platform}/{shop}/{number}",
    pattern: /^\/v1\/shop-orders\/([^/]+)\/([^/]+)\/([^/]+)$/,
    methods: ["GET"],
    auth: "caller",
    handle: history,
  },
];
