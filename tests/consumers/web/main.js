// A page as a bundler user writes it: no top-level await, init() once, then the functions.
// Vite and webpack rewrite the package's `new URL("./web/kontor_bg.wasm", import.meta.url)`.
import { init } from "kontor";
import { report } from "./report.js";

report(init());
