#!/usr/bin/env node
// Front-end asset build for the Making It Real toolkit.
//
//   npm ci && npm run build
//
// Everything comes from node_modules (installed from package-lock.json); nothing
// is loaded from a CDN. Output goes to app/static/dist/ (git-ignored), which the
// app serves at /static/dist/. The build starts from an empty folder each time,
// so running it twice gives the same result. It builds in app/static/.dist-build/
// and then swaps that folder in, so a running server never serves a half-built dist/.
//
// app/static/dist/manifest.json maps each built file (path relative to dist/)
// to a cache-busting name, e.g. {"mir.css": "mir.css?v=1a2b3c4d"}; the Python
// side (app/templating.py, `asset()`) reads it.

import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const NODE_MODULES = path.join(ROOT, "node_modules");
const STATIC = path.join(ROOT, "app", "static");
const FINAL = path.join(STATIC, "dist");
const DIST = path.join(STATIC, ".dist-build"); // built here, then renamed to FINAL
const OLD = path.join(STATIC, ".dist-old");
const SCSS_ENTRY = path.join(STATIC, "scss", "mir.scss");

/** Built files, relative to DIST (forward slashes), in build order. */
const built = [];

class BuildError extends Error {}

const rel = (p) => path.relative(ROOT, p).split(path.sep).join("/");
const distName = (p) => path.relative(DIST, p).split(path.sep).join("/");

function fromModules(...parts) {
  const file = path.join(NODE_MODULES, ...parts);
  if (!existsSync(file)) {
    throw new BuildError(
      `missing ${rel(file)}: run \`npm ci\` first (is the package in package.json?)`,
    );
  }
  return file;
}

function record(dest, note = "") {
  built.push(distName(dest));
  console.log(`built ${rel(dest)}${note ? ` (${note})` : ""}`);
}

async function copy(src, dest) {
  await mkdir(path.dirname(dest), { recursive: true });
  await copyFile(src, dest);
  record(dest, `from ${rel(src)}`);
}

/** Copy the named files from one folder into another. */
async function copyFiles(srcDir, destDir, names) {
  for (const name of names) {
    await copy(fromModules(path.relative(NODE_MODULES, path.join(srcDir, name))), path.join(destDir, name));
  }
}

/** Copy every file of a folder (not recursive), keeping those `keep` accepts. */
async function copyDir(srcDir, destDir, keep = () => true) {
  const entries = await readdir(srcDir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isFile() && keep(e.name))
    .map((e) => e.name)
    .sort();
  for (const name of names) {
    await copy(path.join(srcDir, name), path.join(destDir, name));
  }
  return names;
}

async function compileScss() {
  let sass;
  try {
    sass = await import("sass");
  } catch (error) {
    throw new BuildError(`cannot load the sass package (${error.message}): run \`npm ci\` first`);
  }
  if (!existsSync(SCSS_ENTRY)) {
    throw new BuildError(`missing ${rel(SCSS_ENTRY)}`);
  }
  let result;
  try {
    result = await sass.compileAsync(SCSS_ENTRY, {
      loadPaths: [NODE_MODULES],
      importers: [new sass.NodePackageImporter(ROOT)],
      style: "compressed",
      sourceMap: false,
      charset: true,
      // Hide deprecation noise from govuk-frontend's own Sass.
      quietDeps: true,
    });
  } catch (error) {
    const detail = error.sassMessage ? `${error.sassMessage}\n${error.sassStack ?? ""}` : error.message;
    throw new BuildError(`Sass compilation of ${rel(SCSS_ENTRY)} failed:\n${detail}`);
  }
  const css = result.css;
  if (/@font-face/i.test(css) || /GDS Transport/i.test(css)) {
    throw new BuildError("mir.css must not contain @font-face or GDS Transport (check the govuk-frontend settings)");
  }
  const dest = path.join(DIST, "mir.css");
  await writeFile(dest, css.endsWith("\n") ? css : `${css}\n`);
  record(dest, `from ${rel(SCSS_ENTRY)}`);
}

// GOV.UK Frontend 6.3.0 ships only GOV.UK-branded images (the crown favicon and
// app icons, the royal crest used by the footer's crown copyright, the GOV.UK
// Open Graph image). This is not a government service, so none of those are
// published; anything else a later version adds for components is copied.
const GOVUK_BRANDED_IMAGE = /^(favicon|govuk-|crown|crest)/i;

