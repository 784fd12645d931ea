// `send(request)`: the package's transport, the runtime's own `fetch` (browsers, workerd,
// Node 18+). Copied into the package by scripts/build.sh (pkg/send.mjs, and pkg/send.cjs for
// CommonJS). It is plain JavaScript, not part of the Wasm module: I/O lives only here, the
// core stays sans-IO, and the module carries no fetch bindings (about 5 KB gzipped less).

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/** `{ status: 0, headers: {}, body: "", error }`: no response came back. */
function failed(error) {
  return { status: 0, headers: {}, body: "", error };
}

/** An error's message followed by its causes' (`fetch failed: connect ECONNREFUSED
 * 127.0.0.1:9`), at most four deep. */
function describe(e) {
  const parts = [];
  for (let cur = e, depth = 0; cur !== undefined && cur !== null && depth < 4; depth++) {
    parts.push(cur instanceof Error ? cur.message : typeof cur === "string" ? cur : "unknown error");
    cur = typeof cur === "object" ? cur.cause : undefined;
  }
  return parts.join(": ");
}

/**
 * Performs a request built by `request()` (`{ method, url, headers, body }`, as an object or
 * its JSON text); resolves to `{ status, headers, body }`, or `{ status: 0, error }` when
 * nothing came back. Never rejects.
 */
export async function send(request) {
  let req = request;
  if (typeof req === "string") {
    try {
      req = JSON.parse(req);
    } catch (e) {
      return failed(`request is not JSON: ${e.message}`);
    }
  }
  if (req === null || typeof req !== "object" || Array.isArray(req)) {
    return failed("request is missing or not an object");
  }
  const bad = (why) => failed(`not a request { method, url, headers, body }: ${why}`);
  if (typeof req.method !== "string") return bad("`method` is missing");
  if (typeof req.url !== "string") return bad("`url` is missing");
  const method = req.method.toUpperCase();
  if (!METHODS.includes(method)) return failed(`unsupported method ${method}`);
  const headers = [];
  if (req.headers !== null && typeof req.headers === "object") {
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v !== "string") return bad(`header \`${k}\` is not a string`);
      headers.push([k, v]);
    }
  }
  if (typeof globalThis.fetch !== "function") return failed("this runtime has no fetch()");
  let built;
  try {
    built = new Request(req.url, { method, headers, body: typeof req.body === "string" ? req.body : undefined });
  } catch (e) {
    return failed(describe(e));
  }
  let response;
  try {
    response = await globalThis.fetch(built);
  } catch (e) {
    return failed(describe(e));
  }
  const answer = { status: response.status, headers: Object.fromEntries(response.headers.entries()), body: "" };
  try {
    answer.body = await response.text();
  } catch (e) {
    return failed(`reading the response failed: ${describe(e)}`);
  }
  return answer;
}
