// The `kontor` command line: every subcommand, standard input, exit codes, JSON and human
// output, German, bad files, unknown targets and operations, --version and --help. Each test
// runs bin/kontor.mjs as a user would and reads what it prints.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as kontor from "kontor";

const root = fileURLToPath(new URL("../../", import.meta.url));
const fixture = (/** @type {string} */ path) => readFileSync(join(root, path), "utf8");
const SALT = "a-long-secret-salt-of-this-shop";

// The CLI reads its language, salt and credentials from the environment: run it without the
// caller's, so that a developer's shell cannot change the results.
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^(KONTOR|GEISENHEIM|KIVITENDO|WESTARP|OMNISELLER|KVIK)_/.test(k)),
);

/**
 * Runs the CLI. `opts`: `input` (standard input), `env` (added to the clean environment).
 * @param {string[]} args @param {{ input?: string, env?: Record<string, string> }} [opts]
 */
function cli(args, opts = {}) {
  const r = spawnSync(process.execPath, ["bin/kontor.mjs", ...args], {
    cwd: root,
    encoding: "utf8",
    input: opts.input ?? "",
    env: { ...cleanEnv, ...opts.env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const run = (/** @type {string[]} */ ...args) => cli(args);

/** Like `run`, without waiting: for the tests that run the CLI many times in parallel. */
function runAsync(/** @type {string[]} */ ...args) {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ["bin/kontor.mjs", ...args],
      { cwd: root, encoding: "utf8", env: cleanEnv },
      (_error, stdout, stderr) => resolve({ status: child.exitCode, stdout, stderr }),
    );
  });
}

/** A usage problem: exit 2, nothing on stdout, a `kontor: …` message on stderr. */
function assertUsage(/** @type {ReturnType<typeof cli>} */ r, /** @type {RegExp} */ message) {
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /^kontor: /);
  assert.match(r.stderr, message);
}

const tmp = mkdtempSync(join(tmpdir(), "kontor-cli-"));
after(() => rmSync(tmp, { recursive: true, force: true }));
const tmpFile = (/** @type {string} */ name, /** @type {string} */ text) => {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
};

// ---------------------------------------------------------------------------------------
// The original form and build.

test("every example converts to a Geisenheim payload (kontor geisenheim FILE)", () => {
  const examples = readdirSync(join(root, "examples")).filter((f) => f.endsWith(".json"));
  assert.ok(examples.length >= 5);
  for (const f of examples) {
    const r = run("geisenheim", `examples/${f}`, "--salt", SALT);
    assert.equal(r.status, 0, `${f}: ${r.stderr}`);
    const payload = JSON.parse(r.stdout);
    assert.ok(Number.isInteger(payload.id) && payload.items.length > 0, f);
    assert.equal(r.stdout, run("build", "geisenheim", `examples/${f}`, "--salt", SALT).stdout, `${f}: the alias is build`);
  }
});

test("an order with errors prints the issues and exits 1", () => {
  const r = run("geisenheim", "tests/fixtures/geisenheim_seed_example.expected.json");
  assert.equal(r.status, 1);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /^error invoiceId \[missing_invoice_id\]: required by Geisenheim: the sequential database id/m);
  assert.match(r.stderr, /^kontor: \d+ errors in tests\/fixtures\/geisenheim_seed_example\.expected\.json$/m);
});

test("build geisenheim: the payload is the package's, the salt from --salt or the environment", () => {
  const file = "examples/b2c_online_wine.json";
  const expected = kontor.toGeisenheim(fixture(file), { recipientSalt: SALT });
  assert.ok(expected.ok);
  const byFlag = run("build", "geisenheim", file, "--salt", SALT);
  assert.equal(byFlag.status, 0);
  assert.deepEqual(JSON.parse(byFlag.stdout), expected.payload);
  assert.equal(byFlag.stderr, "", "no warning with a long salt");
  for (const name of ["KONTOR_RECIPIENT_SALT", "GEISENHEIM_RECIPIENT_SALT"]) {
    const byEnv = cli(["build", "geisenheim", file], { env: { [name]: SALT } });
    assert.deepEqual(JSON.parse(byEnv.stdout), expected.payload, name);
  }
  // Without a salt: the payload, and the warning on stderr.
  const unsalted = run("build", "geisenheim", file);
  assert.equal(unsalted.status, 0);
  assert.match(unsalted.stderr, /^warning options\.recipientSalt \[missing_recipient_salt\]: /m);
  // --strict makes unknown free-text values errors.
  const loose = JSON.parse(fixture(file));
  loose.items[0].product.taste = "nach Sonnenschein";
  const looseFile = tmpFile("loose.json", JSON.stringify(loose));
  assert.equal(run("build", "geisenheim", looseFile, "--salt", SALT).status, 0);
  const strict = run("build", "geisenheim", looseFile, "--salt", SALT, "--strict");
  assert.equal(strict.status, 1);
  assert.match(strict.stderr, /^error items\[0\]\.product\.taste \[/m);
});

test("build kivitendo-customer prints the XML document of the kivitendo slides", () => {
  const r = run(
    "build",
    "kivitendo-customer",
    "tests/fixtures/kivitendo/customer_seed_example.order.json",
    "--options",
    '{"taxzoneId":4,"currencyId":1,"legacyFirstNameTag":true}',
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, fixture("tests/fixtures/kivitendo/customer_seed_example.xml"));
  assert.match(r.stderr, /^warning billingAddress\.zip \[invalid_zip\]/m, "warnings still go to stderr");
  // format json: the payload instead of the XML.
  const json = run(
    "build",
    "kivitendo-customer",
    "tests/fixtures/kivitendo/customer_seed_example.order.json",
    "--options",
    '{"taxzoneId":4,"currencyId":1,"format":"json"}',
  );
  assert.equal(json.status, 0);
  assert.equal(JSON.parse(json.stdout).customer.name, "Neue Firma");
});

test("build kivitendo-order takes its options from a file (--options @FILE); without them it names each", () => {
  const options = { taxzoneId: 4, currencyId: 1, customerId: 17, productIds: { "2021-RI-TR": 1, "2020-SB-GG": 2, "TB-05": 3 } };
  const file = tmpFile("kivitendo-options.json", JSON.stringify(options));
  const r = run("build", "kivitendo-order", "examples/b2c_online_wine.json", "--options", `@${file}`);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, kontor.toKivitendoOrderXml(fixture("examples/b2c_online_wine.json"), options).xml);
  assert.match(r.stdout, /^<order>\n/);
  const bare = run("build", "kivitendo-order", "examples/b2c_online_wine.json");
  assert.equal(bare.status, 1);
  assert.match(bare.stderr, /^error options\.customerId \[missing_option\]/m);
  assert.match(bare.stderr, /^error items\[0\]\.sku \[missing_product_id\]: no kivitendo product id for SKU "2021-RI-TR"/m);
});

