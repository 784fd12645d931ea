// The routes that need no authentication: liveness and the API reference.
import { version } from "kontor";
import { json } from "../http";
import type { Route } from "./route";
import openapi from "../../openapi.json";

/** `/healthz` and `/openapi.json`. */
export const routes: Route[] = [
  {
    template: "/healthz",
    pattern: /^\/healthz$/,
    methods: ["*"],
    auth: "none",
    // Liveness; shows no configuration.
    handle: ({ env }) => json(env, 200, { ok: true, service: "kontor-worker", version: version() }),
  },
  {
    template: "/openapi.json",
    pattern: /^\/openapi\.json$/,
    methods: ["*"],
    auth: "none",
    // The HTTP API's reference (worker/openapi.json).
    handle: ({ env }) => json(env, 200, openapi),
  },
];
