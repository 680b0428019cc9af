import type PgBoss from "pg-boss";
import type { Db } from "@/server/db";
import { consoleLogger, type Logger } from "@/server/services/context";
import { driverFromEnv } from "@/server/services/compute/drivers";
import type { ComputeDriver } from "@/server/services/compute/drivers/types";
import {
  endReservationInstances,
  finishTermination,
  JOBS,
  meterRunningInstances,
  pollInstance,
  provisionInstance,
  reconcileInstances,
  registerJobSender,
  type InstanceJobData,
  type JobName,
  type JobSender,
  type LifecycleDeps,
  type ReconcileReport,
} from "@/server/services/compute/instances";
import { advanceReservations } from "@/server/services/compute/reservations";
import { closeDueMonths } from "@/server/services/billing";
import { checkBudgetAlerts } from "@/server/services/budgets/alerts";
import { stopInstancesAtCap } from "@/server/services/budgets/enforce";
import { deliverMails, mailTransportFromEnv } from "@/server/services/mail";
import { createBoss } from "./boss";

/**
 * The job worker: pg-boss queues for the instance lifecycle (provision, poll, terminate) and a
 * periodic tick (reservations' step, metering of running instances' closed hours, budget alerts
 * and caps, the month close that issues invoices, then the reconciler). It runs inside the console's process by
 * default (server/startup.ts), or alone with `npm run worker` (server/worker/main.ts) when
 * WORKER_IN_PROCESS=false; on PostgreSQL any number of workers may run side by side, since every
 * handler is idempotent and every state change conditional.
 *
 * Jobs only make things happen promptly. The database is the record of what is left to do: the
 * tick's sweep finds and finishes whatever a lost job left (see reconcileInstances).
 */

export interface WorkerOptions {
  db: Db;
  /** Default: the driver chosen by the environment (the simulated fleet). */
  driver?: ComputeDriver;
  log?: Logger;
  now?: () => Date;
  /** Seconds between polls of each queue. Default 2; at least 0.5. */
  pollingIntervalSeconds?: number;
  /** Seconds between two ticks (reservations' step and the reconciler). Default 20; 0: no timer. */
  tickIntervalSeconds?: number;
  /** False: enqueue only, run no handlers (a console process whose jobs `npm run worker` runs). */
  work?: boolean;
}

export interface Worker {
  readonly deps: LifecycleDeps;
  /** One tick, now, in this process: what the timer's job does. */
  runDueWork(): Promise<ReconcileReport>;
  /** `graceful: false` abandons running handlers, as a killed process would. */
  stop(options?: { graceful?: boolean }): Promise<void>;
}

const INSTANCE_QUEUE: PgBoss.Queue = {
  name: "",
  // One waiting and one running job per instance and queue: a poll that re-enqueues itself, the
  // sweep and a user's click never pile up duplicate jobs.
  policy: "stately",
  retryLimit: 3,
  retryDelay: 2,
  expireInSeconds: 300,
  retentionMinutes: 24 * 60,
};

const QUEUES: Record<JobName, PgBoss.Queue> = {
  [JOBS.provision]: { ...INSTANCE_QUEUE, name: JOBS.provision },
  [JOBS.poll]: { ...INSTANCE_QUEUE, name: JOBS.poll },
  [JOBS.terminate]: { ...INSTANCE_QUEUE, name: JOBS.terminate, retryLimit: 5, retryDelay: 5, retryBackoff: true },
  // The sweep is cheap to skip: at most one waits, and a failed one is simply the next tick's job.
  [JOBS.tick]: { name: JOBS.tick, policy: "stately", retryLimit: 0, expireInSeconds: 600, retentionMinutes: 60 },
};

/**
 * One tick: reservations' periodic step (starting blocks, and ending them, which terminates their
 * instances first), then the reconciler's sweep. Each runs even if the other failed. Tests call it
 * directly.
 */
