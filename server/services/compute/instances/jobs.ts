import type { Db } from "@/server/db";
import type { Logger } from "../../context";

/** The job queues of the instance lifecycle; the worker (server/worker) registers their handlers. */
export const JOBS = {
  provision: "instance.provision",
  poll: "instance.poll",
  terminate: "instance.terminate",
  /** The periodic sweep: reservations' step, then the instance reconciler. */
  tick: "compute.tick",
} as const;

export type JobName = (typeof JOBS)[keyof typeof JOBS];

export interface InstanceJobData {
  instanceId: string;
}

/** What services need of the queue: put a job on it. The worker's pg-boss is one. */
export interface JobSender {
  send(name: JobName, data: object, options?: { startAfterSeconds?: number }): Promise<void>;
}

// On globalThis, like the database: Next.js loads instrumentation and route handlers as separate
// module graphs, and both must find the sender that startup registered for the process's database.
const globalForJobs = globalThis as unknown as { __computeJobSenders?: WeakMap<object, JobSender> };
const senders = (globalForJobs.__computeJobSenders ??= new WeakMap());

/** Makes `send` reach the queue for this database; returns the undo, for stopping. */
export function registerJobSender(db: Db, sender: JobSender): () => void {
  senders.set(db, sender);
  return () => {
    if (senders.get(db) === sender) senders.delete(db);
  };
}

/**
 * Enqueues after the change that needs it has committed. It never throws: the instance row is the
 * durable record of what is left to do, and the reconciler's sweep picks up any instance whose job
 * was lost (no queue in this process, the process died right after the commit, the queue refused).
 */
export async function sendJob(db: Db, log: Logger, name: JobName, data: object, options?: { startAfterSeconds?: number }): Promise<void> {
  const sender = senders.get(db);
  if (!sender) {
    log.warn("no job queue in this process; the reconciler will pick the work up", { job: name });
    return;
  }
  try {
    await sender.send(name, data, options);
  } catch (error) {
    log.warn("could not enqueue a job; the reconciler will pick the work up", { job: name, error: String(error) });
  }
}
