// CommonJS under `module: node16`: `import` compiles to `require`, typed by the package's .d.cts.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { toGeisenheim, request, init } from "kontor";
import type { Order } from "kontor";

const order = JSON.parse(readFileSync(join(__dirname, "..", "..", "order.json"), "utf8")) as Order;
void init();
const built = toGeisenheim(order, { recipientSalt: "a-long-secret-salt-of-this-shop" });
if (!built.ok) throw new Error(JSON.stringify(built.issues));
const r = request("geisenheim", "cancelOrder", { invoiceId: 3459872 }, { username: "u", password: "p" });
if (!r.ok) throw new Error(JSON.stringify(r.issues));
console.log(JSON.stringify({ kind: "cjs", price: built.payload.items[0]?.price, method: r.request.method }));
