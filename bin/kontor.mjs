#!/usr/bin/env node
// kontor command line: everything the package does, one subcommand per task.
//
//   kontor build <target> FILE          a target's request body from a canonical order
//   kontor validate FILE [--target T]   the order's issues (and the target's)
//   kontor explain <target> FILE        where each payload field comes from
//   kontor request <target> <op> [FILE] the HTTP request kontor would send (nothing is sent)
//   kontor interpret <target> <op> STATUS [FILE]   what an API's answer means
//   kontor from-shop | from-omniseller | catalogue | street | shipping-cost | parse-xml
//   kontor help [command], kontor --version
//
// `kontor help` (USAGE below) is the reference. Conventions: FILE is a path or "-" for
// standard input; the result goes to stdout, issues to stderr (`--json`: one JSON document
// `{ ok, …, issues }` on stdout instead); exit 0 ok, 1 the input has errors, 2 usage or file
// problems (then stdout is empty). No dependencies beyond Node's standard library and the
// package itself (`kontor` resolves to this package through package.json's `exports`).
import { readFileSync } from "node:fs";
import * as kontor from "kontor";

const EXIT_OK = 0;
const EXIT_ISSUES = 1;
const EXIT_USAGE = 2;

/** A usage or file problem: printed on stderr, exit 2. */
class UsageError extends Error {
  /** @param {string} message @param {string} [command] the command whose help to point to */
  constructor(message, command) {
    super(message);
    this.command = command;
  }
}

// ---------------------------------------------------------------------------------------
// What the package offers (kept beside the help texts; the tests check them against it).

/** Build targets: the builder, whether its input is a canonical order, and what it makes. */
const BUILDERS = {
  geisenheim: { fn: kontor.toGeisenheim, order: true, makes: "Geisenheim POST /erp/orders body (JSON)" },
  "kivitendo-customer": { fn: kontor.toKivitendoCustomerXml, order: true, makes: "kivitendo <customer> document (XML)" },
  "kivitendo-order": { fn: kontor.toKivitendoOrderXml, order: true, makes: "kivitendo <order> document (XML)" },
  "kivitendo-product": { fn: kontor.toKivitendoProductXml, order: false, makes: "kivitendo <product> from a product JSON" },
  "kivitendo-category": { fn: kontor.toKivitendoCategoryXml, order: false, makes: "kivitendo <category> from a category JSON" },
  westarp: { fn: kontor.toWestarpOrder, order: true, makes: "Westarp POST /orders body (JSON)" },
};
// An order document of the registry without a row above (a new target): built through
// `buildOrder`, which gives its request body.
for (const t of kontor.targets()) {
  for (const d of t.documents) {
    /** @type {Record<string, { fn: Function, order: boolean, makes: string }>} */ (BUILDERS)[d.name] ??= {
      fn: (/** @type {string} */ order, /** @type {any} */ options) => {
        const r = kontor.buildOrder(/** @type {any} */ (d.name), order, options);
        return { ...r, xml: r.body };
      },
      order: true,
      makes: `${t.title}: request body`,
    };
  }
}
/** Targets `validateOrder` and `explain` know (the order builders). */
const ORDER_TARGETS = Object.keys(BUILDERS).filter((t) => BUILDERS[t].order);

/** `request()`/`interpretResponse()` targets and their operations, with the input each takes. */
const OPERATIONS = {
  geisenheim: {
    createOrder: "the canonical order",
    cancelOrder: "the invoice id: --id 3459872 (or { invoiceId })",
  },
  kivitendo: {
    createCustomer: "the canonical order",
    updateCustomer: "the canonical order (config customerId)",
    findCustomers: '{ "email": … } or { "createdSince": … }',
    createOrder: "the canonical order",
    findOrders: '{ "orderNumber": … } or { "createdSince": … }',
    createProduct: "a product { productnumber, unit, partType, … }",
    createCategory: "a category { name, sortkey }",
    listTaxZones: "none",
    listCurrencies: "none",
  },
  westarp: {
    listPublishers: '{ "page"? } or none',
    listBooks: '{ "publisherId"?, "status"?, "author"?, "isbn"?, "term"?, "page"? } or none',
    getBook: "--id ID",
    createBook: "the book's fields",
    updateBook: '{ "id", … }',
    deleteBook: '{ "id", "confirmDeletion": the same id }',
    listStocks: '{ "storageId"?, "bookId"?, "place"?, "page"? } or none',
    listOrders: '{ "status"?, "bookId"?, "publisherId"?, "page"? } or none',
    getOrder: "--id ID",
    createOrder: "the canonical order",
    listShippingMethods: "none",
  },
  omniseller: {
    requestToken: "none",
    getCategories: "none (needs --session)",
    getOrderIds: "none (needs --session)",
    getOrder: "--id HEX-ID (needs --session)",
    getStock: "the stock query (config stockFunction; needs --session)",
  },
  kvik: {
    listOrders: '{ "status"?, … } or none',
    getOrder: "--id ID",
    updateOrder: '{ "id", "changes": { … } }',
    getPrice: '{ "productId", "user"? }',
  },
};
// A target or source of the registry without a row above (a new one): its operations by name.
for (const t of [...kontor.targets(), ...kontor.sources()]) {
  if (t.operations.length > 0) {
    /** @type {Record<string, Record<string, string>>} */ (OPERATIONS)[t.name] ??= Object.fromEntries(
      t.operations.map((o) => [o, `see docs/targets/${t.name}.md`]),
    );
  }
}

const PLATFORMS = ["woocommerce", "shopware6", "shopify"];

// ---------------------------------------------------------------------------------------
// Help texts.

const VERSION = kontor.version();

