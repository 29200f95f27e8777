/**
 * Events another program wrote into the database (a stream that is not callstate's, or a callstate-looking
 * stream with an event callstate cannot decode) are skipped by every read, never a stop: one such event used to
 * make every query fail. They are counted here, once each (by stream and revision; a read that passes them again,
 * as a catch-up followed by a subscription does, does not count them twice), with the reasons of the last few,
 * for `/health` and `/metrics` through the port's `diagnostics`. System events (`$`-prefixed) are EventStoreDB's
 * own and are not counted.
 */
import type { StoreDiagnostics } from '@callstate/projections'

/** How many counted events are remembered to count each once; past that an event read again may count again. */
const REMEMBERED = 10_000
const RECENT = 5
/** A reason is a line in `/health`, not a dump of the event. */
const REASON_CHARS = 300

export class ForeignTally {
  private skipped = 0
  private readonly recent: string[] = []
  private readonly counted = new Set<string>()

  /** An event that did not decode, with the decoder's reason. */
  note(record: { readonly streamId: string; readonly revision: bigint }, reason: string): void {
    const key = `${record.streamId}@${record.revision}`
    if (this.counted.has(key)) return
    this.counted.add(key)
    if (this.counted.size > REMEMBERED) {
      const oldest = this.counted.values().next()
      if (!oldest.done) this.counted.delete(oldest.value)
    }
    this.skipped += 1
    this.recent.push(reason.length > REASON_CHARS ? `${reason.slice(0, REASON_CHARS)}...` : reason)
    if (this.recent.length > RECENT) this.recent.shift()
  }

  snapshot(): StoreDiagnostics {
    return { foreignSkipped: this.skipped, recentForeign: [...this.recent] }
  }
}
