// Neither DOM nor Node types: the package's declarations need only ES2022.
import { init, toWestarpOrder, splitStreet } from "kontor";
import type { Order } from "kontor";

declare const order: Order;
export async function run(wasm: ArrayBuffer): Promise<string | undefined> {
  await init(wasm);
  const split = splitStreet("Straße des 17. Juni 135");
  const built = toWestarpOrder(order);
  return split.ok && built.ok ? `${split.houseNumber} ${built.payload.code}` : undefined;
}