const USAGE = `kontor ${VERSION}: orders for German commerce APIs (Geisenheim, kivitendo, Westarp,
OmniSeller, kvik.shop)

usage: kontor <command> [arguments] [options]

Orders
  build <target> FILE            the target's request body built from a canonical order
  validate FILE [--target T]     the order's issues; with a target also that target's
  explain <target> FILE          where each field of the target's payload comes from
  from-shop <platform> FILE      a WooCommerce, Shopware 6 or Shopify order as a canonical order
  from-omniseller FILE --mapping M   an OmniSeller order as a canonical order
  catalogue FILE [--order FILE]  read a product catalogue (JSON or CSV); the SKUs an order lacks

HTTP (nothing is sent: kontor is sans-IO)
  request <target> <operation> [FILE]          the HTTP request kontor would send
  interpret <target> <operation> STATUS [FILE] what an API's answer (status, body) means

Helpers
  street LINE                    a German street line as street and house number
  shipping-cost --method M --weight GRAMS   a Westarp shipping method's net cost
  parse-xml FILE                 a kivitendo XML document or answer as JSON
  help [command]                 this text, or a command's
  version                        the package version (also --version, -V)

FILE is a path, or "-" for standard input.
Build targets: ${Object.keys(BUILDERS).slice(0, 4).join(", ")},
  ${Object.keys(BUILDERS).slice(4).join(", ")}.
Request targets: ${Object.keys(OPERATIONS).join(", ")}
  (kontor help request lists their operations).
\`kontor geisenheim FILE\` is short for \`kontor build geisenheim FILE\` (so is every build target).

Options of every command
  --json          one JSON document on stdout: { "ok", …the result…, "issues" }, also when the
                  input has errors; nothing on stderr
  --lang en|de    messages in English or German (default: $KONTOR_LANG, else en)
  -h, --help      the command's help

Output: the result on stdout; each issue on stderr as
  error items[0].sku [invalid_isbn]: message      (severity, path, code, message)

Exit codes
  0  ok (warnings may be printed)
  1  the input has errors: an issue of severity error (interpret: the answer is not "accepted")
  2  usage or file problems: unknown command, target, operation or option, a file that cannot
     be read, an option value that is not JSON; the message is on stderr, stdout is empty

Examples
  kontor build geisenheim examples/b2c_online_wine.json --salt "$SHOP_SALT"
  kontor from-shop shopify webhook.json | kontor validate - --target westarp --lang de
  kontor request kivitendo findCustomers --input '{"email":"anna@example.com"}'
`;

const OPTIONS_HELP = `  --options JSON|@FILE   the builder's options (docs/order.md, "What each target needs"), e.g.
                         '{"taxzoneId":4,"currencyId":1}'; @FILE reads them from a file
  --catalogue FILE       a product catalogue (JSON or CSV) that completes the items first
  --salt SECRET          geisenheim: the recipient salt (default: $KONTOR_RECIPIENT_SALT,
                         else $GEISENHEIM_RECIPIENT_SALT)
  --strict               geisenheim: unknown free-text values are errors`;

