/**
 * The data of the two quarantine facts, as codecs: they are written by the ingest step and read back by
 * `callstate quarantine` and the retry, and what is read from the store is decoded, never cast.
 */
import * as t from 'io-ts'

export const QuarantineReason = t.keyof(
  { 'not-json': null, 'not-a-notification': null, 'decode-failed': null, conflict: null },
  'QuarantineReason'
)
export type QuarantineReason = t.TypeOf<typeof QuarantineReason>

export const QuarantineSource = t.keyof(
  { webhook: null, 'import-file': null, stdin: null, 'quarantine-retry': null, simulator: null },
  'Source'
)

/** `NotificationQuarantined`: input kept with the reason it could not be logged as a notification. */
export const QuarantinedData = t.intersection(
  [
    t.type({
      reason: QuarantineReason,
      /** Decoder problems as `path: reason` lines, or the JSON parse error, or the conflict explained. */
      reasons: t.array(t.string),
      /** The input text exactly as received. */
      raw: t.string,
      source: QuarantineSource,
      sourceRef: t.string
    }),
    t.partial({
      /** conflict: the notification uuid both versions carry. */
      uuid: t.string,
      /** conflict: hash of this version's canonical envelope. */
      contentHash: t.string,
      /** conflict: hash of the version already in the log, and that event's id. */
      existingContentHash: t.string,
      existingEventId: t.string
    })
  ],
  'NotificationQuarantined'
)
export type QuarantinedData = t.TypeOf<typeof QuarantinedData>

/** `QuarantineResolved`: a quarantined input that now reached the log (or was found there already). */
export const ResolvedData = t.type(
  {
    /** Id of the `NotificationQuarantined` event this resolves. */
    quarantineId: t.string,
    outcome: t.keyof({ appended: null, duplicate: null }),
    /** The notification event the input became, and its stream. */
    eventId: t.string,
    stream: t.string
  },
  'QuarantineResolved'
)
export type ResolvedData = t.TypeOf<typeof ResolvedData>
