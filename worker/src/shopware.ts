// Shopware 6's app system (developer.shopware.com, "App Registration & Backend Setup",
// "Webhook"): kontor is the app's backend. Registration `GET /v1/webhooks/shopware6/register`
// (query signed with the app secret, `shopware-app-signature`) answers the proof and a shop
// secret; the confirmation `POST /v1/webhooks/shopware6/confirm` is signed with that shop
// secret (`shopware-shop-signature`), and so is every webhook after it. A shop's secret is
// HMAC-SHA256(SHOPWARE_APP_SECRET, "kontor-shop-secret:<shop id>:<nonce>") in hex (64
// characters, Shopware's minimum), so that D1 holds only the nonce; a re-registration (signed
// with the current shop secret too) draws a new nonce, effective once confirmed.
import { type Env } from "./env";
import { macBytes, verifyHmac } from "./auth";

const enc = new TextEncoder();
const WINDOW_SECONDS = 300;

const hex = (b: ArrayBuffer) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, "0")).join("");

async function hmacKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

/** Whether `header` is the hex HMAC-SHA256 of `text` with `secret` (constant time:
 * `crypto.subtle.verify`). */
export async function verifyHex(secret: string, header: string | null, text: string): Promise<boolean> {
  const mac = header === null ? null : macBytes(header, "hex");
  return mac !== null && verifyHmac(secret, mac, text);
}

async function sign(secret: string, text: string): Promise<string> {
  return hex(await crypto.subtle.sign("HMAC", await hmacKey(secret), enc.encode(text)));
}

const appSecret = (env: Env) => (typeof env.SHOPWARE_APP_SECRET === "string" ? env.SHOPWARE_APP_SECRET : "");
const appName = (env: Env) => (typeof env.SHOPWARE_APP_NAME === "string" ? env.SHOPWARE_APP_NAME.trim() : "");

/** The shop secret of `shopId` for `nonce`. */
const shopSecret = (env: Env, shopId: string, nonce: string) => sign(appSecret(env), `kontor-shop-secret:${shopId}:${nonce}`);

interface ShopRow {
  shop_id: string;
  shop_url: string;
  nonce: string | null;
  pending_nonce: string | null;
}
const shop = (db: D1Database, id: string) => db.prepare("SELECT * FROM shopware_shops WHERE shop_id = ?1").bind(id).first<ShopRow>();

/** An answer of the registration routes. */
export interface Answer {
  httpStatus: number;
  body: Record<string, unknown> | null;
}

/** Why the app is not configured, or null. */
export function notConfigured(env: Env): string | null {
  if (!appSecret(env))
    return "this worker takes no Shopware webhooks: set the secret SHOPWARE_APP_SECRET (the app's secret) and the variable SHOPWARE_APP_NAME";
  if (!appName(env)) return "set SHOPWARE_APP_NAME to the app's technical name (the manifest's <name>): the registration's proof signs it";
  return null;
}

/** The registration request: `{ proof, secret, confirmation_url }`, or `{ error }` (Shopware
 * shows it). */
export async function register(env: Env, url: URL, headers: Headers, nowSeconds: number): Promise<Answer> {
  const why = notConfigured(env);
  if (why) return { httpStatus: 500, body: { error: why } };
  const query = url.search.slice(1);
  if (!(await verifyHex(appSecret(env), headers.get("shopware-app-signature"), query))) {
    return {
      httpStatus: 401,
      body: { error: "shopware-app-signature does not match the query: the app's secret in the manifest differs from SHOPWARE_APP_SECRET" },
    };
  }
  const q = url.searchParams;
  const shopId = q.get("shop-id") ?? "";
  const shopUrl = q.get("shop-url") ?? "";
  const t = Number(q.get("timestamp"));
  if (!shopId || !shopUrl) return { httpStatus: 400, body: { error: "shop-id and shop-url are required" } };
  if (!Number.isFinite(t) || Math.abs(nowSeconds - t) > WINDOW_SECONDS)
    return {
      httpStatus: 401,
      body: {
        error: `the registration's timestamp is more than ${WINDOW_SECONDS} s from the worker's clock: install or refresh the app again`,
      },
    };
  const known = await shop(env.DB, shopId);
  if (known?.nonce) {
    // A re-registration: also signed with the shop's current secret.
    if (!(await verifyHex(await shopSecret(env, shopId, known.nonce), headers.get("shopware-shop-signature"), query))) {
      return { httpStatus: 401, body: { error: "a re-registration must carry shopware-shop-signature with the shop's current secret" } };
    }
  }
  const nonce = crypto.randomUUID();
  await env.DB.prepare(
    `INSERT INTO shopware_shops (shop_id, shop_url, nonce, pending_nonce, updated_at) VALUES (?1, ?2, NULL, ?3, ?4)
    ON CONFLICT (shop_id) DO UPDATE SET pending_nonce = ?3, updated_at = ?4`,
  )
    .bind(shopId, shopUrl, nonce, new Date().toISOString())
    .run();
  return {
    httpStatus: 200,
    body: {
      proof: await sign(appSecret(env), shopId + shopUrl + appName(env)),
      secret: await shopSecret(env, shopId, nonce),
      confirmation_url: `${url.origin}/v1/webhooks/shopware6/confirm`,
    },
  };
}

