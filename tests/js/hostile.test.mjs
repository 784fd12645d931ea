// No trap: each hostile input (docs/limits.md) gets an answer with an issue, never a throw
// or a WebAssembly trap, and after each the module still answers a known good call exactly
// as before.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as kontor from "kontor";

const fixture = (name) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8");
const SALT = { recipientSalt: "a-long-secret-salt-of-this-shop" };
const seedText = fixture("geisenheim_seed_example.order.json");
const good = () => kontor.toGeisenheim(seedText, SALT);
const baseline = good();
const codes = (r) => r.issues.map((i) => i.code);
const MB = 1 << 20;

/** Runs one hostile call, checks its answer, then the known good call. */
function hostile(name, call, check) {
  test(name, () => {
    const answer = call();
    check(answer);
    for (const i of answer.issues ?? []) {
      assert.ok(i.message && i.messageDe, `${i.code} has both languages`);
    }
    assert.deepEqual(good(), baseline, "the module answers a good call as before");
  });
}

test("the good call is a payload", () => assert.equal(baseline.ok, true));

hostile(
  "an unknown key of 40,000 characters",
  () => {
    const o = JSON.parse(seedText);
    o["x".repeat(40_000)] = 1;
    return kontor.validateOrder(o);
  },
  (r) => {
    assert.equal(r.valid, true);
    const w = r.issues.find((i) => i.code === "unknown_field");
    assert.ok(w && !w.message.includes("did you mean"));
  },
);

hostile(
  "nesting 200,000 deep",
  () => kontor.validateOrder("[".repeat(200_000) + "]".repeat(200_000)),
  (r) => assert.deepEqual(codes(r), ["malformed_json"]),
);

hostile(
  "a mapping of 16,000 items × 1,500 entries",
  () => {
    const data = { Articles: Array.from({ length: 16_000 }, () => ({})) };
    const map = Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`f${i}`, `F${i}`]));
    return kontor.fromOmnisellerOrder(data, { items: { each: "Articles", map } });
  },
  (r) => {
    assert.equal(r.valid, false);
    assert.equal(codes(r).filter((c) => c === "too_large").length, 1);
  },
);

hostile(
  "a 20 MB order text",
  () => kontor.validateOrder(`{"number":"${"1".repeat(20 * MB)}"}`),
  (r) =>
    assert.deepEqual(
      r.issues.map((i) => [i.path, i.code]),
      [["", "too_large"]],
    ),
);

hostile(
  "a 20 MB string inside an order object",
  () => {
    const o = JSON.parse(seedText);
    o.notes = "ä".repeat(10 * MB);
    return kontor.toGeisenheim(o, SALT);
  },
  (r) => {
    assert.equal(r.ok, false);
    assert.deepEqual(codes(r), ["too_large"]);
  },
);

hostile(
  "a 64 MB answer body",
  () => kontor.interpretResponse("kivitendo", "createOrder", 200, "x".repeat(64 * MB)),
  (r) => {
    assert.equal(r.outcome, "rejected");
    assert.deepEqual(
      r.issues.map((i) => [i.path, i.code]),
      [["body", "too_large"]],
    );
  },
);

hostile(
  "5,000 bad items: 1,000 issues, then one too_many_issues",
  () => kontor.validateOrder({ items: Array.from({ length: 5000 }, () => ({ sku: 1, quantity: "x" })) }),
  (r) => {
    assert.equal(r.issues.length, 1001);
    assert.equal(r.issues.at(-1).code, "too_many_issues");
  },
);

hostile(
  "an object of 200,000 keys",
  () => {
    const o = JSON.parse(seedText);
    o.customer = { ...o.customer, ...Object.fromEntries(Array.from({ length: 200_000 }, (_, i) => [`k${i}`, i])) };
    return kontor.validateOrder(o);
  },
  (r) => {
    assert.equal(r.valid, false);
    assert.equal(r.issues.at(-1).code, "too_many_issues");
  },
);