const HELP = {
  build: `usage: kontor build <target> FILE|- [options]

Builds the target's request body from FILE and prints it on stdout: JSON for geisenheim and
westarp, the XML document for kivitendo (JSON with --options '{"format":"json"}'). Issues go to
stderr; with errors nothing is printed on stdout and the exit code is 1.

Targets
${Object.entries(BUILDERS)
  .map(([t, b]) => `  ${t.padEnd(20)} ${b.makes}`)
  .join("\n")}

Options
${OPTIONS_HELP}
  --json                 { "ok", "payload" | "xml", "issues" } on stdout

Examples
  kontor build geisenheim examples/b2c_online_wine.json --salt "$SHOP_SALT"
  kontor build kivitendo-customer order.json --options '{"taxzoneId":4,"currencyId":1}'
  kontor build westarp - --options @westarp-options.json < order.json

\`kontor geisenheim FILE\` (the original form) and \`kontor <target> FILE\` are aliases.`,

  validate: `usage: kontor validate FILE|- [--target T] [options]

Checks the canonical order in FILE against its own rules and, with --target, against what
that target's document needs (the same rules its builder applies). Prints "valid" on stdout
(issues and warnings on stderr); exit 1 if an issue is an error.

Targets: ${ORDER_TARGETS.join(", ")}

Options
  --target T             also check what target T needs
${OPTIONS_HELP}
  --json                 { "ok", "valid", "issues" } on stdout

Example
  kontor validate examples/b2b_gastronomy.json --target kivitendo-order --lang de`,

  explain: `usage: kontor explain <target> FILE|- [--field PATH] [--from PATH] [options]

Builds the target's payload from FILE and prints, for every payload field, its value, the
order fields it was made from and the rule of the API document that shaped it.

Targets: ${ORDER_TARGETS.join(", ")}

Options
  --field PATH           only this payload field and those below it (items[0], items[0].price;
                         kivitendo: order.orderitems.orderitem[0].price)
  --from PATH            only the payload fields made from this order field (items[0].unitPrice)
${OPTIONS_HELP}
  --json                 { "ok", "lineage": [{ "field", "value", "from", "rule", "ruleDe" }],
                         "issues" }

Exit 2 if --field or --from matches no payload field.

Example
  kontor explain geisenheim examples/b2c_online_wine.json --field 'items[0].price'`,

  request: `usage: kontor request <target> <operation> [FILE|-] [options]

Prints the HTTP request kontor would send for the operation (method, URL, headers, body),
without sending it. Credentials are shown as [redacted] unless --show-secrets.

Input: FILE (or "-"), --input JSON|@FILE, --id ID (the input { "id": ID }), or none.

Configuration (later wins): the environment, then --config, then the flags below.
  environment      <TARGET>_BASE_URL, <TARGET>_USERNAME, <TARGET>_PASSWORD, <TARGET>_TOKEN,
                   <TARGET>_OPTIONS (JSON), GEISENHEIM_ENV, GEISENHEIM_RECIPIENT_SALT (or
                   KONTOR_RECIPIENT_SALT), KVIK_ALLOW_INSECURE: the edge worker's names, e.g.
                   KIVITENDO_BASE_URL, WESTARP_TOKEN
  --config JSON|@FILE    the whole configuration (docs/javascript.md, RequestConfig)
  --base-url URL         baseUrl
  --environment production|staging   geisenheim (default staging)
  --username USER, --password PASS, --token TOKEN   credentials (prefer the environment:
                         arguments are visible to other users of the machine)
  --session JSON|@FILE   omniseller: the session, the data of
                         kontor interpret omniseller requestToken 200 ANSWER --json
  --allow-insecure       kvik: plain HTTP to a loopback host (tests and mocks)
${OPTIONS_HELP}
  --show-secrets         print credentials as they are
  --json                 { "ok", "request": { "method", "url", "headers", "body" }, "issues" }

Targets and operations (and their input)
${Object.entries(OPERATIONS)
  .map(
    ([t, ops]) =>
      `  ${t}\n${Object.entries(ops)
        .map(([o, input]) => `    ${o.padEnd(20)} ${input}`)
        .join("\n")}`,
  )
  .join("\n")}

Examples
  GEISENHEIM_USERNAME=api@example.com GEISENHEIM_PASSWORD=… \\
    kontor request geisenheim createOrder examples/b2c_online_wine.json --salt "$SHOP_SALT"
  kontor request geisenheim cancelOrder --id 3459872
  kontor request westarp listBooks --input '{"page":2}' --base-url https://api.example/v2`,

  interpret: `usage: kontor interpret <target> <operation> STATUS [FILE|-] [--json]

Reads an API's answer to the operation (the HTTP status and the body in FILE; no FILE: an
empty body) and prints what it means: the outcome (accepted, rejected: fix and resend, retry:
the same request later, auth_failed: fix the credentials) on stdout, then the answer's data as
JSON; issues on stderr. Exit 0 when accepted, else 1.

Targets and operations: as for request (kontor help request).

Options
  --json                 { "ok", "outcome", "data", "issues" }

Example
  kontor interpret omniseller requestToken 200 tests/fixtures/omniseller/token_answer.json`,

  "from-shop": `usage: kontor from-shop <platform> FILE|- [--catalogue FILE] [--json]

Reads a shop's own order JSON (as its webhook or API sends it) and prints the canonical order
on stdout; issues on stderr. With errors (a field the shop did not send) nothing is printed on
stdout (--json still carries the mapped order) and the exit code is 1.

Platforms: ${PLATFORMS.join(", ")}

Options
  --catalogue FILE       a product catalogue (JSON or CSV) that completes the items
  --json                 { "ok", "order", "issues" }

Example
  kontor from-shop shopware6 tests/fixtures/shops/shopware6_order.json | kontor build geisenheim -`,

  "from-omniseller": `usage: kontor from-omniseller FILE|- --mapping JSON|@FILE [--json]

Maps an OmniSeller order (getOrder's answer or its data) to a canonical order with a
field-path table (docs/sources/omniseller.md) and prints it on stdout.

Options
  --mapping JSON|@FILE   the field-path table (required)
  --json                 { "ok", "order", "issues" }

Example
  kontor from-omniseller tests/fixtures/omniseller/order_answer.json \\
    --mapping @tests/fixtures/omniseller/order_mapping.json`,

  catalogue: `usage: kontor catalogue FILE|- [--format json|csv] [--order FILE] [--json]

Reads a product catalogue (JSON, or CSV with ";" or ",") and prints its entries as JSON; each
bad row is an issue naming its line (exit 1; then nothing on stdout, --json carries the good
rows). With --order, prints instead the order's SKUs the catalogue lacks, one a line, each also
an issue at its item (exit 1 if any).

Options
  --format json|csv      the catalogue's format (default: detected)
  --order FILE           a canonical order to check against the catalogue
  --json                 { "ok", "catalogue", "missing"?, "issues" }

Example
  kontor catalogue catalogue.csv --order examples/b2c_online_wine.json`,

  street: `usage: kontor street LINE [--json]

Splits a German street line into street and house number (read from the end of the line);
exit 1 if the line does not end in a house number.

Options
  --json                 { "ok", "street", "houseNumber", "issues" }

Example
  kontor street "Straße des 17. Juni 135"`,

  "shipping-cost": `usage: kontor shipping-cost --method JSON|@FILE --weight GRAMS [--json]

The net cost of a parcel with a Westarp shipping method of type weight, fixed/fix or linear.

Options
  --method JSON|@FILE    the shipping method, as listShippingMethods answers it
  --weight GRAMS         the parcel's weight in grams (a whole number)
  --json                 { "ok", "cost", "issues" }

Example
  kontor shipping-cost --method '{"type":"weight","rates":{"0":"4.90","1000":"6.90"}}' --weight 1500`,

  "parse-xml": `usage: kontor parse-xml FILE|- [--json]

Reads a kivitendo XML document or API answer and prints it as JSON { "root", "data" };
malformed XML is an issue naming line and column (exit 1).

Options
  --json                 { "ok", "root", "data", "issues" }

Example
  kontor parse-xml tests/fixtures/kivitendo/customer_seed_example.xml`,

  help: `usage: kontor help [command]

Prints the overview, or a command's help (the same as kontor <command> --help).`,

  version: `usage: kontor version [--json]   (also: kontor --version, kontor -V)

Prints the package version: "kontor ${VERSION}".`,
};

/** A command's help, with what every command shares. */
function commandHelp(/** @type {string} */ command) {
  return `${HELP[command]}

Every command also takes --json, --lang en|de and -h/--help (kontor help).
Exit codes: 0 ok, 1 the input has errors, 2 usage or file problems (stdout empty).`;
}