test("build westarp: the document's sample order; an unbookable order gets its issues", () => {
  const file = "tests/fixtures/westarp/order_seed_example.order.json";
  const r = run("build", "westarp", file);
  assert.equal(r.status, 0, r.stderr);
  const expected = kontor.toWestarpOrder(fixture(file));
  assert.ok(expected.ok);
  assert.deepEqual(JSON.parse(r.stdout), expected.payload);
  const wine = run("westarp", "examples/b2c_online_wine.json"); // a build target as a command
  assert.equal(wine.status, 1);
  assert.match(wine.stderr, /^error items\[0\]\.sku \[invalid_isbn\]/m);
  assert.match(wine.stderr, /^error payment\.method \[unmapped_payment_method\]/m);
});

test("build kivitendo-product and kivitendo-category read their JSON from standard input", () => {
  const product = cli(["build", "kivitendo-product", "-"], {
    input: '{"productnumber":"A1","unit":"Stck","partType":"part","taxGroupId":1}',
  });
  assert.equal(product.status, 0, product.stderr);
  assert.equal(
    product.stdout,
    "<product>\n  <productnumber>A1</productnumber>\n  <unit>Stck</unit>\n  <part-type>part</part-type>\n  <tax-group-id>1</tax-group-id>\n</product>\n",
  );
  // kivitendo cannot book a product without its booking group: refused before anything is built.
  const noGroup = cli(["build", "kivitendo-product", "-"], { input: '{"productnumber":"A1","unit":"Stck","partType":"part"}' });
  assert.equal(noGroup.status, 1);
  assert.match(noGroup.stderr, /^error taxGroupId \[missing_field\]/m);
  const category = cli(["build", "kivitendo-category", "-"], { input: '{"name":"Wein"}' });
  assert.equal(category.status, 1);
  assert.match(category.stderr, /^error sortkey \[missing_field\]/m);
  assert.match(category.stderr, /^kontor: 1 error in standard input$/m);
});

test("standard input gives the same result as the file", () => {
  const file = "examples/sparkling_wine.json";
  const fromFile = run("build", "geisenheim", file, "--salt", SALT);
  const fromStdin = cli(["build", "geisenheim", "-", "--salt", SALT], { input: fixture(file) });
  assert.equal(fromStdin.status, 0);
  assert.equal(fromStdin.stdout, fromFile.stdout);
  // Two commands in a pipe: a shop's order straight to a target.
  const shop = run("from-shop", "shopware6", "tests/fixtures/shops/shopware6_order.json");
  const piped = cli(["validate", "-", "--target", "kivitendo-customer", "--options", '{"taxzoneId":4,"currencyId":1}'], {
    input: shop.stdout,
  });
  assert.equal(piped.status, 0, piped.stderr);
  assert.equal(piped.stdout, "valid for kivitendo-customer\n");
  // "-" can be read once.
  assertUsage(cli(["build", "geisenheim", "-", "--catalogue", "-"], { input: "{}" }), /standard input \("-"\) can be read only once/);
});

// ---------------------------------------------------------------------------------------
// JSON and human output, German.

test("--json: one document { ok, payload | xml, issues } on stdout, also with errors, nothing on stderr", () => {
  const ok = run("build", "geisenheim", "examples/b2c_online_wine.json", "--json");
  assert.equal(ok.status, 0);
  assert.equal(ok.stderr, "");
  const doc = JSON.parse(ok.stdout);
  assert.deepEqual(Object.keys(doc), ["ok", "payload", "issues"]);
  assert.equal(doc.ok, true);
  assert.equal(doc.payload.id, 3459872);
  assert.deepEqual(
    doc.issues.map((/** @type {any} */ i) => i.code),
    ["missing_recipient_salt"],
  );

  const xml = run("build", "kivitendo-customer", "examples/b2c_online_wine.json", "--options", '{"taxzoneId":4,"currencyId":1}', "--json");
  assert.match(JSON.parse(xml.stdout).xml, /^<customer>/);

  const bad = run("build", "westarp", "examples/b2c_online_wine.json", "--json");
  assert.equal(bad.status, 1);
  assert.equal(bad.stderr, "");
  const failed = JSON.parse(bad.stdout);
  assert.deepEqual(Object.keys(failed), ["ok", "issues"]);
  assert.equal(failed.ok, false);
  const first = failed.issues.find((/** @type {any} */ i) => i.path === "items[0].sku");
  assert.deepEqual(Object.keys(first), ["path", "code", "severity", "message", "messageDe"]);
});

