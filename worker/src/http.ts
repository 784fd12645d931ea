// Answers, CORS and bounded body reading. Every JSON answer passes kontor's redactSecrets.
import { redactSecrets, type Issue } from "kontor";
import { type Env, vars, intVar } from "./env";

/** An issue raised by the worker itself (same shape as kontor's); an error unless said. */
export function issue(path: string, code: string, message: string, messageDe: string, severity: "error" | "warning" = "error"): Issue {
  return { path, code, severity, message, messageDe };
}

/** A JSON answer, with every configured secret redacted. */
export function json(env: Env, status: number, body: unknown, headers: HeadersInit = {}): Response {
  const safe = redactSecrets(body, vars(env));
  return new Response(JSON.stringify(safe), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", ...headers },
  });
}

/** An error answer `{ error, issues }`. */
export function problem(env: Env, status: number, error: string, issues: Issue[], headers: HeadersInit = {}): Response {
  return json(env, status, { error, issues }, headers);
}

const CORS_METHODS = "GET, POST, PUT, DELETE, OPTIONS";
const CORS_HEADERS = "Authorization, Content-Type, Idempotency-Key, X-Kontor-Signature";

/** The exact origins of `ALLOWED_ORIGINS` (comma-separated). */
function allowedOrigins(env: Env): string[] {
  const v = typeof env.ALLOWED_ORIGINS === "string" ? env.ALLOWED_ORIGINS : "";
  return v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** CORS: `null` when there is no Origin (server to server) or it is the worker's own (browsers
 * send Origin on same-origin POSTs too, e.g. from the admin page it serves), `"forbidden"` for
 * an origin not in ALLOWED_ORIGINS (exact match), else the headers to add. */
export function cors(env: Env, request: Request): Record<string, string> | "forbidden" | null {
  const origin = request.headers.get("Origin");
  if (origin === null || origin === new URL(request.url).origin) return null;
  if (!allowedOrigins(env).includes(origin)) return "forbidden";
  return { "Access-Control-Allow-Origin": origin, Vary: "Origin" };
}

/** The answer to a preflight from an allowed origin. */
export function preflight(headers: Record<string, string>): Response {
  return new Response(null, {
    status: 204,
    headers: {
      ...headers,
      "Access-Control-Allow-Methods": CORS_METHODS,
      "Access-Control-Allow-Headers": CORS_HEADERS,
      "Access-Control-Max-Age": "600",
    },
  });
}

/** A body read whole: its raw bytes (what signatures cover), its text and its media type;
 * or the answer refusing it: 413 past MAX_BODY_BYTES (never read whole), 415 when it is not
 * JSON (with `accept` `"csv"`: not JSON or CSV; `"any"`: a shop's webhook, read as it is),
 * 400 when it is not UTF-8. No answer repeats what the caller sent: these answers are given
 * before the caller is authenticated. */
export async function readBody(
  env: Env,
  request: Request,
  accept: "json" | "csv" | "any" = "json",
): Promise<{ text: string; bytes: Uint8Array; type: string } | { refuse: Response }> {
  const max = intVar(env, "MAX_BODY_BYTES", 1_048_576);
  const tooLarge = () => ({
    refuse: problem(env, 413, "payload_too_large", [
      issue(
        "",
        "payload_too_large",
        `the body is larger than ${max} bytes (MAX_BODY_BYTES): send smaller orders`,
        `der Inhalt ist größer als ${max} Bytes (MAX_BODY_BYTES): bitte kleinere Bestellungen senden`,
      ),
    ]),
  });
  const type = (request.headers.get("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
  const length = Number(request.headers.get("Content-Length") ?? "0");
  if (length > max) return tooLarge();
  // No body (retry without a corrected order, DELETE): nothing to check.
  if (request.body === null || request.headers.get("Content-Length") === "0") return { text: "", bytes: new Uint8Array(0), type };
  const json = type === "application/json" || type.endsWith("+json");
  const csv = type === "text/csv" || type === "text/plain";
  if (accept === "csv" && !json && !csv) {
    return {
      refuse: problem(env, 415, "unsupported_media_type", [
        issue(
          "Content-Type",
          "unsupported_media_type",
          "send the catalogue as JSON (application/json) or CSV (text/csv)",
          "bitte den Katalog als JSON (application/json) oder CSV (text/csv) senden",
        ),
      ]),
    };
  }
  if (accept === "json" && !json) {
    return {
      refuse: problem(env, 415, "unsupported_media_type", [
        issue("Content-Type", "unsupported_media_type", "send JSON (application/json)", "bitte JSON senden (application/json)"),
      ]),
    };
  }
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return tooLarge();
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(all);
  } catch {
    return {
      refuse: problem(env, 400, "invalid_utf8", [
        issue(
          "",
          "invalid_utf8",
          "the body is not valid UTF-8: send the order as UTF-8 text (nothing was replaced or guessed)",
          "der Inhalt ist kein gültiges UTF-8: bitte die Bestellung als UTF-8-Text senden (nichts wurde ersetzt oder geraten)",
        ),
      ]),
    };
  }
  return { text, bytes: all, type };
}

/** Parses a JSON body; `undefined` for an empty one; an issue for malformed JSON. */
export function parseJson(text: string): { value: unknown } | { issue: Issue } {
  if (text.trim() === "") return { value: undefined };
  try {
    return { value: JSON.parse(text) };
  } catch (e) {
    return {
      issue: issue(
        "",
        "malformed_json",
        `the body is not JSON: ${(e as Error).message}`,
        `der Inhalt ist kein JSON: ${(e as Error).message}`,
      ),
    };
  }
}