// ---------------------------------------------------------------------------------------
// Arguments.

/** Flags every command takes: name → whether it takes a value. */
const GLOBAL_FLAGS = { "--json": false, "--lang": true, "--help": false, "-h": false };
const BUILD_FLAGS = { "--options": true, "--catalogue": true, "--salt": true, "--strict": false };

/**
 * Splits `args` into positionals and flags. `--flag value` and `--flag=value` both work;
 * "-" is a positional (standard input); after "--" everything is positional.
 * @param {string[]} args @param {Record<string, boolean>} known @param {string} command
 */
function parseArgs(args, known, command) {
  const all = { ...GLOBAL_FLAGS, ...known };
  /** @type {string[]} */
  const positionals = [];
  /** @type {Record<string, string | true>} */
  const flags = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    if (!Object.hasOwn(all, name)) throw new UsageError(`unknown option ${name} for ${command}`, command);
    if (all[name]) {
      const value = eq > 0 && name !== arg ? arg.slice(eq + 1) : args[++i];
      if (value === undefined) throw new UsageError(`${name} needs a value`, command);
      flags[name] = value;
    } else {
      if (name !== arg) throw new UsageError(`${name} takes no value`, command);
      flags[name] = true;
    }
  }
  return { positionals, flags };
}

let stdinTaken = false;

/**
 * The text of FILE, or of standard input for "-" (once). A leading byte order mark (Windows
 * editors and spreadsheet exports write one) belongs to the file, not to its JSON: it is dropped.
 */
function readText(/** @type {string} */ file) {
  if (file === "-") {
    if (stdinTaken) throw new UsageError('standard input ("-") can be read only once');
    stdinTaken = true;
  }
  try {
    const text = readFileSync(file === "-" ? 0 : file, "utf8");
    return text.startsWith("\uFEFF") ? text.slice(1) : text;
  } catch (e) {
    throw new UsageError(`cannot read ${file === "-" ? "standard input" : file}: ${/** @type {Error} */ (e).message}`);
  }
}

/** A JSON option value: inline JSON, or "@FILE" ("@-": standard input). */
function jsonValue(/** @type {string} */ value, /** @type {string} */ name) {
  const text = value.startsWith("@") ? readText(value.slice(1)) : value;
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${name} is not JSON: ${/** @type {Error} */ (e).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new UsageError(`${name} must be a JSON object`);
  }
  return parsed;
}

/** One of `choices`, or a usage error listing them. */
function choose(
  /** @type {string | undefined} */ value,
  /** @type {string[]} */ choices,
  /** @type {string} */ what,
  /** @type {string} */ command,
) {
  if (value === undefined) throw new UsageError(`missing ${what}: one of ${choices.join(", ")}`, command);
  if (!choices.includes(value)) throw new UsageError(`unknown ${what} ${value}: use one of ${choices.join(", ")}`, command);
  return value;
}

/** Exactly `min`..`max` positionals, named by `names` in the message. */
function expectPositionals(/** @type {string[]} */ p, min, max, /** @type {string} */ names, /** @type {string} */ command) {
  if (p.length < min) throw new UsageError(`missing ${names}`, command);
  if (p.length > max) throw new UsageError(`unexpected argument ${p[max]}`, command);
}

// ---------------------------------------------------------------------------------------
// Output.

/** The state of one run: the output mode and language. */
class Output {
  constructor(/** @type {boolean} */ json, /** @type {"en" | "de"} */ lang) {
    this.json = json;
    this.lang = lang;
  }

  /** A text in the chosen language. */
  t(/** @type {string} */ en, /** @type {string} */ de) {
    return this.lang === "de" ? de : en;
  }

  /** An issue's line: `error items[0].sku [code]: message`, the core's message as it is (it
   * never repeats the path the line names). */
  issueLine(/** @type {kontor.Issue} */ i, /** @type {string} */ whole) {
    const severity = i.severity === "error" ? this.t("error", "Fehler") : this.t("warning", "Warnung");
    const message = this.lang === "de" ? i.messageDe || i.message : i.message;
    return `${severity} ${i.path === "" ? whole : i.path} [${i.code}]: ${message}`;
  }

  /**
   * Ends a command: `--json` prints `{ ok, …fields, issues }` on stdout; otherwise the issues
   * go to stderr (with a count when there are errors) and `text` (when ok) to stdout.
   * Returns the exit code.
   * `always`: print `text` also when not ok.
   * @param {{ ok: boolean, fields: Record<string, unknown>, issues: kontor.Issue[], text?: () => string,
   *           always?: boolean, whole?: string, source?: string }} r
   */
  finish({ ok, fields, issues, text, always, whole, source }) {
    if (this.json) {
      write(process.stdout, JSON.stringify({ ok, ...fields, issues }, null, 2));
      return ok ? EXIT_OK : EXIT_ISSUES;
    }
    const label = whole ?? this.t("(input)", "(Eingabe)");
    for (const i of issues) write(process.stderr, this.issueLine(i, label));
    const errors = issues.filter((i) => i.severity === "error").length;
    if (errors > 0) {
      const where = source === undefined ? "" : ` in ${source === "-" ? this.t("standard input", "der Standardeingabe") : source}`;
      write(process.stderr, `kontor: ${this.t(`${errors} error${errors === 1 ? "" : "s"}`, `${errors} Fehler`)}${where}`);
    }
    if ((ok || always) && text) {
      const out = text();
      if (out !== "") write(process.stdout, out);
    }
    return ok ? EXIT_OK : EXIT_ISSUES;
  }
}

/** Writes `text` and a final newline (unless it has one). */
function write(/** @type {NodeJS.WriteStream} */ stream, /** @type {string} */ text) {
  stream.write(text.endsWith("\n") ? text : text + "\n");
}

