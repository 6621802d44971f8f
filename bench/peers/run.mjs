#!/usr/bin/env node
// The job_bench workloads on a peer job queue, against one PostgreSQL database. Prints one
// JSON line per figure, in job_bench's shape plus "peer" and the settings used:
//
//   node bench/peers/run.mjs --peer graphile-worker --database postgresql://... \
//        --jobs 20000 --concurrency 32 --samples 200 [--only throughput,enqueue,start] \
//        [--set localQueueSize=-1 ...]
//
// throughput  N no-op jobs inserted in batches of 1000 with the peer's bulk API, then a
//             worker with the given concurrency started; timed from the worker's start to
//             the last completion recorded in the database (as job_bench's worked_jobs_per_s).
// enqueue     a warm worker running while a producer on a thread of its own (its own event
//             loop and connections, as another process) inserts N jobs in batches of 1000;
//             timed from the first insert to the last completion in the database.
// start       enqueue-to-start latency, one job at a time, into a warm idle worker of 2
//             slots (as job_bench): "_cross_process" from a producer with its own
//             connections; plain from the worker's own instance (pg-boss: send then
//             notifyWorker; graphile-worker has no in-process path, so the same NOTIFY route).
//
// Needs bench/.peers/node_modules (scripts/bench-peers installs it).
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";

import { die, emit, loadAdapter, nowMs, quantile, sleep, until } from "./common.mjs";

const BATCH = 1000;

const { values: args } = parseArgs({
  options: {
    peer: { type: "string" },
    database: { type: "string" },
    jobs: { type: "string", default: "20000" },
    concurrency: { type: "string", default: "32" },
    samples: { type: "string", default: "200" },
    only: { type: "string", default: "throughput,enqueue,start" },
    set: { type: "string", multiple: true, default: [] },
  },
});
if (!args.peer || !args.database) die("usage: run.mjs --peer NAME --database URL [...]");
const url = args.database;
const jobs = Number(args.jobs);
const concurrency = Number(args.concurrency);
const samples = Number(args.samples);
const only = args.only.split(",").map((s) => s.trim());
const tuning = {};
for (const kv of args.set) {
  const [k, v] = kv.split("=");
  tuning[k] = Number.isNaN(Number(v)) ? v : Number(v);
}

const A = await loadAdapter(args.peer);
const common = { peer: A.name, backend: "postgresql" };

async function insertAll(producer, queue, n) {
  for (let done = 0; done < n; done += BATCH) await producer.insert(queue, Math.min(BATCH, n - done));
}

async function throughput(producer) {
  const queue = "noop_throughput";
  await producer.prepare(queue);
  const t0 = nowMs();
  await insertAll(producer, queue, jobs);
  const enqueueS = (nowMs() - t0) / 1000;
  let handled = 0;
  const workStart = nowMs();
  const worker = await A.startWorker(url, tuning, queue, concurrency, () => ++handled);
  await until(() => handled >= jobs);
  await until(() => producer.done(queue, jobs));
  const workS = (nowMs() - workStart) / 1000;
  await worker.stop();
  emit("noop_throughput", {
    ...common,
    jobs,
    workers: 1,
    concurrency_per_worker: concurrency,
    enqueue_jobs_per_s: jobs / enqueueS,
    worked_jobs_per_s: jobs / workS,
    end_to_end_jobs_per_s: jobs / (enqueueS + workS),
    jobs_per_s: jobs / workS,
    handler_runs: handled,
    settings: A.settings(tuning, concurrency),
  });
}

function message(thread, type) {
  return new Promise((resolve, reject) => {
    const onMessage = (m) => {
      if (m.type !== type) return;
      thread.off("message", onMessage);
      resolve(m);
    };
    thread.on("message", onMessage);
    thread.once("error", reject);
  });
}

async function enqueueWhileWorking(producer) {
  const queue = "noop_enqueue";
  await producer.prepare(queue);
  let handled = 0;
  const worker = await A.startWorker(url, tuning, queue, concurrency, () => ++handled);
  const thread = new Worker(new URL("./producer.mjs", import.meta.url), {
    workerData: { peer: args.peer, url, tuning, queue, jobs, batch: BATCH },
  });
  await message(thread, "ready");
  await sleep(200); // Warm: the worker is idle, waiting for work.
  const finished = message(thread, "finished");
  thread.postMessage("go");
  const { t0, t1 } = await finished;
  await until(() => handled >= jobs);
  await until(() => producer.done(queue, jobs));
  const totalS = (nowMs() - t0) / 1000;
  await thread.terminate();
  await worker.stop();
  emit("enqueue_while_working", {
    ...common,
    jobs,
    workers: 1,
    concurrency_per_worker: concurrency,
    batch: BATCH,
    enqueue_jobs_per_s: jobs / ((t1 - t0) / 1000),
    jobs_per_s: jobs / totalS,
    handler_runs: handled,
    settings: A.settings(tuning, concurrency),
  });
}

async function startLatency(producer) {
  const queue = "noop_latency";
  await producer.prepare(queue);
  const waiting = new Map();
  const slots = 2; // As job_bench's StartLatency.
  const worker = await A.startWorker(url, tuning, queue, slots, (payload) => {
    const t = nowMs();
    const resolve = waiting.get(payload.i);
    if (resolve) resolve(t);
  });
  await sleep(200); // Warm: the worker is idle, waiting for work.
  const variants = [
    ["enqueue_to_start_latency", (payload) => worker.addJob(payload)],
    ["enqueue_to_start_latency_cross_process", (payload) => producer.addOne(queue, payload)],
  ];
  let next = 0;
  for (const [figure, add] of variants) {
    const latencies = [];
    for (let s = 0; s < samples; ++s) {
      const i = next++;
      const started = new Promise((resolve) => waiting.set(i, resolve));
      const before = nowMs();
      await add({ i });
      latencies.push((await started) - before);
      waiting.delete(i);
      await sleep(2);
    }
    emit(figure, {
      ...common,
      samples,
      p50_ms: quantile(latencies, 0.5),
      p99_ms: quantile(latencies, 0.99),
      max_ms: quantile(latencies, 1),
      worker_slots: slots,
      settings: A.settings(tuning, slots),
    });
  }
  await worker.stop();
}

const producer = await A.open(url, tuning);
if (only.includes("throughput")) await throughput(producer);
if (only.includes("enqueue")) await enqueueWhileWorking(producer);
if (only.includes("start")) await startLatency(producer);
await producer.close();
// Libraries may leave timers behind (maintenance, pools draining): do not wait for them.
process.exit(0);
