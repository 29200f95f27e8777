import type { MessageChange, MessageStoreBody } from './notification.js'

/**
 * Message counts per extension from message-store notifications. A count is the number of NEW messages announced
 * (the sum of `newCount`), per message type; `updatedCount` (messages changed: read, deleted, ...) is not a new
 * message and is not counted. Counts only add up, so the fold is order-independent; it is NOT idempotent: a
 * notification delivered twice must be deduplicated by uuid before it reaches the fold (the event log does that).
 * The message store has no link to a call: a voicemail after a missed call is matched by extension and time.
 */
export const MESSAGE_TYPES = ['VoiceMail', 'Fax', 'SMS', 'Pager'] as const

/** New messages per type: the four known types always present, any newer type added as received. */
export type MessageCounts = Readonly<Record<string, number>>

export const emptyCounts: MessageCounts = { VoiceMail: 0, Fax: 0, SMS: 0, Pager: 0 }

/** Known types compared case-insensitively (`Voicemail` counts as VoiceMail); others kept as received. */
const typeName = (type: string): string => MESSAGE_TYPES.find((t) => t.toLowerCase() === type.toLowerCase()) ?? type

export const addCounts = (a: MessageCounts, b: MessageCounts): MessageCounts => {
  const sum: Record<string, number> = { ...a }
  for (const [type, n] of Object.entries(b)) sum[type] = (sum[type] ?? 0) + n
  return sum
}

/** The new messages announced by one notification's changes. */
export const messageCounts = (changes: ReadonlyArray<MessageChange>): MessageCounts =>
  changes.reduce<MessageCounts>((counts, c) => addCounts(counts, { [typeName(c.type)]: c.newCount }), emptyCounts)

export interface ExtensionMessages {
  readonly extensionId: string
  readonly counts: MessageCounts
  /** The latest `lastUpdated` seen (as received), null when none carried one. */
  readonly lastUpdated: string | null
}

/** The tally of all extensions, keyed by extension id. */
export type MessageTally = Readonly<Record<string, ExtensionMessages>>

const later = (a: string | null, b: string | undefined): string | null => {
  if (b === undefined) return a
  if (a === null) return b
  // Unparseable times sort first, ties by text: a total order, so arrival order cannot matter.
  const ms = (text: string): number => (Number.isFinite(Date.parse(text)) ? Date.parse(text) : -Infinity)
  return ms(b) > ms(a) || (ms(b) === ms(a) && b > a) ? b : a
}

export const evolveMessages = (tally: MessageTally, body: MessageStoreBody): MessageTally => {
  const current = tally[body.extensionId]
  return {
    ...tally,
    [body.extensionId]: {
      extensionId: body.extensionId,
      counts: addCounts(current?.counts ?? emptyCounts, messageCounts(body.changes)),
      lastUpdated: later(current?.lastUpdated ?? null, body.lastUpdated)
    }
  }
}

export const foldMessages = (bodies: ReadonlyArray<MessageStoreBody>): MessageTally =>
  bodies.reduce<MessageTally>(evolveMessages, {})