/** The confirmation request: signed with the pending shop secret, which then becomes the
 * shop's (204). */
export async function confirm(env: Env, headers: Headers, body: string): Promise<Answer> {
  const why = notConfigured(env);
  if (why) return { httpStatus: 500, body: { error: why } };
  let c: { shopId?: unknown; shopUrl?: unknown };
  try {
    c = JSON.parse(body) as typeof c;
  } catch {
    return { httpStatus: 400, body: { error: "the confirmation is not JSON" } };
  }
  const id = typeof c?.shopId === "string" ? c.shopId : "";
  const known = id ? await shop(env.DB, id) : null;
  if (
    !known?.pending_nonce ||
    !(await verifyHex(await shopSecret(env, id, known.pending_nonce), headers.get("shopware-shop-signature"), body))
  ) {
    return { httpStatus: 401, body: { error: "no registration of this shop awaits a confirmation signed with its new secret" } };
  }
  // The Admin API credentials the confirmation carries: kept for the pull of the shop's orders
  // (src/pull.ts), the secret access key sealed.
  const apiKey = typeof (c as { apiKey?: unknown }).apiKey === "string" ? (c as { apiKey: string }).apiKey : null;
  const secretKey = typeof (c as { secretKey?: unknown }).secretKey === "string" ? (c as { secretKey: string }).secretKey : null;
  const sealed = apiKey && secretKey ? await seal(env, `${id}:${apiKey}`, secretKey) : null;
  await env.DB.prepare(
    "UPDATE shopware_shops SET nonce = pending_nonce, pending_nonce = NULL, shop_url = ?2, updated_at = ?3, api_key = ?5, secret_key_sealed = ?6 WHERE shop_id = ?1 AND pending_nonce = ?4",
  )
    .bind(
      id,
      typeof c.shopUrl === "string" ? c.shopUrl : known.shop_url,
      new Date().toISOString(),
      known.pending_nonce,
      sealed ? apiKey : null,
      sealed,
    )
    .run();
  return { httpStatus: 204, body: null };
}

/** The registered shop a webhook body names (`source.shopId`) and its secret, or null when
 * it names none that is registered and confirmed. */
export async function webhookShop(env: Env, body: string): Promise<{ shop: string; key: string; single: boolean } | null> {
  let id: unknown;
  try {
    id = (JSON.parse(body) as { source?: { shopId?: unknown } } | null)?.source?.shopId;
  } catch {
    return null;
  }
  if (typeof id !== "string" || !id) return null;
  const known = await shop(env.DB, id);
  if (!known?.nonce) return null;
  const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM shopware_shops WHERE nonce IS NOT NULL").first<{ n: number }>();
  return { shop: id, key: await shopSecret(env, id, known.nonce), single: (count?.n ?? 0) === 1 };
}

/** The AES-GCM key that seals the shops' Admin API secrets: HKDF-SHA256 of SHOPWARE_APP_SECRET
 * (WebCrypto), so that D1 alone never reveals them. */
async function sealingKey(env: Env): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey("raw", enc.encode(appSecret(env)), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: enc.encode("kontor-shopware-admin-api"), info: enc.encode("secret-key-v1") },
    base,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

const b64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));
const unb64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

/** `secret` encrypted (AES-GCM, a random 96-bit IV, `aad` bound to it): `v1.<iv>.<ciphertext>`. */
async function seal(env: Env, aad: string, secret: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: enc.encode(aad) },
    await sealingKey(env),
    enc.encode(secret),
  );
  return `v1.${b64(iv)}.${b64(new Uint8Array(ct))}`;
}

/** The secret `seal` sealed, or null (another app secret, or altered). */
async function unseal(env: Env, aad: string, sealed: string): Promise<string | null> {
  const [v, iv, ct] = sealed.split(".");
  if (v !== "v1" || !iv || !ct) return null;
  try {
    const pt = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: unb64(iv), additionalData: enc.encode(aad) },
      await sealingKey(env),
      unb64(ct),
    );
    return new TextDecoder().decode(pt);
  } catch {
    return null;
  }
}

/** A registered shop's Admin API access, for the pull of its orders. */
export interface AdminAccess {
  shop: string;
  baseUrl: string;
  clientId: string | null;
  clientSecret: string | null;
  single: boolean;
}

/** Every confirmed shop with its Admin API access (null credentials: none kept, or they no
 * longer open with this app secret: the shop must confirm the app again). */
export async function adminAccess(env: Env): Promise<AdminAccess[]> {
  if (notConfigured(env)) return [];
  const { results } = await env.DB.prepare(
    "SELECT shop_id, shop_url, api_key, secret_key_sealed FROM shopware_shops WHERE nonce IS NOT NULL ORDER BY shop_id",
  ).all<{ shop_id: string; shop_url: string; api_key: string | null; secret_key_sealed: string | null }>();
  const out: AdminAccess[] = [];
  for (const r of results) {
    const secret = r.api_key && r.secret_key_sealed ? await unseal(env, `${r.shop_id}:${r.api_key}`, r.secret_key_sealed) : null;
    out.push({
      shop: r.shop_id,
      baseUrl: r.shop_url,
      clientId: secret ? r.api_key : null,
      clientSecret: secret,
      single: results.length === 1,
    });
  }
  return out;
}
