import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { randomBase62 } from "@/server/db/ids";
import { createMemoryRateLimiter, createRedisRateLimiter, formatResetDuration, type RateLimiter } from "./rate-limit";

/** The same contract for both implementations: a bucket of `limit` per minute, refilled continuously. */
function contract(name: string, make: () => RateLimiter) {
  describe(name, () => {
    const limiter = make();
    afterAll(() => limiter.close());
    const key = () => `test:${randomBase62(10)}`;

    it("admits up to the limit, then refuses with the wait until one more fits", async () => {
      const k = key();
      const t = 1_000_000;
      for (let i = 0; i < 3; i++) expect((await limiter.take(k, 3, 1, t)).allowed).toBe(true);
      const refused = await limiter.take(k, 3, 1, t);
      expect(refused).toMatchObject({ allowed: false, limit: 3, remaining: 0 });
      // One request per 20 s refills at a limit of 3 per minute.
      expect(refused.retryAfterMs).toBe(20_000);
      expect(refused.resetMs).toBe(60_000);
      expect((await limiter.take(k, 3, 1, t + 20_000)).allowed).toBe(true);
    });

    it("takes token costs all or nothing, and charges afterwards even below zero", async () => {
      const k = key();
      const t = 5_000_000;
      expect((await limiter.take(k, 1000, 600, t)).remaining).toBe(400);
      expect((await limiter.take(k, 1000, 600, t)).allowed).toBe(false);
      await limiter.charge(k, 1000, 900, t);
      const after = await limiter.take(k, 1000, 1, t);
      expect(after.allowed).toBe(false);
      // 500 below zero: 501 tokens to refill at 1000/min before one more fits.
      expect(after.retryAfterMs).toBe(Math.ceil(501 * 60));
    });
  });
}

contract("memory rate limiter", () => createMemoryRateLimiter());

// Redis is one of the services on the machines this project runs on (see .ci/run).
const redisUrl = process.env.TEST_REDIS_URL;
if (redisUrl) {
  contract("redis rate limiter", () => createRedisRateLimiter(new Redis(redisUrl), `cc:test:${randomBase62(6)}:`));

  it("replicas sharing Redis share one bucket", async () => {
    const prefix = `cc:test:${randomBase62(6)}:`;
    const a = createRedisRateLimiter(new Redis(redisUrl), prefix);
    const b = createRedisRateLimiter(new Redis(redisUrl), prefix);
    try {
      const t = 9_000_000;
      expect((await a.take("shared", 2, 1, t)).allowed).toBe(true);
      expect((await b.take("shared", 2, 1, t)).allowed).toBe(true);
      expect((await a.take("shared", 2, 1, t)).allowed).toBe(false);
      expect((await b.take("shared", 2, 1, t)).allowed).toBe(false);
    } finally {
      await a.close();
      await b.close();
    }
  });
}

it("formats reset durations like OpenAI's headers", () => {
  expect(formatResetDuration(1500)).toBe("1.5s");
  expect(formatResetDuration(360_000)).toBe("6m0s");
  expect(formatResetDuration(0)).toBe("0s");
});
