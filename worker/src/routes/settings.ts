// What the operator sets, runs and checks: the non-secret target options, the product
// catalogue, the shop sync, and the overview.
import { vars } from "../env";
import { json, problem } from "../http";
import { runSync } from "../sync";
import * as catalogue from "../catalogue";
import { ORDER_TARGETS } from "../registry";
import { overview } from "../overview";
import type { Context, Route } from "./route";

/** `GET /v1/options`: each target's non-secret options (`<TARGET>_OPTIONS`, e.g.
 * KIVITENDO_OPTIONS: ids, never credentials), so that the admin page previews what the worker
 * will send. */
function options({ env }: Context): Response {
  const read = (name: string): unknown => {
    const text = vars(env)[name];
    try {
      return text ? (JSON.parse(text) as unknown) : {};
    } catch {
      return {};
    }
  };
  return json(env, 200, Object.fromEntries(ORDER_TARGETS.map((t) => [t, read(`${t.toUpperCase()}_OPTIONS`)])));
}

/** `GET`/`PUT /v1/catalogue`: the product catalogue webhook orders are completed from. PUT
 * replaces it (JSON or CSV, read by kontor's readCatalogue; any bad row refuses the upload,
 * each with its line), GET answers it. */
async function putCatalogue({ env, raw }: Context): Promise<Response> {
  const read = catalogue.readUpload(raw.text, raw.type);
  if (!read.ok) return problem(env, 422, "invalid_catalogue", read.issues);
  const now = new Date().toISOString();
  await catalogue.replace(env.DB, read.catalogue, now);
  return json(env, 200, { ok: true, entries: read.catalogue.length, updatedAt: now, issues: read.issues });
}

/** The options, the catalogue, the sync and the overview. */
export const routes: Route[] = [
  { template: "/v1/options", pattern: /^\/v1\/options$/, methods: ["GET"], auth: "caller", handle: options },
  {
    template: "/v1/catalogue",
    pattern: /^\/v1\/catalogue$/,
    methods: ["GET"],
    auth: "caller",
    handle: async ({ env }) => json(env, 200, await catalogue.all(env.DB)),
  },
  { template: "/v1/catalogue", pattern: /^\/v1\/catalogue$/, methods: ["PUT"], auth: "caller", body: "csv", handle: putCatalogue },
  {
    template: "/v1/sync",
    pattern: /^\/v1\/sync$/,
    methods: ["POST"],
    auth: "caller",
    // Runs the scheduled shop → targets sync once, now.
    handle: async ({ env }) => {
      const run = await runSync(env);
      return json(env, run.httpStatus, run.report);
    },
  },
  // What an operator checks each morning (src/overview.ts).
  {
    template: "/v1/overview",
    pattern: /^\/v1\/overview$/,
    methods: ["GET"],
    auth: "caller",
    handle: async ({ env }) => json(env, 200, await overview(env, Date.now())),
  },
];