test("human output: one line per issue, `severity path [code]: message`, and a count", () => {
  const r = run("validate", "examples/b2c_online_wine.json", "--target", "westarp");
  assert.equal(r.status, 1);
  assert.equal(r.stdout, "");
  const expected = kontor.validateOrder(fixture("examples/b2c_online_wine.json"), { target: "westarp" });
  // The core's message as it is: the line names the path once, the message never again.
  const lines = expected.issues.map((i) => `${i.severity} ${i.path} [${i.code}]: ${i.message}`);
  for (const i of expected.issues) assert.ok(!i.message.includes(i.path) && !i.message.includes("`"), i.message);
  const errors = expected.issues.filter((i) => i.severity === "error").length;
  assert.equal(r.stderr, [...lines, `kontor: ${errors} errors in examples/b2c_online_wine.json`].join("\n") + "\n");
});

test("--lang de and KONTOR_LANG=de: German messages, rules and words", () => {
  const expected = kontor.validateOrder(fixture("examples/b2c_online_wine.json"), { target: "westarp" });
  const lines = expected.issues.map((i) => `Fehler ${i.path} [${i.code}]: ${i.messageDe}`);
  for (const r of [
    run("validate", "examples/b2c_online_wine.json", "--target", "westarp", "--lang", "de"),
    cli(["validate", "examples/b2c_online_wine.json", "--target", "westarp"], { env: { KONTOR_LANG: "de" } }),
  ]) {
    assert.equal(r.status, 1);
    assert.equal(r.stderr, [...lines, `kontor: ${lines.length} Fehler in examples/b2c_online_wine.json`].join("\n") + "\n");
  }
  const valid = run("validate", "examples/b2c_online_wine.json", "--target", "geisenheim", "--lang=de");
  assert.equal(valid.stdout, "gültig für geisenheim (1 Warnung)\n");
  assert.match(valid.stderr, /^Warnung options\.recipientSalt \[missing_recipient_salt\]: nicht gesetzt: Empfänger-IDs/m);
  const explained = run("explain", "geisenheim", "examples/b2c_online_wine.json", "--field", "id", "--lang", "de", "--salt", SALT);
  assert.equal(
    explained.stdout,
    "id = 3459872\n  aus: invoiceId\n  Regel: fortlaufende Datenbank-ID der Rechnung ohne Lücken, nicht die Rechnungsnummer (§2.1 id)\n",
  );
  // Written for people: the field said once, no markup characters, one bad value one error.
  const bad = tmpFile(
    "bad.json",
    fixture("examples/b2c_online_wine.json")
      .replace('"bottleSizeMl": 750', '"bottleSizeMl": "big"')
      .replace('"zip": "65366"', '"zip": "ABC"'),
  );
  const people = run("validate", bad, "--target", "geisenheim", "--salt", SALT);
  assert.doesNotMatch(people.stderr, /`/);
  assert.match(
    people.stderr,
    /^error items\[0\]\.product\.bottleSizeMl \[invalid_number\]: must be a whole number between 1 and 1000000, not "big"$/m,
  );
  assert.match(people.stderr, /^warning items\[0\]\.product\.bottleSizeMl \[missing_bottle_size\]: required for Geisenheim's size/m);
  assert.match(people.stderr, /^kontor: 1 error in /m);
  assertUsage(run("validate", "examples/b2c_online_wine.json", "--lang", "fr"), /--lang \(or KONTOR_LANG\) must be en or de, not fr/);
  assertUsage(cli(["validate", "examples/b2c_online_wine.json"], { env: { KONTOR_LANG: "fr" } }), /must be en or de, not fr/);
});

// ---------------------------------------------------------------------------------------
// validate and explain.

test("validate: the order's own rules, then a target's; --json says valid", () => {
  const own = run("validate", "examples/b2c_online_wine.json");
  assert.equal(own.status, 0);
  assert.equal(own.stdout, "valid\n");
  assert.equal(own.stderr, "");
  const kivi = run("validate", "examples/b2b_gastronomy.json", "--target", "kivitendo-order");
  assert.equal(kivi.status, 1);
  assert.match(kivi.stderr, /^error options\.customerId \[missing_option\]/m);
  const json = JSON.parse(run("validate", "examples/b2c_online_wine.json", "--target", "westarp", "--json").stdout);
  assert.equal(json.ok, false);
  assert.equal(json.valid, false);
  assert.ok(json.issues.length > 0);
  const withOptions = run(
    "validate",
    "examples/b2c_online_wine.json",
    "--target",
    "kivitendo-customer",
    "--options",
    '{"taxzoneId":4,"currencyId":1}',
  );
  assert.equal(withOptions.status, 0);
  assert.equal(withOptions.stdout, "valid for kivitendo-customer\n");
});

test("explain: each payload field with its value, sources and rule; --field, --from, --json", () => {
  const file = "examples/b2c_online_wine.json";
  const one = run("explain", "geisenheim", file, "--field", "items[0].price", "--salt", SALT);
  assert.equal(one.status, 0, one.stderr);
  assert.equal(
    one.stdout,
    "items[0].price = 8.91\n" +
      "  from: items[0].unitPrice, items[0].discountPercent, items[0].product.bottles, pricesIncludeTax\n" +
      "  rule: gross price of one bottle after discount: (unit price − discount) ÷ bottles per unit, rounded half-up to cents; net prices converted with the tax rate (§2.1 price)\n",
  );
  // --field covers what is below it; --from selects by source.
  const item = run("explain", "geisenheim", file, "--field", "items[0]", "--salt", SALT).stdout;
  assert.match(item, /^items\[0\]\.category = 1$/m);
  assert.doesNotMatch(item, /^items\[1\]/m);
  const fromPrice = run("explain", "geisenheim", file, "--from", "items[0].unitPrice", "--salt", SALT).stdout;
  assert.deepEqual(
    fromPrice
      .split("\n")
      .filter((l) => /^\S/.test(l))
      .map((l) => l.split(" = ")[0]),
    ["items[0].discount", "items[0].price", "items[0].tax"],
  );
  // JSON: every lineage entry of the package, with the field's value.
  const json = JSON.parse(run("explain", "geisenheim", file, "--json", "--salt", SALT).stdout);
  const built = kontor.toGeisenheim(fixture(file), { recipientSalt: SALT, explain: true });
  assert.equal(json.ok, true);
  assert.deepEqual(
    json.lineage.map((/** @type {any} */ e) => e.field),
    built.lineage?.map((e) => e.field),
  );
  assert.deepEqual(
    json.lineage.find((/** @type {any} */ e) => e.field === "recipient.postalCode"),
    {
      field: "recipient.postalCode",
      value: "109",
      ...(({ from, rule, ruleDe }) => ({ from, rule, ruleDe }))(
        /** @type {any} */ (built.lineage?.find((e) => e.field === "recipient.postalCode")),
      ),
    },
  );
  // kivitendo XML: the value read back from the document.
  const kivi = run(
    "explain",
    "kivitendo-order",
    file,
    "--field",
    "order.orderitems.orderitem[1].description",
    "--options",
    JSON.stringify({ taxzoneId: 4, currencyId: 1, customerId: 3, productIds: { "2021-RI-TR": 1, "2020-SB-GG": 2, "TB-05": 3 } }),
  );
  assert.equal(kivi.status, 0, kivi.stderr);
  assert.match(
    kivi.stdout,
    /^order\.orderitems\.orderitem\[1\]\.description = "Spätburgunder Großes Gewächs 2020"\n  from: items\[1\]\.name\n/,
  );
  // A field that is not in the payload is a usage problem; an order with errors exits 1.
  assertUsage(run("explain", "geisenheim", file, "--field", "items[9].price"), /no payload field matches --field items\[9\]\.price/);
  const westarp = run("explain", "westarp", file);
  assert.equal(westarp.status, 1);
  assert.equal(westarp.stdout, "");
  assert.match(westarp.stderr, /\[invalid_isbn\]/);
});

// ---------------------------------------------------------------------------------------
// request and interpret.

test("request: the HTTP request with credentials from the environment, redacted unless --show-secrets", () => {
  const env = { GEISENHEIM_USERNAME: "api@example.com", GEISENHEIM_PASSWORD: "pw-from-env", GEISENHEIM_RECIPIENT_SALT: SALT };
  const r = cli(["request", "geisenheim", "createOrder", "examples/b2c_online_wine.json"], { env });
  assert.equal(r.status, 0, r.stderr);
  const [head, body] = r.stdout.split("\n\n");
  assert.equal(
    head,
    "POST https://api.staging.geisenheim-portal.de/erp/orders\nAuthorization: Basic [redacted]\nContent-Type: application/json\nAccept: application/json",
  );
  const built = kontor.toGeisenheim(fixture("examples/b2c_online_wine.json"), { recipientSalt: SALT });
  assert.deepEqual(JSON.parse(body), built.payload);
  assert.doesNotMatch(r.stdout, /pw-from-env|YXBpQGV4YW1wbGUuY29tOnB3LWZyb20tZW52/);
  // --show-secrets; flags win over the environment; production.
  const shown = cli(
    [
      "request",
      "geisenheim",
      "cancelOrder",
      "--id",
      "3459872",
      "--password",
      "pw-from-flag",
      "--environment",
      "production",
      "--show-secrets",
    ],
    { env },
  );
  assert.equal(shown.status, 0, shown.stderr);
  assert.equal(
    shown.stdout.split("\n").slice(0, 2).join("\n"),
    `DELETE https://api.geisenheim-portal.de/erp/orders/3459872\nAuthorization: Basic ${Buffer.from("api@example.com:pw-from-flag").toString("base64")}`,
  );
  // Without credentials: the configuration's issues, exit 1.
  const missing = run("request", "geisenheim", "cancelOrder", "--id", "3459872");
  assert.equal(missing.status, 1);
  assert.equal(missing.stdout, "");
  assert.match(missing.stderr, /^error config\.username \[missing_credentials\]/m);
});

