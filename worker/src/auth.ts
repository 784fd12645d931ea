// Caller authentication (docs/worker.md): `Authorization: Bearer <KONTOR_API_TOKEN>` or
// `X-Kontor-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(KONTOR_HMAC_SECRET,
// "<t>.<METHOD>.<path with query>[.<Idempotency-Key>].<raw body>")>` within 300 s, each
// signature used once (D1). WebCrypto only; both compared in constant time.
import type { Env } from "./env";
import { useSignature } from "./ledger";

const WINDOW_SECONDS = 300;
const enc = new TextEncoder();

/** Constant-time equality of two strings: their SHA-256 digests compared with
 * `crypto.subtle.timingSafeEqual` (equal lengths, so the length leaks nothing either). */
async function sameSecret(a: string, b: string): Promise<boolean> {
  const [da, db] = await Promise.all([crypto.subtle.digest("SHA-256", enc.encode(a)), crypto.subtle.digest("SHA-256", enc.encode(b))]);
  return crypto.subtle.timingSafeEqual(da, db);
}

/** A MAC written as hex (64 digits) or base64 (of 32 bytes), as bytes; `null` when it is
 * not one. */
export function macBytes(text: string, encoding: "hex" | "base64"): Uint8Array | null {
  const t = text.trim();
  if (encoding === "hex") {
    if (!/^[0-9a-fA-F]{64}$/.test(t)) return null;
    const out = new Uint8Array(32);
    for (let i = 0; i < 32; i++) out[i] = parseInt(t.slice(2 * i, 2 * i + 2), 16);
    return out;
  }
  if (!/^[A-Za-z0-9+/]{43}=$/.test(t)) return null;
  return Uint8Array.from(atob(t), (c) => c.charCodeAt(0));
}

/** Whether `mac` is HMAC-SHA256(`key`, `data`) (text, or raw bytes as received);
 * `crypto.subtle.verify` compares in constant time. */
export async function verifyHmac(key: string, mac: Uint8Array, data: string | Uint8Array): Promise<boolean> {
  const k = await crypto.subtle.importKey("raw", enc.encode(key), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  return crypto.subtle.verify("HMAC", k, mac, typeof data === "string" ? enc.encode(data) : data);
}

/** `prefix` (UTF-8) followed by `bytes`. */
export function concatBytes(prefix: string, bytes: Uint8Array): Uint8Array {
  const head = enc.encode(prefix);
  const out = new Uint8Array(head.byteLength + bytes.byteLength);
  out.set(head, 0);
  out.set(bytes, head.byteLength);
  return out;
}

function secret(env: Env, name: string): string | null {
  const v = env[name];
  return typeof v === "string" && v.length > 0 ? v : null;
}

/** The scheme a request claims, before its body is read: a bearer token is checked at once. */
export async function checkBearer(env: Env, request: Request): Promise<"ok" | "bad" | "none"> {
  const header = request.headers.get("Authorization");
  if (header === null) return "none";
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const token = secret(env, "KONTOR_API_TOKEN");
  if (!m || token === null) return "bad";
  return (await sameSecret(m[1]!, token)) ? "ok" : "bad";
}

/** What a caller's signature covers: the request line, the `Idempotency-Key` when sent, and
 * the raw body as received. */
export interface Signed {
  method: string;
  pathWithQuery: string;
  idempotencyKey: string | null;
  body: Uint8Array;
}

/** The signature's base: `"<t>.<METHOD>.<path with query>.[<Idempotency-Key>.]"` and the raw
 * body's bytes. */
export function signatureBase(t: number, r: Signed): Uint8Array {
  const key = r.idempotencyKey === null ? "" : `${r.idempotencyKey}.`;
  return concatBytes(`${t}.${r.method.toUpperCase()}.${r.pathWithQuery}.${key}`, r.body);
}

/** Why a signature is refused, or `null` when it is valid for the request at `nowSeconds`
 * and not used before (it is used up by this check). */
export async function checkSignature(env: Env, header: string | null, r: Signed, nowSeconds: number): Promise<string | null> {
  const key = secret(env, "KONTOR_HMAC_SECRET");
  if (header === null) return "send a bearer token (Bearer <token>) or X-Kontor-Signature";
  if (key === null) return "this worker accepts no signatures (no KONTOR_HMAC_SECRET)";
  const m = /^t=(\d{1,12}),v1=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!m) return "X-Kontor-Signature must read t=<unix seconds>,v1=<64 hex digits>";
  const t = Number(m[1]);
  if (Math.abs(nowSeconds - t) > WINDOW_SECONDS)
    return `the signature's time is more than ${WINDOW_SECONDS} s from the worker's clock (${nowSeconds}): sign again`;
  const mac = macBytes(m[2]!, "hex");
  const ok = mac !== null && (await verifyHmac(key, mac, signatureBase(t, r)));
  if (!ok)
    return 'the signature does not match the request: sign HMAC-SHA256(secret, "<t>.<METHOD>.<path with query>.[<Idempotency-Key>.]<raw body>")';
  // Single-use: kept until its window has passed.
  if (!(await useSignature(env.DB, m[2]!, t + WINDOW_SECONDS + 60, nowSeconds)))
    return "this signature was used before: sign each request anew (replays are refused)";
  return null;
}