async function copyGovukImages() {
  const srcDir = fromModules("govuk-frontend", "dist", "govuk", "assets", "images");
  const destDir = path.join(DIST, "assets", "images");
  const copied = await copyDir(srcDir, destDir, (name) => !GOVUK_BRANDED_IMAGE.test(name));
  if (copied.length === 0) {
    await mkdir(destDir, { recursive: true });
    console.log(
      `skipped ${rel(srcDir)}: every image there is GOV.UK crown or branding (no component image needed)`,
    );
  }
}

async function copyLocalScripts() {
  // Also publish our own scripts under dist/ so templates can use the
  // cache-busted asset('init.js') / asset('mir.js') if they wish.
  for (const name of ["init.js", "mir.js", "api-reference.js"]) {
    const src = path.join(STATIC, "js", name);
    if (!existsSync(src)) {
      throw new BuildError(`missing ${rel(src)}`);
    }
    await copy(src, path.join(DIST, name));
  }
}

async function writeManifest() {
  const manifest = {};
  for (const name of [...built].sort()) {
    const content = await readFile(path.join(DIST, name));
    const hash = createHash("sha256").update(content).digest("hex").slice(0, 8);
    manifest[name] = `${name}?v=${hash}`;
  }
  const dest = path.join(DIST, "manifest.json");
  await writeFile(dest, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`built ${rel(dest)} (${Object.keys(manifest).length} entries)`);
}

/** Replace dist/ by the finished build: two renames, so dist/ is never half-written. */
async function swapIn() {
  await rm(OLD, { recursive: true, force: true });
  if (existsSync(FINAL)) await rename(FINAL, OLD);
  await rename(DIST, FINAL);
  await rm(OLD, { recursive: true, force: true });
}

async function main() {
  if (!existsSync(NODE_MODULES)) {
    throw new BuildError("node_modules is missing: run `npm ci` first");
  }
  // Start clean, so the output never holds stale files.
  await rm(DIST, { recursive: true, force: true });
  await mkdir(DIST, { recursive: true });

  await compileScss();

  // GOV.UK Frontend JavaScript (an ES module: load with type="module").
  await copyFiles(path.join(NODE_MODULES, "govuk-frontend", "dist", "govuk"), DIST, [
    "govuk-frontend.min.js",
    "govuk-frontend.min.js.map",
  ]);
  await copyGovukImages();

  // htmx 2 (classic script).
  await copyFiles(path.join(NODE_MODULES, "htmx.org", "dist"), DIST, ["htmx.min.js"]);

  // Vendor libraries, each in its own folder.
  const vendor = path.join(DIST, "vendor");
  await copyFiles(
    path.join(NODE_MODULES, "accessible-autocomplete", "dist"),
    path.join(vendor, "accessible-autocomplete"),
    [
      "accessible-autocomplete.min.js",
      "accessible-autocomplete.min.js.map",
      "accessible-autocomplete.min.css",
      "accessible-autocomplete.min.css.map",
    ],
  );
  await copyFiles(path.join(NODE_MODULES, "leaflet", "dist"), path.join(vendor, "leaflet"), [
    "leaflet.js",
    "leaflet.js.map",
    "leaflet.css",
  ]);
  await copyDir(
    fromModules("leaflet", "dist", "images"),
    path.join(vendor, "leaflet", "images"),
  );
  await copyFiles(
    path.join(NODE_MODULES, "leaflet.markercluster", "dist"),
    path.join(vendor, "leaflet.markercluster"),
    ["leaflet.markercluster.js", "leaflet.markercluster.js.map", "MarkerCluster.css", "MarkerCluster.Default.css"],
  );
  // Swagger UI for the interactive API reference (/api/docs), started by js/api-reference.js.
  await copyFiles(path.join(NODE_MODULES, "swagger-ui-dist"), path.join(vendor, "swagger-ui"), [
    "swagger-ui-bundle.js",
    "swagger-ui.css",
    "LICENSE",
    "NOTICE",
  ]);

  await copyLocalScripts();
  await writeManifest();
  await swapIn();
  console.log(`asset build done: ${built.length} files in ${rel(FINAL)}/`);
}

main().catch((error) => {
  if (error instanceof BuildError) {
    console.error(`build-assets: ERROR: ${error.message}`);
  } else {
    console.error("build-assets: ERROR: unexpected failure");
    console.error(error);
  }
  process.exitCode = 1;
});