const pretty = (/** @type {unknown} */ value) => JSON.stringify(value, null, 2);

// ---------------------------------------------------------------------------------------
// Options of the builders (and so of validate, explain and request).

/** The environment's recipient salt: `KONTOR_RECIPIENT_SALT`, else the worker's name. */
function envSalt() {
  return process.env.KONTOR_RECIPIENT_SALT || process.env.GEISENHEIM_RECIPIENT_SALT || undefined;
}

/**
 * `--options`, `--catalogue`, `--salt`, `--strict` as a builder's options, on top of `base`.
 * `--salt`/`--strict` only for targets that are Geisenheim's (or for none, in validate).
 */
function builderOptions(/** @type {Record<string, string | true>} */ flags, /** @type {string | undefined} */ target, base = {}) {
  /** @type {Record<string, unknown>} */
  const options = { ...base };
  if (flags["--options"] !== undefined) Object.assign(options, jsonValue(String(flags["--options"]), "--options"));
  if (flags["--catalogue"] !== undefined) options.catalogue = readText(String(flags["--catalogue"]));
  const geisenheim = target === undefined || target === "geisenheim";
  for (const flag of ["--salt", "--strict"]) {
    if (flags[flag] !== undefined && !geisenheim) throw new UsageError(`${flag} applies to geisenheim only`);
  }
  if (geisenheim && options.recipientSalt === undefined && envSalt()) options.recipientSalt = envSalt();
  if (flags["--salt"] !== undefined) options.recipientSalt = flags["--salt"];
  if (flags["--strict"]) options.strict = true;
  return options;
}

// ---------------------------------------------------------------------------------------
// Commands. Each takes its arguments and the Output, and returns the exit code.

