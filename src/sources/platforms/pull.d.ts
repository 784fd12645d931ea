// The pull from the shop platforms' APIs (pull.rs): declarations added to the package's.
/** The platforms orders are pulled from. */
export type PullPlatform = "woocommerce" | "shopify" | "shopware6";

/** One shop's API access (credentials: never answer, log or store them in clear). */
export interface PullShop {
  /** The shop's address: https://…, or http:// to a loopback host (tests). */
  baseUrl: string;
  /** WooCommerce: the REST API key's consumer key and secret (read access). */
  consumerKey?: string;
  consumerSecret?: string;
  /** Shopify: the custom app's Admin API access token (read_orders; read_all_orders). */
  accessToken?: string;
  apiVersion?: string;
  /** Shopware: the integration's access key id and secret access key. */
  clientId?: string;
  clientSecret?: string;
  /** Orders per page (at most WooCommerce 100, Shopify 250, Shopware 100). */
  pageSize?: number;
}

/** Where a pull stands; stored by the caller between pages. */
export interface PullPosition {
  since: string;
  page: number;
  pageInfo?: string;
}

/** What an answer means for a pull. */
export type PullOutcome = "page" | "ok" | "wait" | "retry" | "token_expired" | "auth_failed" | "failed";

/** A page read: its orders as the platform sent them, each as its JSON text (for
 * `fromShopOrder`; Shopify's ids exceed 2^53, which a JS number cannot hold). */
export interface PullPage {
  outcome: PullOutcome;
  orders: string[];
  /** The next page's position; absent after the last page. */
  next?: PullPosition;
  /** Orders in the whole pull, when the platform says. */
  total?: number;
  /** The newest change time among the orders (UTC): the watermark's candidate. */
  latest?: string;
  /** Milliseconds to wait before the next request. */
  waitMs?: number;
  issues: Issue[];
}

/** Shopware's token answer (`token` is a credential). */
export interface PullToken {
  outcome: PullOutcome;
  token?: string;
  expiresAt?: number;
  waitMs?: number;
  issues: Issue[];
}

/** A pull request, or why there is none. */
export type PullRequestResult = { ok: true; request: HttpRequest; issues: Issue[] } | { ok: false; issues: Issue[] };
