// Shared pieces of the peer benchmarks: where the peer packages are installed, clocks,
// quantiles (the same rule as bench/job_bench.cc) and the one-JSON-line-per-figure output.
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

// The packages live in bench/.peers/node_modules (ignored), installed by scripts/bench-peers;
// PEERS_DIR points elsewhere if needed.
export const peersDir = process.env.PEERS_DIR || path.resolve(here, "..", ".peers");
export const requirePeer = createRequire(path.join(peersDir, "package.json"));

// Monotonic, and the same clock in every thread of the process.
export function nowMs() {
  return Number(process.hrtime.bigint()) / 1e6;
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function quantile(values, q) {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))];
}

// Same shape as job_bench: {"benchmark": name, ...figures}, one line each.
export function emit(name, figures) {
  process.stdout.write(JSON.stringify({ benchmark: name, ...figures }) + "\n");
}

export function die(message) {
  process.stderr.write(`bench-peers: ${message}\n`);
  process.exit(1);
}

// Polls `check` (async) until it returns true; `everyMs` between tries.
export async function until(check, everyMs = 1, timeoutMs = 600_000) {
  const deadline = nowMs() + timeoutMs;
  while (!(await check())) {
    if (nowMs() > deadline) die("timed out waiting for the jobs to finish");
    await sleep(everyMs);
  }
}

export async function loadAdapter(peer) {
  switch (peer) {
    case "graphile-worker":
      return import("./graphile-worker.mjs");
    case "pg-boss":
      return import("./pg-boss.mjs");
    default:
      die(`unknown peer ${peer} (graphile-worker, pg-boss)`);
  }
}
