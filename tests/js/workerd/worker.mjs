// A minimal worker using the package's workerd entry (as a bundler resolving the `workerd`
// export condition would): POST an order, get the Geisenheim payload and issues.
import { toGeisenheim } from "../../../pkg/index.workerd.mjs";

export default {
  async fetch(request) {
    const result = toGeisenheim(await request.text(), { recipientSalt: "a-long-secret-salt-of-this-shop" });
    return Response.json(result, { status: result.payload ? 200 : 422 });
  },
};
