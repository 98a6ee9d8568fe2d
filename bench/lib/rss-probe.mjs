// Preloaded into a measured process (NODE_OPTIONS=--import …): on exit, appends "pid peakRssBytes"
// to BENCH_RSS_FILE, so the harness learns the peak RSS of a CLI it did not write.
import { appendFileSync } from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    try {
      appendFileSync(file, `${process.pid} ${process.resourceUsage().maxRSS * 1024}\n`);
    } catch {
      // Nothing useful to do: the harness reports the RSS as unknown.
    }
  });
}