/** @type {Record<string, { flags: Record<string, boolean>, run: (p: string[], f: Record<string, string | true>, o: Output) => number }>} */
const COMMANDS = {
  build: {
    flags: BUILD_FLAGS,
    run(p, flags, out) {
      expectPositionals(p, 2, 2, p.length === 0 ? "target and FILE" : "FILE", "build");
      const target = choose(p[0], Object.keys(BUILDERS), "target", "build");
      const options = builderOptions(flags, target);
      const text = readText(p[1]);
      const r = /** @type {any} */ (BUILDERS[target].fn)(text, options);
      const body = r.xml !== undefined ? { xml: r.xml } : { payload: r.payload };
      return out.finish({
        ok: r.ok,
        fields: r.ok ? body : {},
        issues: r.issues,
        text: () => (r.xml !== undefined ? r.xml : pretty(r.payload)),
        whole: BUILDERS[target].order ? out.t("(order)", "(Bestellung)") : undefined,
        source: p[1],
      });
    },
  },

  validate: {
    flags: { ...BUILD_FLAGS, "--target": true },
    run(p, flags, out) {
      expectPositionals(p, 1, 1, "FILE", "validate");
      const target = flags["--target"] === undefined ? undefined : choose(String(flags["--target"]), ORDER_TARGETS, "target", "validate");
      const targetOnly = Object.keys(BUILD_FLAGS).find((f) => flags[f] !== undefined);
      if (target === undefined && targetOnly)
        throw new UsageError(`${targetOnly} needs --target: the order's own rules take no options`, "validate");
      const options = builderOptions(flags, target);
      const text = readText(p[0]);
      const r = kontor.validateOrder(text, target === undefined ? {} : { target: /** @type {any} */ (target), options });
      const warnings = r.issues.filter((i) => i.severity === "warning").length;
      return out.finish({
        ok: r.valid,
        fields: { valid: r.valid },
        issues: r.issues,
        text: () =>
          out.t("valid", "gültig") +
          (target ? out.t(` for ${target}`, ` für ${target}`) : "") +
          (warnings
            ? out.t(` (${warnings} warning${warnings === 1 ? "" : "s"})`, ` (${warnings} ${warnings === 1 ? "Warnung" : "Warnungen"})`)
            : ""),
        whole: out.t("(order)", "(Bestellung)"),
        source: p[0],
      });
    },
  },

  explain: {
    flags: { ...BUILD_FLAGS, "--field": true, "--from": true },
    run(p, flags, out) {
      expectPositionals(p, 2, 2, p.length === 0 ? "target and FILE" : "FILE", "explain");
      const target = choose(p[0], ORDER_TARGETS, "target", "explain");
      const options = { ...builderOptions(flags, target), explain: true };
      const text = readText(p[1]);
      const r = /** @type {any} */ (BUILDERS[target].fn)(text, options);
      /** @type {Array<kontor.FieldLineage & { value?: unknown }>} */
      let lineage = [];
      if (r.ok) {
        const document = r.xml !== undefined ? kontor.parseKivitendoXml(r.xml) : { ok: true, data: r.payload };
        lineage = (r.lineage ?? []).map((/** @type {kontor.FieldLineage} */ e) => ({
          field: e.field,
          value: document.ok ? valueAt(document.data, e.field, r.xml !== undefined) : undefined,
          from: e.from,
          rule: e.rule,
          ruleDe: e.ruleDe,
        }));
        const field = flags["--field"] === undefined ? undefined : String(flags["--field"]);
        const from = flags["--from"] === undefined ? undefined : String(flags["--from"]);
        if (field !== undefined) lineage = lineage.filter((e) => under(e.field, field));
        if (from !== undefined) lineage = lineage.filter((e) => e.from.some((f) => under(f, from)));
        if ((field !== undefined || from !== undefined) && lineage.length === 0) {
          throw new UsageError(`no payload field matches ${field !== undefined ? `--field ${field}` : `--from ${from}`}`, "explain");
        }
      }
      return out.finish({
        ok: r.ok,
        fields: r.ok ? { lineage } : {},
        issues: r.issues,
        text: () =>
          lineage
            .map((e) => {
              const value = e.value === undefined ? "" : ` = ${JSON.stringify(e.value)}`;
              const from = e.from.length ? e.from.join(", ") : out.t("(computed)", "(berechnet)");
              return `${e.field}${value}\n  ${out.t("from", "aus")}: ${from}\n  ${out.t("rule", "Regel")}: ${out.t(e.rule, e.ruleDe)}`;
            })
            .join("\n"),
        whole: out.t("(order)", "(Bestellung)"),
        source: p[1],
      });
    },
  },

  request: {
    flags: {
      ...BUILD_FLAGS,
      "--input": true,
      "--id": true,
      "--config": true,
      "--base-url": true,
      "--environment": true,
      "--username": true,
      "--password": true,
      "--token": true,
      "--session": true,
      "--allow-insecure": false,
      "--show-secrets": false,
    },
    run(p, flags, out) {
      expectPositionals(p, 2, 3, p.length === 0 ? "target and operation" : "operation", "request");
      const target = choose(p[0], Object.keys(OPERATIONS), "target", "request");
      const operation = choose(p[1], Object.keys(OPERATIONS[target]), `${target} operation`, "request");
      const given = [p[2] !== undefined, flags["--input"] !== undefined, flags["--id"] !== undefined].filter(Boolean).length;
      if (given > 1) throw new UsageError("give the input once: FILE, --input or --id", "request");
      /** @type {string | null} */
      let input = null;
      if (p[2] !== undefined) input = readText(p[2]);
      else if (flags["--input"] !== undefined) {
        const v = String(flags["--input"]);
        input = v.startsWith("@") ? readText(v.slice(1)) : v;
      } else if (flags["--id"] !== undefined) input = JSON.stringify({ id: flags["--id"] });

      const config = requestConfig(target, flags);
      const r = kontor.request(
        /** @type {any} */ (target),
        /** @type {any} */ (operation),
        /** @type {any} */ (input),
        /** @type {any} */ (config),
      );
      const shown = r.ok ? (flags["--show-secrets"] ? r.request : redact(r.request, config)) : undefined;
      const creates = ["createOrder", "createCustomer", "updateCustomer"].includes(operation);
      return out.finish({
        ok: r.ok,
        fields: shown ? { request: shown } : {},
        issues: r.issues,
        text: () => {
          const s = /** @type {kontor.HttpRequest} */ (shown);
          const head = [`${s.method} ${s.url}`, ...Object.entries(s.headers).map(([k, v]) => `${k}: ${v}`)].join("\n");
          return s.body === undefined ? head : `${head}\n\n${s.body}`;
        },
        whole: creates ? out.t("(order)", "(Bestellung)") : undefined,
      });
    },
  },

  interpret: {
    flags: {},
    run(p, _flags, out) {
      expectPositionals(p, 3, 4, ["target, operation and STATUS", "operation and STATUS", "STATUS"][Math.min(p.length, 2)], "interpret");
      const target = choose(p[0], Object.keys(OPERATIONS), "target", "interpret");
      const operation = choose(p[1], Object.keys(OPERATIONS[target]), `${target} operation`, "interpret");
      if (!/^[0-9]{1,3}$/.test(p[2])) throw new UsageError(`STATUS must be an HTTP status such as 200, not ${p[2]}`, "interpret");
      const body = p[3] === undefined ? "" : readText(p[3]);
      const r = kontor.interpretResponse(/** @type {any} */ (target), /** @type {any} */ (operation), Number(p[2]), body);
      const accepted = r.outcome === "accepted";
      return out.finish({
        ok: accepted,
        fields: { outcome: r.outcome, data: r.data },
        issues: r.issues,
        // The outcome is printed in any case (a script reads the first line); the data when accepted.
        text: () => (accepted && r.data !== undefined ? `${r.outcome}\n${pretty(r.data)}` : r.outcome),
        always: true,
        whole: out.t("(answer)", "(Antwort)"),
      });
    },
  },

  "from-shop": {
    flags: { "--catalogue": true },
    run(p, flags, out) {
      expectPositionals(p, 2, 2, p.length === 0 ? "platform and FILE" : "FILE", "from-shop");
      const platform = choose(p[0], PLATFORMS, "platform", "from-shop");
      const options = flags["--catalogue"] === undefined ? {} : { catalogue: readText(String(flags["--catalogue"])) };
      const r = kontor.fromShopOrder(/** @type {any} */ (platform), readText(p[1]), options);
      return out.finish({
        ok: r.valid,
        fields: { order: r.order },
        issues: r.issues,
        text: () => pretty(r.order),
        whole: out.t("(shop order)", "(Shop-Bestellung)"),
        source: p[1],
      });
    },
  },

  "from-omniseller": {
    flags: { "--mapping": true },
    run(p, flags, out) {
      expectPositionals(p, 1, 1, "FILE", "from-omniseller");
      if (flags["--mapping"] === undefined) throw new UsageError("missing --mapping JSON|@FILE (the field-path table)", "from-omniseller");
      const mapping = jsonValue(String(flags["--mapping"]), "--mapping");
      const r = kontor.fromOmnisellerOrder(readText(p[0]), mapping);
      return out.finish({
        ok: r.valid,
        fields: { order: r.order },
        issues: r.issues,
        text: () => pretty(r.order),
        source: p[0],
      });
    },
  },

  catalogue: {
    flags: { "--format": true, "--order": true },
    run(p, flags, out) {
      expectPositionals(p, 1, 1, "FILE", "catalogue");
      const format =
        flags["--format"] === undefined ? undefined : choose(String(flags["--format"]), ["json", "csv"], "format", "catalogue");
      const read = kontor.readCatalogue(readText(p[0]), format ? { format: /** @type {any} */ (format) } : undefined);
      if (flags["--order"] === undefined) {
        return out.finish({
          ok: read.ok,
          fields: { catalogue: read.catalogue },
          issues: read.issues,
          text: () => pretty(read.catalogue),
          source: p[0],
        });
      }
      const order = String(flags["--order"]);
      const m = kontor.missingFromCatalogue(readText(order), read.catalogue);
      const issues = [...read.issues, ...m.issues];
      const ok = issues.every((i) => i.severity !== "error");
      return out.finish({
        ok,
        fields: { catalogue: read.catalogue, missing: m.missing },
        issues,
        text: () => m.missing.join("\n"),
        always: true,
        whole: out.t("(order)", "(Bestellung)"),
        source: order,
      });
    },
  },

  street: {
    flags: {},
    run(p, _flags, out) {
      expectPositionals(p, 1, 1, "LINE (the street line, in quotes)", "street");
      const r = kontor.splitStreet(p[0]);
      return out.finish({
        ok: r.ok,
        fields: r.ok ? { street: r.street, houseNumber: r.houseNumber } : {},
        issues: r.issues,
        text: () => `${out.t("street", "Straße")}: ${r.street}\n${out.t("house number", "Hausnummer")}: ${r.houseNumber}`,
        whole: JSON.stringify(p[0]),
      });
    },
  },

  "shipping-cost": {
    flags: { "--method": true, "--weight": true },
    run(p, flags, out) {
      expectPositionals(p, 0, 0, "", "shipping-cost");
      if (flags["--method"] === undefined) throw new UsageError("missing --method JSON|@FILE", "shipping-cost");
      if (flags["--weight"] === undefined) throw new UsageError("missing --weight GRAMS", "shipping-cost");
      const method = jsonValue(String(flags["--method"]), "--method");
      const weight = String(flags["--weight"]);
      if (!/^[0-9]+$/.test(weight)) throw new UsageError(`--weight must be whole grams, not ${weight}`, "shipping-cost");
      const r = kontor.westarpShippingCost(/** @type {any} */ (method), Number(weight));
      return out.finish({
        ok: r.ok,
        fields: r.ok ? { cost: r.cost } : {},
        issues: r.issues,
        text: () => /** @type {number} */ (r.cost).toFixed(2),
        whole: out.t("(method)", "(Versandart)"),
      });
    },
  },

  "parse-xml": {
    flags: {},
    run(p, _flags, out) {
      expectPositionals(p, 1, 1, "FILE", "parse-xml");
      const r = kontor.parseKivitendoXml(readText(p[0]));
      return out.finish({
        ok: r.ok,
        fields: r.ok ? { root: r.root, data: r.data } : {},
        issues: r.issues,
        text: () => pretty({ root: r.root, data: r.data }),
        whole: out.t("(document)", "(Dokument)"),
        source: p[0],
      });
    },
  },

  help: {
    flags: {},
    run(p) {
      expectPositionals(p, 0, 1, "", "help");
      write(process.stdout, p[0] === undefined ? USAGE : commandHelp(resolveCommand(p[0]).name));
      return EXIT_OK;
    },
  },

  version: {
    flags: {},
    run(p, _flags, out) {
      expectPositionals(p, 0, 0, "", "version");
      if (out.json) write(process.stdout, JSON.stringify({ ok: true, version: VERSION }));
      else write(process.stdout, `kontor ${VERSION}`);
      return EXIT_OK;
    },
  },
};

