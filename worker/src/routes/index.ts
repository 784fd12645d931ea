// The table of every route of the worker (worker/openapi.json describes each), and how a
// request finds its route. To add a route: a `Route` in the file of its resource, listed here.
import { routes as publicRoutes } from "./public";
import { routes as webhooks } from "./webhooks";
import { routes as orders } from "./orders";
import { routes as deliveries } from "./deliveries";
import { routes as settings } from "./settings";
import { routes as shopOrders } from "./shoporders";
import type { Route } from "./route";

export type { Auth, Context, Route } from "./route";

/** Every route, in the order they are tried. */
export const ROUTES: Route[] = [...publicRoutes, ...webhooks, ...orders, ...deliveries, ...shopOrders, ...settings];

/** A `/v1/…` path without its trailing slashes (the public routes match as sent). */
export function normalise(path: string): string {
  return path.startsWith("/v1/") ? path.replace(/\/+$/, "") : path;
}

/** What a path and method find: the route and its parameters; or, when the path is a route's
 * but the method is none of its, the methods it takes (`allow`) and whether they are all
 * public; or nothing. */
export type Match = { route: Route; params: string[] } | { allow: string[]; auth: Route["auth"][] } | null;

/** The route for `method` on `path` (normalised). */
export function match(method: string, path: string): Match {
  const p = normalise(path);
  const onPath = ROUTES.map((route) => ({ route, m: route.pattern.exec(p) })).filter((r) => r.m !== null);
  const hit = onPath.find(({ route }) => route.methods.includes("*") || route.methods.includes(method));
  if (hit) return { route: hit.route, params: hit.m!.slice(1) };
  if (onPath.length === 0) return null;
  return { allow: [...new Set(onPath.flatMap(({ route }) => route.methods))], auth: onPath.map(({ route }) => route.auth) };
}

/** The template of the route `path` matches, or "(no route)": the log line names it, never the
 * raw path (which could carry anything a caller sent). */
export function templateOf(path: string): string {
  const p = normalise(path);
  return ROUTES.find((r) => r.pattern.test(p))?.template ?? "(no route)";
}
