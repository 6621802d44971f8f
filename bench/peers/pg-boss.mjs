// pg-boss 10 behind the small interface run.mjs drives: bulk insert, workers with a
// no-op handler, and a database check that every job is done.
//
// pg-boss 10 has no teamSize and no LISTEN/NOTIFY: each work() call is one polling loop
// that fetches up to batchSize jobs, runs the handler on the batch, completes the batch in
// one statement (not awaited) and, when the round took less than the polling interval,
// sleeps out the rest of it. A loop therefore does at most batchSize jobs per interval.
//
// Tuning:
//   loops                  = --concurrency (32 by default): one work() per slot, the
//                            v10 way to get concurrency
//   batchSize              = 16   so loops x batchSize = 512 jobs held at once, about
//                            graphile-worker's localQueue of 500
//   pollingIntervalSeconds = 0.5  the least pg-boss 10 accepts (default 2)
//   max (pool)             = max(10, loops + 2)
//   supervise on in the worker (maintenance, as our worker runs its reaper), off in
//   producers; schedule (cron) off everywhere: no cron is used.
// Each can be overridden: --set batchSize=1 (one job per fetch), --set loops=4, ...

import { requirePeer } from "./common.mjs";

const PgBoss = requirePeer("pg-boss");

export const name = "pg-boss";
export const version = requirePeer("pg-boss/package.json").version;

const defaults = {
  loops: 0, // 0: the concurrency
  batchSize: 16,
  pollingIntervalSeconds: 0.5,
  max: 0, // 0: max(10, loops + 2)
};

function tuned(tuning, concurrency) {
  const t = { ...defaults, ...tuning };
  t.loops = t.loops || concurrency;
  t.max = t.max || Math.max(10, t.loops + 2);
  return t;
}

export function settings(tuning, concurrency) {
  const t = tuned(tuning, concurrency);
  return {
    version,
    work_loops: t.loops,
    batchSize: t.batchSize,
    pollingIntervalSeconds: t.pollingIntervalSeconds,
    pool_max: t.max,
    supervise: "worker only",
    schedule: false,
  };
}

async function startBoss(url, options) {
  const boss = new PgBoss({ connectionString: url, schedule: false, ...options });
  boss.on("error", (e) => process.stderr.write(`pg-boss: ${e.message}\n`));
  await boss.start();
  return boss;
}

export async function open(url, tuning) {
  const boss = await startBoss(url, { supervise: false, max: 2 });
  const db = boss.getDb();
  return {
    async prepare(queue) {
      if (!(await boss.getQueue(queue))) await boss.createQueue(queue);
    },
    // One multi-row insert per call.
    async insert(queue, n) {
      await boss.insert(Array.from({ length: n }, () => ({ name: queue, data: {} })));
    },
    async addOne(queue, payload) {
      await boss.send(queue, payload);
    },
    // Completed jobs stay in the queue's partition with state 'completed'.
    async done(queue, n) {
      const { rows } = await db.executeSql(
        "SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state = 'completed'",
        [queue],
      );
      return rows[0].n >= n;
    },
    async close() {
      await boss.stop({ graceful: false, wait: true, timeout: 1000 });
    },
  };
}

export async function startWorker(url, tuning, queue, concurrency, onJob) {
  const t = tuned(tuning, concurrency);
  const boss = await startBoss(url, { supervise: true, max: t.max });
  const ids = [];
  for (let i = 0; i < t.loops; ++i) {
    ids.push(
      await boss.work(
        queue,
        { batchSize: t.batchSize, pollingIntervalSeconds: t.pollingIntervalSeconds },
        async (jobs) => {
          for (const job of jobs) onJob(job.data);
        },
      ),
    );
  }
  return {
    // The in-process hand-off pg-boss offers: send, then wake the local loops.
    addJob: async (payload) => {
      await boss.send(queue, payload);
      for (const id of ids) boss.notifyWorker(id);
    },
    stop: () => boss.stop({ graceful: true, wait: true, timeout: 5000 }),
  };
}
