// The shop platforms' routes: webhooks (authenticated by the platform's signature over the raw
// body, in ../webhooks.ts) and Shopware's app registration (../shopware.ts).
import { json, problem, issue, readBody } from "../http";
import { handleWebhook, PLATFORMS } from "../webhooks";
import * as shopware from "../shopware";
import type { Context, Route } from "./route";

/** Shopware's registration answer as a response: its protocol's `{ error }` or nothing. The
 * registration answers the shop's secret (Shopware's protocol); it is never stored or logged. */
function shopwareAnswer({ env }: Context, a: shopware.Answer): Response {
  return a.body === null ? new Response(null, { status: a.httpStatus }) : json(env, a.httpStatus, a.body);
}

/** `POST /v1/webhooks/{platform}` and Shopware's `register` / `confirm`. */
export const routes: Route[] = [
  {
    template: "/v1/webhooks/shopware6/register",
    pattern: /^\/v1\/webhooks\/shopware6\/register$/,
    methods: ["GET"],
    auth: "shop",
    handle: async (ctx) => shopwareAnswer(ctx, await shopware.register(ctx.env, ctx.url, ctx.req.headers, Math.floor(Date.now() / 1000))),
  },
  {
    template: "/v1/webhooks/shopware6/confirm",
    pattern: /^\/v1\/webhooks\/shopware6\/confirm$/,
    methods: ["POST"],
    auth: "shop",
    handle: async (ctx) => {
      const read = await readBody(ctx.env, ctx.req, "any");
      if ("refuse" in read) return read.refuse;
      return shopwareAnswer(ctx, await shopware.confirm(ctx.env, ctx.req.headers, read.text));
    },
  },
  {
    template: "/v1/webhooks/{platform}",
    pattern: /^\/v1\/webhooks\/([^/]+)$/,
    methods: ["POST"],
    auth: "shop",
    handle: async ({ env, req, params }) => {
      const platform = PLATFORMS.find((p) => p === params[0]);
      if (!platform)
        return problem(env, 404, "unknown_platform", [
          issue(
            "platform",
            "unknown_platform",
            `no webhooks from this platform; known: ${PLATFORMS.join(", ")}`,
            `keine Webhooks von dieser Plattform; bekannt: ${PLATFORMS.join(", ")}`,
          ),
        ]);
      const read = await readBody(env, req, "any");
      if ("refuse" in read) return read.refuse;
      const a = await handleWebhook(env, platform, req.headers, read.text, read.bytes);
      return json(env, a.httpStatus, a.body, a.headers);
    },
  },
];
