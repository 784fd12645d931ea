// The admin page's screenshots in the docs (issue 25): every image docs/admin-page.md shows
// exists, and was made from the page as it is now. `npm run screenshots` (the operator page
// test with KONTOR_DOCS_SCREENSHOTS=1) writes them with the hash of the page's sources into
// docs/screenshots/SOURCES; a change of www/index.html, app.js or style.css since then fails
// here until they are made again.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const page = readFileSync(join(root, "docs/admin-page.md"), "utf8");

test("docs/admin-page.md and the README show the overview, the form and the deliveries at phone width, each a file that exists", () => {
  const images = [...page.matchAll(/!\[[^\]]+\]\(([^)]+\.png)\)/g)].map((m) => m[1]);
  for (const name of ["overview", "form", "deliveries-phone"])
    assert.ok(images.includes(`screenshots/${name}.png`), `no screenshots/${name}.png in docs/admin-page.md`);
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const shown = [...readme.matchAll(/!\[[^\]]+\]\(([^)]+\.png)\)/g)].map((m) => m[1]);
  for (const name of ["overview", "form", "deliveries-phone"])
    assert.ok(shown.includes(`docs/screenshots/${name}.png`), `no docs/screenshots/${name}.png in the README`);
  for (const image of images) {
    const file = join(root, "docs", image);
    assert.ok(existsSync(file), `${image} is referenced but missing: npm run screenshots`);
    assert.deepEqual([...readFileSync(file).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${image} is not a PNG`);
  }
});

test("the screenshots were made from the page's current sources", () => {
  const recorded = readFileSync(join(root, "docs/screenshots/SOURCES"), "utf8").split(/\s+/)[0];
  const hash = createHash("sha256");
  for (const f of ["index.html", "app.js", "style.css"]) hash.update(readFileSync(join(root, "www", f)));
  assert.equal(
    recorded,
    hash.digest("hex"),
    "the page changed since its screenshots were made: npm run screenshots, then commit docs/screenshots/",
  );
});
