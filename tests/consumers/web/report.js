// What both pages do once the module is loaded: build an order, and show the result for the
// test to read (`window.__result`, and the page's text).
import { toGeisenheim, validateOrder } from "kontor";
import order from "../order.json";

/** Waits for `loaded` (the page's `init(…)`), then builds and reports. */
export function report(loaded) {
  return loaded
    .then(() => {
      const built = toGeisenheim(order, { recipientSalt: "a-long-secret-salt-of-this-shop" });
      window.__result = {
        ok: built.ok,
        price: built.ok ? built.payload.items[0].price : null,
        malformed: validateOrder("{ nope").issues[0].code,
      };
    })
    .catch((e) => {
      window.__result = { error: String(e) };
    })
    .finally(() => {
      document.getElementById("out").textContent = JSON.stringify(window.__result);
    });
}