test("request --json; OmniSeller's credentials in the body are redacted too; --config and --session", () => {
  const token = run(
    "request",
    "omniseller",
    "requestToken",
    "--config",
    '{"baseUrl":"https://shop.example.com","username":"apiuser","password":"apipass-secret"}',
    "--json",
  );
  assert.equal(token.status, 0, token.stderr);
  assert.deepEqual(JSON.parse(token.stdout), {
    ok: true,
    request: {
      method: "POST",
      url: "https://shop.example.com/omniseller/Tokenrequest.php",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: '{"apipass":"[redacted]","apiuser":"apiuser"}',
    },
    issues: [],
  });
  // The session from interpret's answer, as a file.
  const answer = JSON.parse(
    run("interpret", "omniseller", "requestToken", "200", "tests/fixtures/omniseller/token_answer.json", "--json").stdout,
  );
  const session = tmpFile("session.json", JSON.stringify({ ...answer.data, expiresAt: Date.now() + 3_600_000 }));
  const order = cli(["request", "omniseller", "getOrder", "--id", "6132af04178eabb83271b3c6579431be", "--session", `@${session}`], {
    env: { OMNISELLER_BASE_URL: "https://shop.example.com" },
  });
  assert.equal(order.status, 0, order.stderr);
  assert.equal(
    order.stdout,
    "POST https://shop.example.com/omniseller/HTKService4.php\nContent-Type: application/json\nAccept: application/json\n\n" +
      '{"data":"6132af04178eabb83271b3c6579431be","function":"11","token":"[redacted]"}\n',
  );
});

