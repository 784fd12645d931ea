// A page as a bundler user writes it: no top-level await, init() once, then the functions.
// Vite and webpack rewrite the package's `new URL("./web/kontor_bg.wasm", import.meta.url)`.
import { init, toGeisenheim, validateOrder } from "kontor";
import order from "../order.json";

init()
  .then(() => {
    const built = toGeisenheim(order, { recipientSalt: "a-long-secret-salt-of-this-shop" });
    window.__result = {
      ok: built.ok,
      price: built.ok ? built.payload.items[0].price : null,
      malformed: validateOrder("{ nope").issues[0].code,
    };
  })
  .catch((e) => { window.__result = { error: String(e) }; })
  .finally(() => { document.getElementById("out").textContent = JSON.stringify(window.__result); });