hostile(
  "OmniSeller's timeLeft beyond any clock",
  () =>
    kontor.interpretResponse(
      "omniseller",
      "requestToken",
      200,
      JSON.stringify({ status: "OK", token: { token: "T", timeLeft: 9223372036854775807 } }),
    ),
  (r) => assert.ok(codes(r).includes("implausible_expiry"), JSON.stringify(r.issues)),
);

hostile(
  "a session that expires in the year 99999",
  () =>
    kontor.request("omniseller", "getCategories", null, {
      baseUrl: "https://shop.example.com",
      session: { token: "T", expiresAt: "99999-01-01T00:00:00Z" },
    }),
  (r) => assert.equal(r.ok, false),
);

hostile(
  "a 17 MB XML document",
  () => kontor.parseKivitendoXml(`<a>${"x".repeat(17 * MB)}</a>`),
  (r) => {
    assert.equal(r.ok, false);
    assert.match(r.issues[0].message, /larger than 16777216 bytes/);
  },
);

hostile(
  "XML nested 10,000 deep",
  () => kontor.parseKivitendoXml("<a>".repeat(10_000) + "</a>".repeat(10_000)),
  (r) => {
    assert.equal(r.ok, false);
    assert.match(r.issues[0].message, /deeper than 32/);
  },
);

hostile(
  "a street line of 10 MB",
  () => kontor.splitStreet("1 ".repeat(5 * MB)),
  (r) => assert.equal(typeof r.ok, "boolean"),
);

hostile(
  "amounts and quantities beyond any order",
  () =>
    kontor.validateOrder({
      ...JSON.parse(seedText),
      items: [{ sku: "A", quantity: 1e300, unitPrice: "79228162514264337593543950335", taxRate: 19, discount: 1e308 }],
    }),
  (r) => {
    assert.equal(r.valid, false);
    assert.ok(codes(r).includes("invalid_number") && codes(r).includes("out_of_range"), JSON.stringify(codes(r)));
  },
);

hostile(
  "a consumer born after the order",
  () => {
    const o = JSON.parse(seedText);
    o.customer.birthYear = 2030;
    return kontor.validateOrder(o);
  },
  (r) =>
    assert.deepEqual(
      r.issues.map((i) => [i.path, i.code]),
      [["customer.birthYear", "out_of_range"]],
    ),
);

// Last: a trap made on purpose. The module's memory is grown to the 4 GB maximum from outside,
// so the next allocation fails inside the module (`unreachable`): the entry answers with a
// `module_trapped` issue and instantiates the module again, and the good call works.
/** Grows the module's memory to its maximum from outside: the next allocation inside fails. */
function exhaust(memory) {
  for (const step of [16384, 4096, 1024, 256, 64, 16, 4, 1]) {
    for (;;) {
      try {
        memory.grow(step);
      } catch {
        break;
      }
    }
  }
}

test("after a trap the module is instantiated again and says so", async () => {
  // The Node ESM entry's glue: the full module.
  const glue = await import(new URL("../../pkg/full/kontor.js", import.meta.url));
  exhaust(glue.initSync().memory); // the loaded instance's exports
  const trapped = kontor.splitStreet("x".repeat(64 * MB));
  assert.equal(trapped.ok, false);
  assert.deepEqual(codes(trapped), ["module_trapped"]);
  assert.match(trapped.issues[0].message, /splitStreet\(\) \(unreachable\)/);
  assert.ok(trapped.issues[0].messageDe);
  // An export whose answer has no `issues` throws instead, on the fresh module made full too.
  exhaust(glue.initSync().memory);
  assert.throws(
    () => kontor.redactSecrets("x".repeat(64 * MB), {}),
    (e) => e.code === "module_trapped" && /redactSecrets\(\) \(unreachable\)/.test(e.message),
  );
  assert.equal(kontor.mayResend("rejected"), true);
  assert.deepEqual(good(), baseline, "the fresh module answers the good call");
  assert.deepEqual(kontor.splitStreet("Am Markt 5").houseNumber, "5");
});
