#!/usr/bin/env node
import { runCli } from './run-cli';

/** Entry point: `npm run cli -- <command>` or the `credit-monitor` bin (dist/src/cli/main.js). */
runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exitCode = 1;
  },
);
