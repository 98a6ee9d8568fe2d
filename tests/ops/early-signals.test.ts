/**
 * A SIGTERM that arrives while `orglife daemon` is starting reaches the service's handlers
 * (src/app/early-signals.ts). In a child process: a signal is pending (sent, not yet dispatched),
 * then the start-up listener hands over to the final one. Handed over in the right order the final
 * listener gets it; the order the daemon used before (remove, then add) loses it — the Node
 * behaviour behind daemons that logged nothing after SIGTERM and never stopped (CI, 2026-12-04).
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const MODULE = pathToFileURL(join(ROOT, 'src/app/early-signals.ts')).href;

/** Run `body` in a child (tsx), with `listenEarly` imported; its exit code and output. */
function child(body: string): Promise<{ code: number | null; out: string }> {
  const script = `const { listenEarly } = await import(${JSON.stringify(MODULE)});\n${body}\nsetTimeout(() => { console.log('lost'); process.exit(3); }, 2000);`;
  return new Promise((done) => {
    const p = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (b: Buffer) => (out += b.toString()));
    p.stderr.on('data', (b: Buffer) => (out += b.toString()));
    p.on('exit', (code) => done({ code, out }));
  });
}

describe('signals during the start-up', () => {
  it('a signal pending at the hand-over reaches the final handler', async () => {
    const r = await child(`
      const early = listenEarly(() => console.log('early'));
      process.kill(process.pid, 'SIGTERM'); // pending: Node reads its signal pipe in the next poll phase
      early.handOver(() => process.on('SIGTERM', () => { console.log('final'); process.exit(0); }));
    `);
    expect(r).toEqual({ code: 0, out: 'final\n' });
  });

  it('one taken before the hand-over is kept in `first` (the daemon then stops once it is up)', async () => {
    const r = await child(`
      const early = listenEarly((s) => console.log('early ' + s));
      process.kill(process.pid, 'SIGINT');
      setTimeout(() => {
        early.handOver(() => process.on('SIGINT', () => console.log('final')));
        console.log('first ' + early.first);
        process.exit(0);
      }, 200);
    `);
    expect(r).toEqual({ code: 0, out: 'early SIGINT\nfirst SIGINT\n' });
  });

  it('(why) removing the last listener before adding the next drops the pending signal', async () => {
    const r = await child(`
      const early = listenEarly(() => console.log('early'));
      process.kill(process.pid, 'SIGTERM');
      early.stop();
      process.on('SIGTERM', () => { console.log('final'); process.exit(0); });
    `);
    expect(r).toEqual({ code: 3, out: 'lost\n' });
  });
});
