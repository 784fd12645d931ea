#!/usr/bin/env node
// kontor command line: builds a target's payload from an order file, or lists its issues.
//
//   kontor geisenheim order.json [--strict] [--salt SECRET]   payload on stdout
//   kontor validate order.json                                issues of the order itself
//
// Files may be "-" for standard input. The recipient salt may also come from the
// KONTOR_RECIPIENT_SALT environment variable. Exit codes: 0 ok (warnings go to stderr),
// 1 the order has errors, 2 usage or file problems.
import { readFileSync } from "node:fs";
import { validateOrder, toGeisenheim } from "kontor";

const USAGE = `usage: kontor geisenheim ORDER.json [--strict] [--salt SECRET]
       kontor validate ORDER.json
ORDER.json may be "-" for standard input; KONTOR_RECIPIENT_SALT sets the salt too.`;

function fail(message, code = 2) {
  process.stderr.write(`kontor: ${message}\n`);
  process.exit(code);
}

function printIssues(issues) {
  for (const i of issues) {
    const where = i.path === "" ? "(order)" : i.path;
    process.stderr.write(`${i.severity} ${where} [${i.code}]: ${i.message}\n`);
  }
}

const args = process.argv.slice(2);
if (args.length === 0 || args.includes("--help") || args.includes("-h")) {
  process.stdout.write(USAGE + "\n");
  process.exit(args.length === 0 ? 2 : 0);
}
const [command, file, ...rest] = args;
if (!file) fail(`missing order file\n${USAGE}`);

let text;
try {
  text = readFileSync(file === "-" ? 0 : file, "utf8");
} catch (e) {
  fail(`cannot read ${file}: ${e.message}`);
}

let result;
switch (command) {
  case "geisenheim": {
    const options = { strict: false, recipientSalt: process.env.KONTOR_RECIPIENT_SALT || undefined };
    for (let i = 0; i < rest.length; i++) {
      if (rest[i] === "--strict") options.strict = true;
      else if (rest[i] === "--salt" && rest[i + 1] !== undefined) options.recipientSalt = rest[++i];
      else fail(`unknown option ${rest[i]}\n${USAGE}`);
    }
    result = toGeisenheim(text, options);
    break;
  }
  case "validate":
    if (rest.length) fail(`unknown option ${rest[0]}\n${USAGE}`);
    result = validateOrder(text);
    break;
  default:
    fail(`unknown command ${command}\n${USAGE}`);
}

printIssues(result.issues);
const errors = result.issues.filter((i) => i.severity === "error").length;
if (errors > 0) {
  process.stderr.write(`kontor: ${errors} error(s) in ${file}\n`);
  process.exit(1);
}
if (result.payload !== undefined) process.stdout.write(JSON.stringify(result.payload, null, 2) + "\n");
else process.stdout.write(JSON.stringify({ valid: result.valid }) + "\n");
