// The producer of run.mjs's enqueue-while-working figure, on a thread of its own: its own
// event loop and connections, so inserting does not share a loop with the worker.
// Says "ready" once connected, inserts on "go", then says "finished" with its first and
// last timestamps (process-wide monotonic clock).
import { parentPort, workerData } from "node:worker_threads";

import { loadAdapter, nowMs } from "./common.mjs";

const { peer, url, tuning, queue, jobs, batch } = workerData;
const A = await loadAdapter(peer);
const producer = await A.open(url, tuning);
parentPort.postMessage({ type: "ready" });
parentPort.once("message", async () => {
  const t0 = nowMs();
  for (let done = 0; done < jobs; done += batch) {
    await producer.insert(queue, Math.min(batch, jobs - done));
  }
  const t1 = nowMs();
  parentPort.postMessage({ type: "finished", t0, t1 });
  await producer.close();
});
