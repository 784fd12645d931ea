// Node ESM under `module: node16`: ready at import, no DOM types needed.
import { readFileSync } from "node:fs";
import { init, toGeisenheim, request } from "kontor";
import type { Order } from "kontor";

const order = JSON.parse(readFileSync(new URL("../../order.json", import.meta.url), "utf8")) as Order;
await init(); // resolves at once in Node
const built = toGeisenheim(order, { recipientSalt: "a-long-secret-salt-of-this-shop" });
if (!built.ok) throw new Error(JSON.stringify(built.issues));
const r = request("geisenheim", "cancelOrder", { invoiceId: 3459872 }, { username: "u", password: "p" });
if (!r.ok) throw new Error(JSON.stringify(r.issues));
console.log(JSON.stringify({ kind: "esm", price: built.payload.items[0]?.price, method: r.request.method }));