test("request: input from --input, a file, standard input or --id, for kivitendo, Westarp and kvik.shop", () => {
  const kivi = { KIVITENDO_BASE_URL: "https://erp.example.com", KIVITENDO_USERNAME: "api", KIVITENDO_PASSWORD: "kivi-pass" };
  const find = cli(["request", "kivitendo", "findCustomers", "--input", '{"email":"anna@example.com"}'], { env: kivi });
  assert.equal(
    find.stdout,
    "GET https://erp.example.com/api/v1/customers?email=anna%40example.com\nAuthorization: Basic [redacted]\nAccept: application/xml\n",
  );
  const stdin = cli(["request", "kivitendo", "createCustomer", "-"], {
    input: fixture("examples/b2c_online_wine.json"),
    env: { ...kivi, KIVITENDO_OPTIONS: '{"taxzoneId":4,"currencyId":1}' },
  });
  assert.equal(stdin.status, 0, stdin.stderr);
  assert.match(stdin.stdout, /^POST https:\/\/erp\.example\.com\/api\/v1\/customers\n[^]*\n\n<customer>\n  <name>Anna Becker<\/name>/);
  const book = run(
    "request",
    "westarp",
    "getBook",
    "--id",
    "78.154",
    "--base-url",
    "https://api.westarp.example/v2",
    "--token",
    "westarp-token",
  );
  assert.equal(
    book.stdout,
    "GET https://api.westarp.example/v2/books/78.154\nAuthorization: Bearer [redacted]\nAccept: application/json\n",
  );
  const page = tmpFile("page.json", '{"page":2}\n');
  const books = cli(["request", "westarp", "listBooks", page], {
    env: { WESTARP_BASE_URL: "https://api.westarp.example/v2", WESTARP_TOKEN: "t0ken" },
  });
  assert.match(books.stdout, /^GET https:\/\/api\.westarp\.example\/v2\/books\?page=2\n/);
  // kvik.shop: HTTPS only, unless --allow-insecure for a loopback mock.
  const insecure = run("request", "kvik", "listOrders", "--base-url", "http://127.0.0.1:9", "--token", "kvik-token");
  assert.equal(insecure.status, 1);
  assert.match(insecure.stderr, /^error config\.baseUrl \[https_required\]/m);
  const mock = run(
    "request",
    "kvik",
    "listOrders",
    "--input",
    '{"status":"new"}',
    "--base-url",
    "http://127.0.0.1:9",
    "--token",
    "kvik-token",
    "--allow-insecure",
  );
  assert.equal(mock.status, 0, mock.stderr);
  assert.match(mock.stdout, /^GET http:\/\/127\.0\.0\.1:9\/api\/app\/orders\?status=new\nAuthorization: Bearer \[redacted\]\n/);
  assertUsage(run("request", "westarp", "getBook", page, "--id", "1"), /give the input once: FILE, --input or --id/);
});

