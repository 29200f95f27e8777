/**
 * The messages projection: one rm_messages row per change of a message-store notification (voicemail, fax,
 * SMS, pager counts per extension, at the envelope timestamp). Keyed by (event id, type), so applying an
 * event twice writes nothing new.
 */
import type { Projection } from '../projection.js'
import { isoTime } from '../time.js'

/** Bump when the rows change shape or meaning. */
export const MESSAGES_VERSION = 1

export const messagesProjection = (options: { readonly version?: number } = {}): Projection => ({
  name: 'messages',
  version: options.version ?? MESSAGES_VERSION,
  apply: (tx, events) => {
    for (const e of events) {
      if (e.kind !== 'notification' || e.notification.kind !== 'message-store') continue
      const { body, envelope } = e.notification
      const at = isoTime(envelope.timestamp ?? body.lastUpdated)
      for (const change of body.changes)
        tx.addMessage({
          extensionId: body.extensionId,
          at,
          type: change.type,
          newCount: change.newCount,
          updatedCount: change.updatedCount,
          eventId: e.id
        })
    }
  },
  invalidate: () => undefined
})
