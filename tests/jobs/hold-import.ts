/**
 * A real `importFiles` (through the store's import session) that stalls inside its write transaction, as a big file would: run as a
 * child process by tests/jobs/import-window.test.ts. When the reader reports the end of the file
 * (the import's transaction is open and has written the rows) it blocks for `holdMs`, printing
 * "holding" first, then commits and prints the result.
 *   node --import tsx tests/jobs/hold-import.ts <store spec: a SQLite path or a postgres:// URL> <file> <holdMs>
 */
import { importFiles } from '../../src/import/index.js';
import { openStore } from '../../src/store/open.js';

const [dbPath, file, holdMs] = process.argv.slice(2) as [string, string, string];
const store = await openStore(dbPath);
let held = false;
const results = await importFiles(store, [file], {
  onProgress: (p) => {
    if (held || p.bytesRead < p.bytesTotal) return;
    held = true;
    process.stdout.write('holding\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(holdMs)); // a long file, without the file
  },
});
await store.close();
process.stdout.write(`imported ${results.map((r) => `${r.table}:${r.inserted}`).join(',')}\n`);