test("request knows every target's operations, exactly those of the package", async () => {
  const help = run("request", "--help").stdout;
  const listed = help.slice(help.indexOf("Targets and operations"), help.indexOf("Examples"));
  /** @type {Record<string, string[]>} */
  const cli = {};
  let target = "";
  for (const line of listed.split("\n").slice(1)) {
    if (/^  \S/.test(line)) cli[(target = line.trim())] = [];
    else if (/^    \S/.test(line)) cli[target].push(line.trim().split(/\s+/)[0]);
  }
  assert.deepEqual(Object.keys(cli), ["geisenheim", "kivitendo", "westarp", "omniseller", "kvik"]);
  for (const [t, ops] of Object.entries(cli)) {
    // The package names its operations in the issue of an unknown one.
    const unknown = kontor.request(/** @type {any} */ (t), /** @type {any} */ ("noSuchOperation"), null, {});
    const known = unknown.issues
      .find((i) => i.code === "unknown_operation")
      ?.message.match(/known: (.*)$/)?.[1]
      .split(", ");
    assert.deepEqual([...ops].sort(), [...(known ?? [])].sort(), t);
  }
  const runs = Object.entries(cli).flatMap(([t, ops]) =>
    ops.map(async (op) => ({ t, op, r: /** @type {any} */ (await runAsync("request", t, op)) })),
  );
  for (const { t, op, r } of await Promise.all(runs)) {
    assert.notEqual(r.status, 2, `${t} ${op}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /unknown_operation|unknown_target/, `${t} ${op}`);
  }
});

test("interpret: the outcome on stdout's first line, the data when accepted; exit 1 otherwise", () => {
  const token = run("interpret", "omniseller", "requestToken", "200", "tests/fixtures/omniseller/token_answer.json");
  assert.equal(token.status, 0, token.stderr);
  const [outcome, ...data] = token.stdout.split("\n");
  assert.equal(outcome, "accepted");
  assert.equal(JSON.parse(data.join("\n")).user, "apiuser");
  const retry = run("interpret", "geisenheim", "createOrder", "503");
  assert.equal(retry.status, 1);
  assert.equal(retry.stdout, "retry\n");
  assert.match(retry.stderr, /^warning \(answer\) \[retry_later\]/m);
  const rejected = cli(["interpret", "westarp", "createOrder", "422", "-", "--json"], {
    input: '{"message":"invalid","errors":{"items.0.isbn":["unknown ISBN"]}}',
  });
  assert.equal(rejected.status, 1);
  const doc = JSON.parse(rejected.stdout);
  assert.equal(doc.ok, false);
  assert.equal(doc.outcome, "rejected");
  assert.ok(
    doc.issues.some((/** @type {any} */ i) => i.path === "items[0].isbn"),
    rejected.stdout,
  );
  const denied = run("interpret", "kivitendo", "findOrders", "401", "--lang", "de");
  assert.equal(denied.stdout, "auth_failed\n");
  assert.match(denied.stderr, /^Fehler /m);
  assertUsage(run("interpret", "geisenheim", "createOrder", "ok"), /STATUS must be an HTTP status/);
});

// ---------------------------------------------------------------------------------------
// Shops, OmniSeller, catalogue and the helpers.

test("from-shop: each platform's sample as the canonical order; missing data exits 1", () => {
  for (const [platform, file] of [
    ["shopware6", "shopware6_order"],
    ["shopify", "shopify_orders_create"],
    ["woocommerce", "woocommerce_order"],
  ]) {
    const expected = JSON.parse(fixture(`tests/fixtures/shops/${file}.expected.json`));
    const r = run("from-shop", platform, `tests/fixtures/shops/${file}.json`, "--json");
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.ok, expected.valid, platform);
    assert.equal(r.status, expected.valid ? 0 : 1, platform);
    assert.deepEqual(doc.order, expected.order, platform);
    assert.deepEqual(
      doc.issues.map((/** @type {any} */ i) => [i.path, i.code, i.severity]),
      expected.issues.map((/** @type {any} */ i) => [i.path, i.code, i.severity]),
      platform,
    );
  }
  const shopware = run("from-shop", "shopware6", "tests/fixtures/shops/shopware6_order.json");
  assert.deepEqual(JSON.parse(shopware.stdout), JSON.parse(fixture("tests/fixtures/shops/shopware6_order.expected.json")).order);
  const woo = run("from-shop", "woocommerce", "tests/fixtures/shops/woocommerce_order.json");
  assert.equal(woo.status, 1);
  assert.equal(woo.stdout, "", "nothing to pipe on");
  assert.match(woo.stderr, /^error items\[0\]\.sku \[missing_field\]: WooCommerce sent no SKU/m);
});

test("from-omniseller maps an order with a field-path table from a file", () => {
  const r = run(
    "from-omniseller",
    "tests/fixtures/omniseller/order_answer.json",
    "--mapping",
    "@tests/fixtures/omniseller/order_mapping.json",
  );
  assert.equal(r.status, 0, r.stderr);
  const order = JSON.parse(r.stdout);
  assert.equal(order.number, "2");
  assert.equal(order.items.length, 2);
  assertUsage(run("from-omniseller", "tests/fixtures/omniseller/order_answer.json"), /missing --mapping/);
});

test("catalogue: the entries of a CSV, a bad row's line, the SKUs an order lacks", () => {
  const good = tmpFile(
    "catalogue.csv",
    "Artikelnummer;kind;bottles;Liter;quality;Rebsorten;wineType;Geschmack\n2021-RI-TR;wine;6;0,75;Qualitätswein;Riesling;Weißwein;trocken\n",
  );
  const r = run("catalogue", good);
  assert.equal(r.status, 0, r.stderr);
  const entries = JSON.parse(r.stdout);
  assert.deepEqual(entries, kontor.readCatalogue(readFileSync(good, "utf8")).catalogue);
  assert.equal(entries.length, 1);
  assert.equal(entries[0].sku, "2021-RI-TR");
  assert.equal(entries[0].bottleSizeMl, 750, "Liter 0,75 read with the German decimal comma");
  const bad = run("catalogue", tmpFile("bad.csv", "sku;kind\nA;wine\nB;brandy\n"));
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /^error lines\[3\]\.kind \[invalid_value\]: "brandy" is not allowed: use one of wine/m);
  const missing = run("catalogue", good, "--order", "examples/b2c_online_wine.json");
  assert.equal(missing.status, 1);
  assert.equal(missing.stdout, "2020-SB-GG\nTB-05\n");
  assert.match(missing.stderr, /^error items\[1\]\.sku \[missing_from_catalogue\]/m);
  // The builders take the catalogue too.
  const order = JSON.parse(fixture("examples/b2c_online_wine.json"));
  delete order.items[0].product;
  const bare = tmpFile("bare.json", JSON.stringify(order));
  assert.match(run("build", "geisenheim", bare, "--salt", SALT).stderr, /items\[0\]\.product \[missing_product\]/);
  const completed = run("build", "geisenheim", bare, "--salt", SALT, "--catalogue", good);
  assert.equal(completed.status, 0, completed.stderr);
  assert.equal(JSON.parse(completed.stdout).items[0].category, 1);
});

test("street, shipping-cost and parse-xml", () => {
  const street = run("street", "Straße des 17. Juni 135");
  assert.equal(street.status, 0);
  assert.equal(street.stdout, "street: Straße des 17. Juni\nhouse number: 135\n");
  assert.deepEqual(JSON.parse(run("street", "C 3 54", "--json").stdout), { ok: true, street: "C 3", houseNumber: "54", issues: [] });
  const none = run("street", "Hauptstraße", "--lang", "de");
  assert.equal(none.status, 1);
  assert.match(none.stderr, /^Fehler "Hauptstraße" \[unsplittable_street\]/m);

  const method = '{"type":"weight","rates":{"0":"4.90","1000":"6.90"}}';
  const cost = run("shipping-cost", "--method", method, "--weight", "1500");
  assert.equal(cost.status, 0, cost.stderr);
  assert.equal(cost.stdout, "6.90\n");
  assert.deepEqual(JSON.parse(run("shipping-cost", "--method", method, "--weight", "200", "--json").stdout), {
    ok: true,
    cost: 4.9,
    issues: [],
  });
  assertUsage(run("shipping-cost", "--method", method, "--weight", "1.5 kg"), /--weight must be whole grams/);

  const xml = run("parse-xml", "tests/fixtures/kivitendo/customer_seed_example.xml");
  assert.equal(xml.status, 0, xml.stderr);
  assert.equal(JSON.parse(xml.stdout).root, "customer");
  const broken = run("parse-xml", "tests/fixtures/kivitendo/customer_seed_broken.xml");
  assert.equal(broken.status, 1);
  assert.match(broken.stderr, /^error \(document\) \[malformed_xml\]: .*line 27/m);
});

// ---------------------------------------------------------------------------------------
// Usage, files, version and help.

test("usage problems exit 2 with nothing on stdout", () => {
  assertUsage(run("geisenheim"), /missing FILE/);
  assertUsage(run("frobnicate", "x.json"), /unknown command frobnicate/);
  assertUsage(run("--json"), /missing command before --json/);
  assertUsage(run("geisenheim", "does-not-exist.json"), /cannot read does-not-exist\.json: ENOENT/);
  assertUsage(run("build", "frobnicate", "examples/return.json"), /unknown target frobnicate: use one of geisenheim, kivitendo-customer/);
  assertUsage(run("validate", "examples/return.json", "--target", "kivitendo"), /unknown target kivitendo/);
  assertUsage(run("validate", "examples/return.json", "--options", "{}"), /--options needs --target/);
  assertUsage(run("explain", "kivitendo-product", "examples/return.json"), /unknown target kivitendo-product/);
  assertUsage(
    run("request", "shopware", "getOrder"),
    /unknown target shopware: use one of geisenheim, kivitendo, westarp, omniseller, kvik/,
  );
  assertUsage(
    run("request", "geisenheim", "deleteEverything"),
    /unknown geisenheim operation deleteEverything: use one of createOrder, cancelOrder/,
  );
  assertUsage(run("interpret", "kvik", "getOrder"), /missing STATUS/);
  assertUsage(run("from-shop", "magento", "x.json"), /unknown platform magento/);
  assertUsage(run("build", "geisenheim", "examples/return.json", "--frobnicate"), /unknown option --frobnicate for build/);
  assertUsage(run("build", "westarp", "examples/return.json", "--salt", SALT), /--salt applies to geisenheim only/);
  assertUsage(run("build", "geisenheim", "examples/return.json", "--options", "{taxzoneId: 4}"), /--options is not JSON/);
  assertUsage(run("build", "geisenheim", "examples/return.json", "--options", "[1]"), /--options must be a JSON object/);
  assertUsage(run("build", "geisenheim", "examples/return.json", "--options", "@missing.json"), /cannot read missing\.json/);
  assertUsage(run("build", "geisenheim", "examples/return.json", "extra.json"), /unexpected argument extra\.json/);
  assertUsage(run("build", "geisenheim", "examples/return.json", "--json", "--salt"), /--salt needs a value/);
  assertUsage(
    cli(["request", "kivitendo", "listTaxZones"], { env: { KIVITENDO_OPTIONS: "{not json" } }),
    /\$KIVITENDO_OPTIONS is not JSON/,
  );
  // With --json too: usage problems are not results.
  assertUsage(run("build", "frobnicate", "x.json", "--json"), /unknown target/);
  // No command at all: the overview on stderr.
  const bare = run();
  assert.equal(bare.status, 2);
  assert.equal(bare.stdout, "");
  assert.match(bare.stderr, /^kontor \d+\.\d+\.\d+: /);
});

test("a bad order file: malformed JSON is an issue of the input (exit 1), a directory a file problem (exit 2)", () => {
  const broken = tmpFile("broken.json", '{ "number": "1", ');
  for (const args of [
    ["build", "geisenheim", broken],
    ["validate", broken],
    ["explain", "westarp", broken],
  ]) {
    const r = run(...args);
    assert.equal(r.status, 1, args.join(" "));
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^error \(order\) \[malformed_json\]: .* at line 1 column 17/m, args.join(" "));
  }
  const empty = cli(["validate", "-"], { input: "" });
  assert.equal(empty.status, 1);
  assert.match(empty.stderr, /\[malformed_json\]/);
  assertUsage(run("validate", "examples"), /cannot read examples: EISDIR/);
});

test("a file with a byte order mark reads as without; a reader that stops early ends the CLI quietly", () => {
  const bom = tmpFile("bom.json", "\uFEFF" + fixture("examples/return.json"));
  const r = run("validate", bom);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, "valid\n");
  // 20,000 catalogue entries (about 1 MB of JSON) into `head -c 10`: no EPIPE trace.
  const rows = ["sku;kind", ...Array.from({ length: 20000 }, (_, i) => `A${i};wine`)].join("\n");
  const big = tmpFile("big.csv", rows);
  const piped = spawnSync("sh", ["-c", `"${process.execPath}" bin/kontor.mjs catalogue "${big}" | head -c 10`], {
    cwd: root,
    encoding: "utf8",
    env: cleanEnv,
  });
  assert.equal(piped.status, 0);
  assert.equal(piped.stdout, "[\n  {\n    ");
  assert.equal(piped.stderr, "");
});

test("--version, -V and version print the package version", () => {
  const version = JSON.parse(fixture("package.json")).version;
  assert.equal(kontor.version(), version);
  for (const args of [["--version"], ["-V"], ["version"]]) {
    const r = run(...args);
    assert.equal(r.status, 0, args[0]);
    assert.equal(r.stdout, `kontor ${version}\n`);
    assert.equal(r.stderr, "");
  }
  assert.deepEqual(JSON.parse(run("--version", "--json").stdout), { ok: true, version });
});

test("--help lists every command and the exit codes; each command has its own help", async () => {
  const help = run("--help");
  assert.equal(help.status, 0);
  assert.equal(help.stderr, "");
  assert.equal(run("help").stdout, help.stdout);
  assert.equal(run("-h").stdout, help.stdout);
  const commands = [
    "build",
    "validate",
    "explain",
    "from-shop",
    "from-omniseller",
    "catalogue",
    "request",
    "interpret",
    "street",
    "shipping-cost",
    "parse-xml",
    "help",
    "version",
  ];
  const helps = await Promise.all(
    commands.map(async (c) => /** @type {any[]} */ ([await runAsync(c, "--help"), await runAsync("help", c)])),
  );
  for (const [k, c] of commands.entries()) {
    assert.match(help.stdout, new RegExp(`^  ${c}\\b`, "m"), c);
    const [own, viaHelp] = helps[k];
    assert.equal(own.status, 0, c);
    assert.match(own.stdout, new RegExp(`^usage: kontor ${c}\\b`), c);
    assert.match(own.stdout, /\nExit codes: 0 ok, 1 the input has errors, 2 usage or file problems/, c);
    assert.equal(viaHelp.stdout, own.stdout, c);
  }
  assert.match(help.stdout, /Exit codes\n  0  ok[^]*\n  1  the input has errors[^]*\n  2  usage or file problems/);
  assert.match(help.stdout, /--json/);
  assert.match(help.stdout, /--lang en\|de/);
  assert.match(help.stdout, /"-" for standard input/);
  assert.equal(run("help", "geisenheim").stdout, run("build", "--help").stdout, "the alias's help is build's");
  assert.match(run("build", "-h").stdout, /kontor geisenheim FILE/);
  assertUsage(run("help", "frobnicate"), /unknown command frobnicate/);
});

test("the command line's page (docs/cli.md) names only commands that exist, with the exit codes of --help", () => {
  const section = fixture("docs/cli.md");
  const block = section.slice(section.indexOf("```sh"), section.indexOf("```", section.indexOf("```sh") + 5));
  const used = [...block.matchAll(/^kontor ([a-z-]+)/gm)].map((m) => m[1]);
  assert.ok(used.length >= 10, `only ${used.length} commands in docs/cli.md`);
  const help = run("--help").stdout;
  for (const c of used) {
    const r = run(c, "--help");
    assert.equal(r.status, 0, `kontor ${c} --help: ${r.stderr}`);
    assert.match(help, new RegExp(`^  ${c}\\b`, "m"), c);
  }
  for (const c of [
    "build",
    "validate",
    "explain",
    "request",
    "interpret",
    "from-shop",
    "from-omniseller",
    "catalogue",
    "street",
    "shipping-cost",
    "parse-xml",
  ]) {
    assert.ok(used.includes(c), `docs/cli.md shows no example of ${c}`);
  }
  assert.match(section, /\*\*0\*\* ok[^]*\*\*1\*\* the input has errors[^]*\*\*2\*\* usage or file problems/);
});
