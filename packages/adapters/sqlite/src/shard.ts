/**
 * Streams split into shards for a parallel rebuild: every event of a stream lands in the same shard, so a session's
 * whole history is folded by one worker. FNV-1a over the UTF-16 code units of the stream name: cheap, stable across
 * versions and processes (it decides which worker reads what, never what is stored), and even enough for session
 * ids, which share long prefixes and suffixes.
 */
export interface Shard {
  /** 0 <= index < count. */
  readonly index: number
  readonly count: number
}

export const shardOf = (stream: string, count: number): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < stream.length; i++) {
    h ^= stream.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return (h >>> 0) % count
}

export const isShard = (shard: Shard): boolean =>
  Number.isSafeInteger(shard.count) &&
  shard.count >= 1 &&
  Number.isSafeInteger(shard.index) &&
  shard.index >= 0 &&
  shard.index < shard.count
