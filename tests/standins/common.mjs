// The shared part of the upstream stand-ins: an HTTP server on 127.0.0.1 (port 0) that records
// every request and lets a test force the next answers.
import { createServer } from "node:http";

/** Starts `handle(req, body) → { status, headers?, body? }` on 127.0.0.1. */
export async function serve(handle) {
  const requests = [];
  const forced = [];
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
        answer = i >= 0 ? forced.splice(i, 1)[0].answer : handle(rec);
      } catch (e) {
        answer = { status: 500, body: String(e) };
      }
      if (answer.hang) return; // never answers (a timeout test); close() ends the connection
      const text = typeof answer.body === "string" ? answer.body : answer.body === undefined ? "" : JSON.stringify(answer.body);
      const type = answer.type ?? (typeof answer.body === "string" ? "text/plain; charset=utf-8" : "application/json");
      res.writeHead(answer.status, text ? { "Content-Type": type, ...answer.headers } : { ...answer.headers });
      res.end(text);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    /** Every request received: `{ method, url, headers (lower-case names), body }`. */
    requests,
    /** Answers the next request (the next one `when(request)` accepts, if given) with
     * `{ status, body, type? }` (or `{ hang: true }`: no answer) instead of the stand-in's logic. */
    respondNext(answer, when) { forced.push({ answer, when }); },
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
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
