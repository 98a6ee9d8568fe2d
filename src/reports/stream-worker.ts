/**
 * Helper thread of pass 2 of a streamed, rendered generation (./stream.ts): opens its own read-only
 * store from the main thread's workerSpec(), loads the period's context as the main thread does
 * (./chunk-reports.ts), then computes and renders the chunks it is asked for (each request brings
 * pass 1's ranks and the history of the chunk's branches), replying in the order asked. A chunk's meetings kept by pass 1 come with
 * the request (packed, transferred); otherwise they are read from the store.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../config/schema.js';
import { parsePeriod } from '../domain/calendar.js';
import { openStore } from '../store/open.js';
import type { StoreWorkerSpec } from '../store/port.js';
import { chunkContext, chunkReports, renderChunk, type RenderedReport } from './chunk-reports.js';
import type { BranchRanks } from './compute.js';
import type { SummaryRow } from './compute-committee.js';
import type { OrgRow } from './gather.js';
import { unpackMeetings, type PackedMeetings } from './meetings-memo.js';
import type { ReportFormat } from './render/index.js';
import type { HistoryPoint } from './types.js';

export interface StreamWorkerInit {
  spec: StoreWorkerSpec;
  config: Config;
  orgs: OrgRow[];
  period: string;
  now: number;
  chunk: number;
  format: ReportFormat;
}

/** Messages to the helper: chunks to do (with pass 1's ranks and the history of their branches), then stop. */
export type StreamWorkerRequest =
  | { seq: number; history: Map<string, HistoryPoint[]>; ranks: Map<string, BranchRanks>; packed?: PackedMeetings }
  | { stop: true };

/** Replies: ready (context loaded) once, then one per chunk. */
export type StreamWorkerReply = { ready: true } | { seq: number; rendered?: RenderedReport[]; rows?: SummaryRow[]; error?: string };

const init = workerData as StreamWorkerInit;
const store = await openStore(init.spec, { readonly: true, migrate: false });
const ctx = await chunkContext(store, init.config, init.orgs, parsePeriod(init.period)!, init.now, init.chunk);

let queue: Promise<unknown> = Promise.resolve();
parentPort!.on('message', (msg: StreamWorkerRequest) => {
  if ('stop' in msg) {
    queue = queue.then(async () => {
      await store.close();
      parentPort!.close();
    });
  } else {
    queue = queue.then(async () => {
      try {
        const packed = msg.packed;
        const reports = await chunkReports(store, ctx, msg.seq, msg.history, msg.ranks, packed ? async () => unpackMeetings(packed) : undefined);
        const { rendered, rows } = renderChunk(reports, init.format);
        parentPort!.postMessage({ seq: msg.seq, rendered, rows } satisfies StreamWorkerReply, rendered.map((r) => r.bytes.buffer as ArrayBuffer));
      } catch (e) {
        parentPort!.postMessage({ seq: msg.seq, error: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies StreamWorkerReply);
      }
    });
  }
});
parentPort!.postMessage({ ready: true } satisfies StreamWorkerReply);
