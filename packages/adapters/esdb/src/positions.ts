/**
 * Positions: the port's `Position` is the `$all` COMMIT position of an event.
 *
 * EventStoreDB gives the events of one append call one commit position (one implicit transaction; they
 * differ only in their prepare positions). The port needs a position per event, strictly increasing, so
 * the adapter appends ONE EVENT PER APPEND CALL (./append.ts): every event callstate writes is its own
 * transaction, and its commit position equals its prepare position. So:
 * - `readAll(after)` reads `$all` forwards FROM `{ commit: after, prepare: after }` (a forward read
 *   includes its start, so that is the event at `after` itself) and drops events with commit <= after.
 * - `subscribe(after)` subscribes from the same position (a subscription starts after it) and drops
 *   the same way, so neither depends on how the server treats the start position.
 * Events written by another program with several events per append would share a commit position;
 * this adapter does not support such writers in the callstate database.
 * 0 means "before the first event" and reads from the start. Commit positions are byte offsets in the
 * log: they fit a JS number exactly up to 2^53 (9 PB of log).
 */
import { START, type ReadPosition } from '@eventstore/db-client'
import type { Position } from '@callstate/projections'

export const allFrom = (after: Position): ReadPosition =>
  after === 0 ? START : { commit: BigInt(after), prepare: BigInt(after) }
