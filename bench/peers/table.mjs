#!/usr/bin/env node
// Reads the JSON lines of one scripts/bench-peers run and prints a Markdown table with the
// ratios ours ÷ peer and the targets.
//
//   node bench/peers/table.mjs ours=OURS.jsonl sqlite=SQLITE.jsonl \
//        "graphile-worker=GW.jsonl" "pg-boss=PB.jsonl" ...
//
// "ours" (job_bench on PostgreSQL) is the column the ratios are taken from, "sqlite"
// (job_bench on SQLite) is shown beside it; every other label is a peer.
import fs from "node:fs";

const columns = [];
for (const arg of process.argv.slice(2)) {
  const at = arg.lastIndexOf("="); // Labels may hold "=", paths here do not.
  const label = arg.slice(0, at);
  const lines = fs.existsSync(arg.slice(at + 1))
    ? fs.readFileSync(arg.slice(at + 1), "utf8").split("\n").filter((l) => l.startsWith("{"))
    : [];
  const figures = lines.map((l) => JSON.parse(l));
  const same = columns.find((c) => c.label === label); // A label may come from several files.
  if (same) same.figures.push(...figures);
  else columns.push({ label, figures });
}
const ours = columns.find((c) => c.label === "ours");
const sqlite = columns.find((c) => c.label === "sqlite");
const peers = columns.filter((c) => c !== ours && c !== sqlite);

function pick(column, benchmark, field, where = () => true) {
  if (!column) return undefined;
  const f = column.figures.find((x) => x.benchmark === benchmark && where(x));
  return f ? f[field] : undefined;
}

const oneWorker = (x) => x.workers === 1;
const rows = [
  // [title, benchmark, field, filter, unit, higher is better]
  ["pre-inserted N, worked (1 worker × C slots)", "noop_throughput", "worked_jobs_per_s", oneWorker, "jobs/s", true],
  ["pre-inserted N, worked (W workers × C slots)", "noop_throughput", "worked_jobs_per_s", (x) => x.workers > 1, "jobs/s", true],
  ["enqueue while working, first enqueue → last done", "enqueue_while_working", "jobs_per_s", () => true, "jobs/s", true],
  ["bulk enqueue, batches of 1000", "noop_throughput", "enqueue_jobs_per_s", oneWorker, "jobs/s", true],
  ["enqueue → start p50, same process", "enqueue_to_start_latency", "p50_ms", () => true, "ms", false],
  ["enqueue → start p99, same process", "enqueue_to_start_latency", "p99_ms", () => true, "ms", false],
  ["enqueue → start p50, other connection/process", "enqueue_to_start_latency_cross_process", "p50_ms", () => true, "ms", false],
  ["enqueue → start p99, other connection/process", "enqueue_to_start_latency_cross_process", "p99_ms", () => true, "ms", false],
  ["store alone, claim + finish in batches of 4 (no worker)", "store_claim_finish_ceiling", "jobs_per_s", (x) => x.batch === 4, "jobs/s", true],
  ["store alone, claim + finish in batches of 256 (no worker)", "store_claim_finish_ceiling", "jobs_per_s", (x) => x.batch === 256, "jobs/s", true],
  ["cancel observed p99, in process", "cancel_latency_in_process", "observed_p99_ms", () => true, "ms", false],
  ["cancel observed p99, cross process", "cancel_latency_cross_process", "observed_p99_ms", () => true, "ms", false],
  ["cancelled in database p99, cross process", "cancel_latency_cross_process", "cancelled_p99_ms", () => true, "ms", false],
];

function fmt(v, unit) {
  if (v === undefined || v === null) return "—";
  if (unit === "ms") return v.toFixed(v < 10 ? 2 : 1);
  return Math.round(v).toLocaleString("en-US");
}

const header = ["figure", "unit", "auto-a11y PostgreSQL"];
for (const p of peers) header.push(p.label, `ours ÷ ${p.label}`);
header.push("auto-a11y SQLite");
const out = [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`];
for (const [title, bench, field, where, unit] of rows) {
  if (columns.every((c) => pick(c, bench, field, where) === undefined)) continue;
  const o = pick(ours, bench, field, where);
  const cells = [title, unit, fmt(o, unit)];
  for (const p of peers) {
    const v = pick(p, bench, field, where);
    cells.push(fmt(v, unit), o !== undefined && v ? `${(o / v).toFixed(2)}×` : "—");
  }
  cells.push(fmt(pick(sqlite, bench, field, where), unit));
  out.push(`| ${cells.join(" | ")} |`);
}
console.log(out.join("\n"));

// The targets, on the PostgreSQL figures.
const worked = pick(ours, "noop_throughput", "worked_jobs_per_s", oneWorker);
const targets = [];
const best = (label) => {
  const vs = peers
    .filter((p) => p.label === label || p.label.startsWith(`${label} `))
    .map((p) => pick(p, "noop_throughput", "worked_jobs_per_s", oneWorker))
    .filter((v) => v !== undefined);
  return vs.length ? Math.max(...vs) : undefined;
};
const check = (ok) => (ok === undefined ? "n/a" : ok ? "met" : "NOT met");
for (const [label, factor] of [["graphile-worker", 1.5], ["pg-boss", 3]]) {
  const v = best(label);
  const ratio = worked !== undefined && v ? worked / v : undefined;
  targets.push(
    `- worked jobs/s ≥ ${factor}× ${label} (its best configuration here): ` +
      `${ratio === undefined ? "—" : ratio.toFixed(2) + "×"} → ${check(ratio === undefined ? undefined : ratio >= factor)}`,
  );
}
const p50 = pick(ours, "enqueue_to_start_latency", "p50_ms");
const p50x = pick(ours, "enqueue_to_start_latency_cross_process", "p50_ms");
targets.push(
  `- enqueue→start p50 < 5 ms: same process ${fmt(p50, "ms")} ms → ${check(p50 === undefined ? undefined : p50 < 5)}; ` +
    `other process ${fmt(p50x, "ms")} ms → ${check(p50x === undefined ? undefined : p50x < 5)}`,
);
const c99 = pick(ours, "cancel_latency_cross_process", "observed_p99_ms");
targets.push(`- cross-process cancellation p99 < 100 ms: ${fmt(c99, "ms")} ms → ${check(c99 === undefined ? undefined : c99 < 100)}`);
console.log("\nTargets (auto-a11y on PostgreSQL):\n" + targets.join("\n"));
