-- What is busy on one host over one window, read from the index alone: the purchase and launch
-- paths probe a handful of hosts this way. The EXCLUDE constraint's GiST index answers the same
-- question, but at ~15 pages per probe against 1-2 here (bench:capacity).
CREATE INDEX "allocations_host_end_idx" ON "allocations" USING btree ("host_id", (coalesce("ends_at", 'infinity'::timestamptz))) INCLUDE ("starts_at", "ends_at", "slot");