/** A command by name; a build target's name is `build <target>` (the original CLI's form). */
function resolveCommand(/** @type {string} */ name) {
  if (Object.hasOwn(COMMANDS, name)) return { name, prefix: [] };
  if (Object.hasOwn(BUILDERS, name)) return { name: "build", prefix: [name] };
  throw new UsageError(`unknown command ${name}: see kontor --help`);
}

// ---------------------------------------------------------------------------------------
// request(): configuration from the environment and flags, and redaction.

/**
 * The request configuration of `target`: the edge worker's environment variables, then
 * `--config`, then the single flags (and the builder flags).
 */
function requestConfig(/** @type {string} */ target, /** @type {Record<string, string | true>} */ flags) {
  const env = process.env;
  const prefix = target.toUpperCase();
  /** @type {Record<string, unknown>} */
  const config = {};
  const optionsVar = `${prefix}_OPTIONS`;
  if (env[optionsVar]) Object.assign(config, jsonValue(env[optionsVar], `$${optionsVar}`));
  for (const [key, suffix] of [
    ["baseUrl", "BASE_URL"],
    ["username", "USERNAME"],
    ["password", "PASSWORD"],
    ["token", "TOKEN"],
  ]) {
    if (env[`${prefix}_${suffix}`]) config[key] = env[`${prefix}_${suffix}`];
  }
  if (target === "geisenheim" && env.GEISENHEIM_ENV) config.environment = env.GEISENHEIM_ENV;
  if (target === "kvik" && /^(1|true|yes)$/i.test(env.KVIK_ALLOW_INSECURE ?? "")) config.allowInsecure = true;
  if (flags["--config"] !== undefined) Object.assign(config, jsonValue(String(flags["--config"]), "--config"));
  const single = { "--base-url": "baseUrl", "--username": "username", "--password": "password", "--token": "token" };
  for (const [flag, key] of Object.entries(single)) if (flags[flag] !== undefined) config[key] = flags[flag];
  if (flags["--environment"] !== undefined) {
    config.environment = choose(String(flags["--environment"]), ["production", "staging"], "environment", "request");
  }
  if (flags["--session"] !== undefined) config.session = jsonValue(String(flags["--session"]), "--session");
  if (flags["--allow-insecure"]) config.allowInsecure = true;
  return builderOptions(flags, target, config);
}

