// esbuild does not rewrite `new URL(…, import.meta.url)`: import the .wasm's URL with
// `--loader:.wasm=file` (esbuild copies the file into the output) and pass it to init().
import { init } from "kontor";
import wasmUrl from "kontor/kontor_bg.wasm";
import { report } from "./report.js";

report(init(wasmUrl));
