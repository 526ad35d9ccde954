/**
 * `--shard K/N`: split the servers of one run over N CI jobs. Pure.
 */
import type { ShardInfo } from "../core/report.js";

/** Most jobs a run is split over (past 2^53 the numbers would not even be exact). */
const MAX_SHARDS = 10_000;

/** Parses `K/N` (1 ≤ K ≤ N ≤ 10,000); a message when malformed. */
export function parseShard(text: string): ShardInfo | string {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!match) return `expected K/N, e.g. 1/4, got "${text}"`;
  const index = Number(match[1]);
  const total = Number(match[2]);
  if (total > MAX_SHARDS) return `expected N from 1 to ${MAX_SHARDS}, got "${text}"`;
  if (total < 1 || index < 1 || index > total) return `expected 1 ≤ K ≤ N, got "${text}"`;
  return { index, total };
}

/**
 * The servers shard `index/total` takes: every Nth server of the sorted
 * names, starting at the Kth. Sorting makes the split independent of config
 * order, so every job of a matrix agrees on it.
 */
export function selectShard(servers: readonly string[], shard: ShardInfo): string[] {
  return [...servers].sort().filter((_, i) => i % shard.total === shard.index - 1);
}

/**
 * Whether a finding belongs to a shard: findings about a server go with that
 * server; findings about no server (server "") go with shard 1 only, so a
 * merge counts them once.
 */
export function inShard(server: string, shardServers: ReadonlySet<string>, shard: ShardInfo): boolean {
  return server === "" ? shard.index === 1 : shardServers.has(server);
}
