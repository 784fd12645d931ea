// esbuild does not rewrite `new URL(…, import.meta.url)`: import the .wasm's URL with
// `--loader:.wasm=file` (esbuild copies the file into the output) and pass it to init().
import { init, toGeisenheim, validateOrder } from "kontor";
import wasmUrl from "kontor/kontor_bg.wasm";
import order from "../order.json";

init(wasmUrl)
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