const REDACTED = "[redacted]";
/** Body keys that hold credentials (OmniSeller sends apiuser/apipass and the token in the body). */
const SECRET_KEY = /^(apipass|pass(word)?|token|secret|api_?key)$/i;

/**
 * The request without its credentials: the Authorization header keeps only its scheme,
 * secret keys of a JSON body and any occurrence of the configured secrets become [redacted].
 */
function redact(/** @type {kontor.HttpRequest} */ request, /** @type {Record<string, any>} */ config) {
  const secrets = [config.password, config.token, config.session?.token]
    .filter((s) => typeof s === "string" && s.length >= 4)
    .flatMap((s) => [s, encodeURIComponent(s)]);
  const scrub = (/** @type {string} */ text) => secrets.reduce((t, s) => t.split(s).join(REDACTED), text);
  /** @type {Record<string, string>} */
  const headers = {};
  for (const [k, v] of Object.entries(request.headers)) {
    // "Basic …" → "Basic [redacted]": the scheme says which credentials were used.
    const scheme = /^[A-Za-z]+ /.exec(v)?.[0] ?? "";
    headers[k] = /^(authorization|proxy-authorization)$/i.test(k) ? `${scheme}${REDACTED}` : scrub(v);
  }
  let body = request.body;
  if (body !== undefined) {
    try {
      const walk = (/** @type {any} */ v) => {
        if (Array.isArray(v)) return v.map(walk);
        if (v === null || typeof v !== "object") return v;
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, SECRET_KEY.test(k) && typeof x === "string" ? REDACTED : walk(x)]));
      };
      const parsed = JSON.parse(body);
      if (parsed !== null && typeof parsed === "object" && JSON.stringify(parsed) === body) body = JSON.stringify(walk(parsed));
    } catch {
      // not JSON (kivitendo XML): only the configured secrets are replaced
    }
    body = scrub(body);
  }
  return { ...request, url: scrub(request.url), headers, ...(body === undefined ? {} : { body }) };
}

// ---------------------------------------------------------------------------------------
// explain: a field's value in the built document.

/** The segments of a path: `order.orderitems.orderitem[0].product-id` → names and indexes. */
function segments(/** @type {string} */ path) {
  /** @type {Array<string | number>} */
  const out = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return out;
}

/**
 * The value at a lineage path in the payload, or in a parsed kivitendo document (root element
 * named first, `-` read as `_`, list wrappers such as `orderitems.orderitem[0]` as one list).
 */
function valueAt(/** @type {unknown} */ data, /** @type {string} */ path, /** @type {boolean} */ xml) {
  let v = /** @type {any} */ (data);
  // A kivitendo path starts with the root element, which parseKivitendoXml leaves out.
  const segs = xml ? segments(path).slice(1) : segments(path);
  for (const s of segs) {
    if (v === null || typeof v !== "object") return undefined;
    if (typeof s === "number") v = Array.isArray(v) ? v[s] : undefined;
    else if (Array.isArray(v))
      continue; // the element name inside a list wrapper
    else v = s in v ? v[s] : v[s.replaceAll("-", "_")];
  }
  return v;
}

/** Whether `path` is `prefix` or below it (`items[0]` covers `items[0].price`). */
function under(/** @type {string} */ path, /** @type {string} */ prefix) {
  return path === prefix || path.startsWith(prefix + ".") || path.startsWith(prefix + "[");
}

// ---------------------------------------------------------------------------------------
// Main.

function main(/** @type {string[]} */ argv) {
  try {
    // --version / -V and --help / -h before any command; --json and --lang may come first too.
    const leading = [];
    let i = 0;
    for (; i < argv.length && argv[i].startsWith("-") && argv[i] !== "-"; i++) {
      if (argv[i] === "--lang" && argv[i + 1] !== undefined) leading.push(argv[i], argv[++i]);
      else leading.push(argv[i]);
    }
    if (leading.includes("--version") || leading.includes("-V")) {
      argv = ["version", ...leading.filter((a) => a !== "--version" && a !== "-V"), ...argv.slice(i)];
    } else if (i === argv.length && (leading.includes("--help") || leading.includes("-h"))) {
      write(process.stdout, USAGE);
      return EXIT_OK;
    }
    const first = argv.findIndex((a, k) => !a.startsWith("-") && (k === 0 || argv[k - 1] !== "--lang"));
    if (first < 0) {
      if (argv.length > 0) throw new UsageError(`missing command before ${argv[0]}: see kontor --help`);
      write(process.stderr, USAGE);
      return EXIT_USAGE;
    }
    const resolved = resolveCommand(argv[first]);
    const command = resolved.name;
    const rest = [...argv.slice(0, first), ...resolved.prefix, ...argv.slice(first + 1)];
    const spec = COMMANDS[command];
    const { positionals, flags } = parseArgs(rest, spec.flags, command);
    if (flags["--help"] || flags["-h"]) {
      write(process.stdout, commandHelp(command));
      return EXIT_OK;
    }
    const lang = flags["--lang"] ?? process.env.KONTOR_LANG ?? "en";
    if (lang !== "en" && lang !== "de") throw new UsageError(`--lang (or KONTOR_LANG) must be en or de, not ${lang}`, command);
    return spec.run(positionals, flags, new Output(flags["--json"] === true, lang));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    const hint = e.command ? ` (kontor help ${e.command})` : "";
    write(process.stderr, `kontor: ${e.message}${hint}`);
    return EXIT_USAGE;
  }
}

// A reader that stops early (`kontor … | head`) closes the pipe: end quietly, as Unix tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e) => {
    if (/** @type {NodeJS.ErrnoException} */ (e).code !== "EPIPE") throw e;
    process.exit(process.exitCode ?? EXIT_OK);
  });
}
// process.exitCode, not process.exit(): a large payload piped to another program is written out
// completely before Node exits.
process.exitCode = main(process.argv.slice(2));
