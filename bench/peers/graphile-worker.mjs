// graphile-worker 0.17 behind the small interface run.mjs drives: bulk insert, a worker
// pool with a no-op task, and a database check that every job is done.
//
// Tuning (the settings of graphile-worker's own performance page, with our concurrency):
//   concurrency      = --concurrency (32 by default), as our worker's slots
//   localQueue.size  = 500   jobs fetched and locked per batch, served to the slots locally
//   completeJobBatchDelay = 0, failJobBatchDelay = 0   completions batched per tick
//   pollInterval     = 100 ms   new jobs arrive by LISTEN/NOTIFY; the poll is the fallback
//                               (our worker's idle_wait is 100 ms too)
//   maxPoolSize      = max(10, concurrency + 2), as graphile-worker recommends
// Each can be overridden: --set localQueueSize=-1 (off), --set pollInterval=2000, ...

// Read once when the module loads: without it every job writes a log line.
process.env.NO_LOG_SUCCESS = "1";

import { requirePeer } from "./common.mjs";

const gw = requirePeer("graphile-worker");
const pg = requirePeer("pg");

export const name = "graphile-worker";
export const version = requirePeer("graphile-worker/package.json").version;

const defaults = {
  localQueueSize: 500,
  completeJobBatchDelay: 0,
  failJobBatchDelay: 0,
  pollInterval: 100,
  maxPoolSize: 0, // 0: max(10, concurrency + 2)
};

const logger = new gw.Logger(() => (level, message) => {
  if (level === "error") process.stderr.write(`graphile-worker: ${message}\n`);
});

function tuned(tuning) {
  return { ...defaults, ...tuning };
}

export function settings(tuning, concurrency) {
  const t = tuned(tuning);
  return {
    version,
    concurrency,
    localQueue_size: t.localQueueSize,
    completeJobBatchDelay: t.completeJobBatchDelay,
    failJobBatchDelay: t.failJobBatchDelay,
    pollInterval_ms: t.pollInterval,
    maxPoolSize: t.maxPoolSize || Math.max(10, concurrency + 2),
  };
}

// A producer: its own pool, as another process would have.
export async function open(url, tuning) {
  const utils = await gw.makeWorkerUtils({ connectionString: url, logger });
  await utils.migrate();
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  return {
    async prepare() {},
    // One multi-row insert: addJobs calls graphile_worker.add_jobs(specs[]).
    async insert(queue, n) {
      await utils.addJobs(Array.from({ length: n }, () => ({ identifier: queue, payload: {} })));
    },
    async addOne(queue, payload) {
      await utils.addJob(queue, payload);
    },
    // Completed jobs are deleted: done when none of the task's jobs is left.
    async done(queue) {
      const { rows } = await pool.query(
        `SELECT count(*)::int AS n FROM graphile_worker._private_jobs j
           JOIN graphile_worker._private_tasks t ON t.id = j.task_id
          WHERE t.identifier = $1`,
        [queue],
      );
      return rows[0].n === 0;
    },
    async close() {
      await utils.release();
      await pool.end();
    },
  };
}

export async function startWorker(url, tuning, queue, concurrency, onJob) {
  const t = tuned(tuning);
  const worker = {
    concurrentJobs: concurrency,
    pollInterval: t.pollInterval,
    completeJobBatchDelay: t.completeJobBatchDelay,
    failJobBatchDelay: t.failJobBatchDelay,
  };
  if (t.localQueueSize > 0) worker.localQueue = { size: t.localQueueSize };
  const runner = await gw.run({
    connectionString: url,
    concurrency,
    pollInterval: t.pollInterval,
    maxPoolSize: t.maxPoolSize || Math.max(10, concurrency + 2),
    noHandleSignals: true,
    logger,
    taskList: { [queue]: async (payload) => onJob(payload) },
    preset: { worker },
  });
  return {
    // graphile-worker has no in-process hand-off: runner.addJob goes through the
    // database and the worker hears of it by NOTIFY, like any other producer.
    addJob: (payload) => runner.addJob(queue, payload),
    stop: () => runner.stop(),
  };
}
