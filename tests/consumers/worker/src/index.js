// A worker importing the package by name: wrangler picks the `workerd` entry and bundles
// the .wasm as a module.
import { toGeisenheim } from "kontor";

export default {
  async fetch(request) {
    const built = toGeisenheim(await request.text(), { recipientSalt: "a-long-secret-salt-of-this-shop" });
    return Response.json(built, { status: built.ok ? 200 : 422 });
  },
};
