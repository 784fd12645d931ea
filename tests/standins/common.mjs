// The shared part of the upstream stand-ins: an HTTP server on 127.0.0.1 (port 0, or one asked for) that records
// every request and lets a test force the next answers, fail at random (seeded) or lose the
// answer of a request it has carried out.
import { createServer } from "node:http";

/** A small seeded PRNG (mulberry32): the same seed gives the same failures. */
export function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Starts `handle(req, body) → { status, headers?, body? }` on 127.0.0.1, on `port` (0: a free
 * one; a port in use rejects). */
export async function serve(handle, { port: wanted = 0 } = {}) {
  const requests = [];
  const forced = [];
  const lost = [];
  const held = [];
  let chaos = null;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const rec = { method: req.method, url: req.url, headers: { ...req.headers }, body };
      requests.push(rec);
      let answer;
      try {
        const i = forced.findIndex((f) => !f.when || f.when(rec));
        if (i >= 0) answer = forced.splice(i, 1)[0].answer;
        else if (chaos && (!chaos.when || chaos.when(rec)) && chaos.random() < chaos.rate) {
          // Fails before doing anything: a 500, a 503 or a dropped connection.
          const kind = Math.floor(chaos.random() * 3);
          answer =
            kind === 0
              ? { status: 500, body: "Internal Server Error" }
              : kind === 1
                ? { status: 503, body: { message: "Service Unavailable" } }
                : { drop: true };
        } else {
          answer = handle(rec);
          const j = lost.findIndex((l) => !l.when || l.when(rec));
          // Carried out (stored), but the caller never learns it: the answer is replaced.
          if (j >= 0 && answer.status < 300) {
            rec.carriedOut = true;
            answer = lost.splice(j, 1)[0].answer;
          }
          // Carried out, and the answer held back until the caller is gone (a worker killed
          // while its request is at the upstream).
          else if (answer.status < 300 && held.some((h) => h(rec))) {
            rec.carriedOut = true;
            rec.held = true;
            answer = { hang: true };
          }
        }
      } catch (e) {
        answer = { status: 500, body: String(e) };
      }
      rec.answered = answer.drop ? 0 : (answer.status ?? null);
      if (answer.drop) {
        req.socket.destroy();
        return;
      }
      if (answer.hang) return; // never answers (a timeout test); close() ends the connection
      // `raw`: bytes sent as they are (a gzip body with its own headers).
      const text =
        answer.raw ?? (typeof answer.body === "string" ? answer.body : answer.body === undefined ? "" : JSON.stringify(answer.body));
      const type = answer.type ?? (typeof answer.body === "string" ? "text/plain; charset=utf-8" : "application/json");
      const send = () => {
        res.writeHead(answer.status, text.length ? { "Content-Type": type, ...answer.headers } : { ...answer.headers });
        res.end(text);
      };
      // `delayMs`: a slow upstream (the answer as it is, that much later).
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(wanted, "127.0.0.1", resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    /** Every request received: `{ method, url, headers (lower-case names), body, answered }`
     * (`answered`: the status sent, 0 for a dropped connection). */
    requests,
    /** Answers the next request (the next one `when(request)` accepts, if given) with
     * `{ status, body, type? }` (or `{ hang: true }`: no answer) instead of the stand-in's logic. */
    respondNext(answer, when) {
      forced.push({ answer, when });
    },
    /** Carries out the next request `when(request)` accepts, then answers `answer` (default a
     * 500) instead of its success: the request went through, its answer is lost. */
    loseAnswerNext(when, answer = { status: 500, body: "Internal Server Error" }) {
      lost.push({ answer, when });
    },
    /** Fails a share `rate` (0..1) of the requests `when` accepts (all if not given) at random,
     * from `seed`, before carrying them out; `failRandomly(null)` stops it. */
    /** Carries out every request `when(request)` accepts and never answers it (`null` stops
     * it): the request reached the upstream, its caller dies before the answer. */
    holdAfterCarryingOut(when) {
      if (when) held.push(when);
      else held.length = 0;
    },
    failRandomly(opts) {
      chaos = opts ? { rate: opts.rate, when: opts.when, random: seeded(opts.seed ?? 1) } : null;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** The user and password of an HTTP Basic header, or null. */
export function basic(headers) {
  const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(headers.authorization ?? "");
  if (!m) return null;
  const text = Buffer.from(m[1], "base64").toString("utf8");
  const i = text.indexOf(":");
  return i < 0 ? null : { username: text.slice(0, i), password: text.slice(i + 1) };
}
