// Part of `npm run build`, after tsc: bundle the compiled CLI (dist/cli/main.js) into dist/bundle/
// with esbuild, so a call loads a handful of files instead of ~470 modules (node's ESM loader pays
// per module: resolving, reading, compiling). Measured on `orglife check` at 20,000 branches:
// about 0.3 CPU-s less start-up. Each command stays a lazily loaded chunk (code splitting), so
// `orglife check` loads only what the check needs.
//
// Only pure-JavaScript packages on the hot paths are bundled (BUNDLED below); every other package
// stays an ordinary import from node_modules (native modules, packages that load files or spawn
// workers from their own folder). Compiled files that find data relative to their own URL
// (migrations, console views, the helper threads' entries) keep doing so: `import.meta.url` in each
// of them is rewritten to that file's own URL in dist/, so those paths resolve exactly as unbundled.
//
// Without esbuild (not installed) nothing is bundled and bin/orglife.js runs dist/cli/main.js.
// Usage: node scripts/bundle.mjs [outDir]   (default dist; the build test uses a temp dir)
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = resolve(root, process.argv[2] ?? 'dist');
const entry = resolve(outDir, 'cli/main.js');
// Helper threads run their own entries, bundled beside main.js: per entry, the compiled file that starts
// it and the URL expression there that names the compiled entry (pointed at the bundled one instead).
const WORKERS = [
  // The parallel check's helpers.
  { name: 'worker', entry: resolve(outDir, 'evaluation/worker.js'), starter: resolve(outDir, 'evaluation/parallel.js'), url: "new URL('./worker.js', import.meta.url)" },
  // The evaluate tick's live-figures pass.
  { name: 'live-worker', entry: resolve(outDir, 'reports/live-worker.js'), starter: resolve(outDir, 'reports/live-thread.js'), url: "new URL('./live-worker.js', import.meta.url)" },
];
const bundleDir = resolve(outDir, 'bundle');

/** Packages compiled into the bundle; any other bare import stays external. */
const BUNDLED = new Set(['commander', 'drizzle-orm', 'zod', 'yaml']);

/** The package name of a bare specifier ('drizzle-orm/sqlite-core' → 'drizzle-orm'). */
function packageOf(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

if (!existsSync(entry)) {
  console.error(`${entry} missing: run tsc -p tsconfig.build.json first`);
  process.exit(1);
}
let esbuild;
try {
  esbuild = await import(pathToFileURL(createRequire(resolve(root, 'package.json')).resolve('esbuild')).href);
} catch {
  rmSync(bundleDir, { recursive: true, force: true });
  console.log('orglife: bundle skipped (esbuild not installed); the CLI runs dist/cli/main.js');
  process.exit(0);
}

rmSync(bundleDir, { recursive: true, force: true });
const distPrefix = outDir + sep;
const keepOwnUrl = {
  name: 'orglife-own-url',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || !BUNDLED.has(packageOf(args.path))) return { path: args.path, external: true };
      return undefined;
    });
    build.onLoad({ filter: /\.js$/ }, (args) => {
      if (!args.path.startsWith(distPrefix)) return undefined;
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return { contents: text, loader: 'js', resolveDir: dirname(args.path) };
      const own = relative(bundleDir, args.path).split(sep).join('/');
      const url = `new URL(${JSON.stringify(own)}, import.meta.url).href`;
      let contents = text;
      // A helper thread starts its bundled entry (dist/bundle/<name>.js, beside the chunks), not the compiled one:
      // that one URL stays relative to the chunk.
      for (const w of WORKERS) {
        if (args.path !== w.starter) continue;
        if (!contents.includes(w.url)) throw new Error(`${w.starter}: ${w.url} not found (scripts/bundle.mjs points it at the bundled ${w.name}.js)`);
        contents = contents.replace(w.url, `new URL('./${w.name}.js', __orglifeChunkUrl__)`);
      }
      contents = contents.replaceAll('import.meta.url', url).replace('__orglifeChunkUrl__', 'import.meta.url');
      return { contents, loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

await esbuild.build({
  entryPoints: { main: entry, ...Object.fromEntries(WORKERS.map((w) => [w.name, w.entry])) },
  outdir: bundleDir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  // Bundled CommonJS (commander) calls require() for node built-ins.
  banner: { js: "import { createRequire as __orglifeCreateRequire } from 'node:module'; const require = __orglifeCreateRequire(import.meta.url);" },
  plugins: [keepOwnUrl],
});
console.log(`bundled ${entry} -> ${bundleDir}`);
