/**
 * Preloaded into the child process by bench/score.ts (`node -r`): reports the process's peak
 * resident set size on exit, so the benchmark needs no /usr/bin/time.
 */
process.on('exit', () => {
  process.stderr.write(`peak-rss-kb ${process.resourceUsage().maxRSS}\n`);
});
