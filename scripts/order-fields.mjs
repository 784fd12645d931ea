// The canonical order's fields as the admin page's form view shows them, derived from the
// package's TypeScript declarations (pkg/kontor.browser.d.ts, read with the TypeScript
// compiler's own parser): per object type its fields in declaration order, whether each is
// required, its kind (text, number, amount, yes/no, list, object) and the values its type
// lists. No rule of the order is here: the package checks the order and answers the issues.
// Usage: node scripts/order-fields.mjs [declarations] > order-fields.json
import { readFileSync } from "node:fs";
import ts from "typescript";

const file = process.argv[2] ?? new URL("../pkg/kontor.browser.d.ts", import.meta.url).pathname;
const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
const aliases = new Map();
const interfaces = new Map();
for (const s of source.statements) {
  if (ts.isTypeAliasDeclaration(s)) aliases.set(s.name.text, s.type);
  if (ts.isInterfaceDeclaration(s)) interfaces.set(s.name.text, s);
}

/** The string literals a type lists (through aliases, unions and OrFreeText<…>). */
function literals(type, seen = new Set()) {
  if (ts.isLiteralTypeNode(type) && ts.isStringLiteral(type.literal)) return [type.literal.text];
  if (ts.isUnionTypeNode(type)) return type.types.flatMap((t) => literals(t, seen));
  if (ts.isParenthesizedTypeNode(type)) return literals(type.type, seen);
  if (ts.isTypeReferenceNode(type)) {
    const name = type.typeName.getText(source);
    if (name === "OrFreeText") return literals(type.typeArguments[0], seen);
    if (aliases.has(name) && !seen.has(name)) return literals(aliases.get(name), new Set([...seen, name]));
  }
  return [];
}

/** A field's kind: "object" (with `type`, an interface or an inline type's fields), "list"
 * (of `of`), "amount", "number", "yes/no" or "text". */
function kind(type) {
  if (ts.isTypeReferenceNode(type)) {
    const name = type.typeName.getText(source);
    if (interfaces.has(name)) return { kind: "object", type: name };
    if (name === "Amount") return { kind: "amount" };
    if (name === "Array") return { kind: "list", of: kind(type.typeArguments[0]) };
    if (aliases.has(name)) return { ...kind(aliases.get(name)), values: literals(type) };
  }
  if (ts.isArrayTypeNode(type)) return { kind: "list", of: kind(type.elementType) };
  if (ts.isTypeLiteralNode(type)) return { kind: "object", fields: members(type.members) };
  if (ts.isUnionTypeNode(type)) {
    const parts = type.types.map((t) => t.getText(source)).filter((t) => t !== "null");
    if (parts.length && parts.every((t) => t === "number")) return { kind: "number" };
    if (parts.includes("number") && parts.includes("string")) return { kind: "amount" };
    const values = literals(type);
    return values.length ? { kind: "text", values } : { kind: "text" };
  }
  const text = type.getText(source);
  if (text === "number") return { kind: "number" };
  if (text === "boolean") return { kind: "yes/no" };
  return { kind: "text" };
}

function members(list) {
  return list.filter(ts.isPropertySignature).map((m) => ({ name: m.name.getText(source), required: !m.questionToken, ...kind(m.type) }));
}

const out = {};
for (const name of ["Order", "Customer", "Address", "OrderItem", "Product"]) {
  const i = interfaces.get(name);
  if (!i) throw new Error(`${file} declares no interface ${name}`);
  out[name] = members(i.members);
}
process.stdout.write(JSON.stringify(out, null, 1) + "\n");
