// Compiled with `tsc --noEmit --strict` by the test command: the text path's overloads.
import { toGeisenheim, toKivitendoOrderXml, toWestarpOrder } from "kontor";
import type { TextResult } from "kontor";

const text = '{"number":"1"}';
const r: TextResult = toGeisenheim(text, { as: "text", recipientSalt: "s" });
const body: string | undefined = r.ok ? r.body : undefined;
const xml: TextResult = toKivitendoOrderXml(text, { as: "text", customerId: 1 });
const w: boolean = toWestarpOrder(text, { as: "text", type: "email" }).ok;
// The object path keeps its payload.
const payload = toGeisenheim(text, { strict: true }).payload;
// @ts-expect-error: as is "text"
toGeisenheim(text, { as: "yaml" });
void [body, xml, w, payload];
