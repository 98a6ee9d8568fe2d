// Preloaded into a measured process (NODE_OPTIONS=--import …): on exit, appends "pid peakRssBytes"
// to BENCH_RSS_FILE with its CPU milliseconds, so the harness learns the peak RSS and CPU time of a CLI it
// did not write.
import { appendFileSync } from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    try {
      const u = process.resourceUsage();
      appendFileSync(file, `${process.pid} ${u.maxRSS * 1024} ${Math.round((u.userCPUTime + u.systemCPUTime) / 1000)}\n`);
    } catch {
      // Nothing useful to do: the harness reports the RSS as unknown.
    }
  });
}
