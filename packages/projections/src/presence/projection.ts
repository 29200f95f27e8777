/**
 * The presence projection: one rm_presence row per distinct presence fact (both presence kinds), keyed by
 * (extension, sequence, content). The timeline is built at query time by the domain's `presenceTimeline`,
 * which orders by sequence, so late or repeated facts need no special handling here.
 */
import { canonicalJson, presenceUpdate } from '@callstate/domain'
import type { Projection } from '../projection.js'
import { isoTime } from '../time.js'

/** Bump when the fact shape changes. */
export const PRESENCE_VERSION = 1

/** The sequence column of a fact with none: a NULL would make every such row distinct under the primary key. */
export const NO_SEQUENCE = -1

export const presenceProjection = (
  options: { readonly version?: number; readonly owns?: (stream: string) => boolean } = {}
): Projection => ({
  name: 'presence',
  version: options.version ?? PRESENCE_VERSION,
  apply: (tx, events) => {
    const owns = options.owns ?? (() => true)
    for (const e of events) {
      if (e.kind !== 'notification') continue
      const n = e.notification
      if (n.kind !== 'presence' && n.kind !== 'detailed-presence') continue
      // A parallel-rebuild worker reads other shards' presence for its sessions' ends (sessions projection).
      if (!owns(e.stream)) continue
      tx.addPresence({
        extensionId: n.body.extensionId,
        sequence: n.body.sequence ?? NO_SEQUENCE,
        at: isoTime(n.envelope.timestamp),
        fact: canonicalJson(presenceUpdate(n))
      })
    }
  },
  invalidate: () => undefined
})
