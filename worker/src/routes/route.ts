// What a route is: its template, its methods, how its caller authenticates, what body it
// reads, and its handler. The table of every route is `routes/index.ts`.
import type { Env } from "../env";

/** How a route's caller authenticates: `none` (public: health, the API reference), `shop` (a
 * shop platform's own signature, checked by the handler over the raw body), `caller` (the
 * caller token or `X-Kontor-Signature`, checked before the handler runs). */
export type Auth = "none" | "shop" | "caller";

/** What a route gets: the request, its URL, the template's parameters (decoded by the handler),
 * and for `caller` routes the parsed JSON body (`undefined` without one) and the raw text. */
export interface Context {
  env: Env;
  req: Request;
  url: URL;
  params: string[];
  body: unknown;
  raw: { text: string; type: string };
}

/** One route of the worker's HTTP API (worker/openapi.json describes each). */
export interface Route {
  /** The path template as the API reference and the log line name it. */
  template: string;
  /** The path it matches (trailing slashes removed); groups are its parameters. */
  pattern: RegExp;
  /** The methods it takes; `*` for any. */
  methods: string[];
  /** How its caller authenticates. */
  auth: Auth;
  /** The bodies it reads (`caller` routes): JSON only, or JSON and CSV (the catalogue). */
  body?: "json" | "csv";
  /** Answers the request. */
  handle(ctx: Context): Promise<Response> | Response;
}