export async function runDueWork(deps: LifecycleDeps): Promise<ReconcileReport> {
  const steps: Array<[string, () => Promise<unknown>]> = [
    ["reservations step", () => advanceReservations(deps.db, deps.now(), deps.log, { onEnded: (reservationId) => endReservationInstances(deps, reservationId) })],
    ["instance metering", () => meterRunningInstances(deps.db, deps.now(), deps.log)],
    ["budget alerts", () => checkBudgetAlerts(deps.db, deps.now(), { log: deps.log })],
    ["budget caps", () => stopInstancesAtCap(deps)],
    ["month close", () => closeDueMonths(deps.db, deps.now(), deps.log)],
    // Last, so that the mails the steps above queued leave in the same tick; also retries failed ones.
    ["mail delivery", () => deliverMails(deps.db, mailTransportFromEnv(), { now: deps.now(), log: deps.log })],
  ];
  for (const [name, step] of steps) {
    try {
      await step();
    } catch (error) {
      deps.log.error(`${name} failed`, { error: String(error) });
    }
  }
  return reconcileInstances(deps);
}

/** The handler of each queue, for pg-boss and for tests that drive jobs by hand. */
export function jobHandlers(deps: LifecycleDeps): Record<JobName, (data: unknown) => Promise<void>> {
  const instanceId = (data: unknown) => {
    const id = (data as Partial<InstanceJobData> | null)?.instanceId;
    if (typeof id !== "string") throw new Error("job data has no instanceId");
    return id;
  };
  return {
    [JOBS.provision]: (data) => provisionInstance(deps, instanceId(data)),
    [JOBS.poll]: (data) => pollInstance(deps, instanceId(data), { reschedule: true }),
    [JOBS.terminate]: (data) => finishTermination(deps, instanceId(data)),
    [JOBS.tick]: async () => {
      const report = await runDueWork(deps);
      if (report.errors > 0) deps.log.warn("reconciler sweep had errors", { ...report });
    },
  };
}

const globalForWorker = globalThis as unknown as { __computeWorker?: Worker };

export async function startWorker(options: WorkerOptions): Promise<Worker> {
  const log = options.log ?? consoleLogger;
  const deps: LifecycleDeps = {
    db: options.db,
    driver: options.driver ?? driverFromEnv(options.db),
    now: options.now ?? (() => new Date()),
    log,
  };
  const pollingIntervalSeconds = options.pollingIntervalSeconds ?? 2;
  const boss = createBoss(options.db, { pollingIntervalSeconds });
  boss.on("error", (error) => log.error("job queue error", { error: String(error) }));
  await boss.start();
  for (const queue of Object.values(QUEUES)) await boss.createQueue(queue.name, queue);

  const sender: JobSender = {
    async send(name, data, sendOptions) {
      const instanceId = (data as Partial<InstanceJobData>).instanceId;
      await boss.send(name, data, {
        singletonKey: typeof instanceId === "string" ? instanceId : undefined,
        startAfter: sendOptions?.startAfterSeconds ? Math.ceil(sendOptions.startAfterSeconds) : undefined,
      });
    },
  };
  const unregister = registerJobSender(options.db, sender);

  let timer: NodeJS.Timeout | null = null;
  if (options.work !== false) {
    const handlers = jobHandlers(deps);
    for (const name of Object.keys(handlers) as JobName[]) {
      await boss.work(name, { pollingIntervalSeconds }, async (jobs) => {
        for (const job of jobs) await handlers[name](job.data);
      });
    }
    const tickSeconds = options.tickIntervalSeconds ?? 20;
    if (tickSeconds > 0) {
      const tick = () => void sender.send(JOBS.tick, {}).catch((error) => log.warn("could not schedule the reconciler", { error: String(error) }));
      // At once, so that a restarted worker picks up what the previous one left without waiting.
      tick();
      timer = setInterval(tick, tickSeconds * 1000);
      timer.unref();
    }
  }

  let stopped: Promise<void> | null = null;
  const worker: Worker = {
    deps,
    runDueWork: () => runDueWork(deps),
    stop(stopOptions = {}) {
      stopped ??= (async () => {
        if (timer) clearInterval(timer);
        unregister();
        await boss.stop({ graceful: stopOptions.graceful ?? true, wait: true, timeout: 10_000 });
        if (globalForWorker.__computeWorker === worker) globalForWorker.__computeWorker = undefined;
      })();
      return stopped;
    },
  };
  globalForWorker.__computeWorker = worker;
  log.info(options.work === false ? "job queue ready (enqueue only)" : "job worker started", { driver: deps.driver.name });
  return worker;
}

/** Stops the process's worker (the last one started), if any. */
export async function stopWorker(options?: { graceful?: boolean }): Promise<void> {
  await globalForWorker.__computeWorker?.stop(options);
}
