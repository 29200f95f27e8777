/**
 * The log's vocabulary, as io-ts codecs: what a stored event's type, source and metadata can be, and the data of the
 * two quarantine facts. Codec and type share a name. Every adapter that reads events back from outside the process
 * (the SQLite rows, EventStoreDB records, the import's worker messages, the quarantine stream) checks them with
 * these codecs, so a value added here is known everywhere at once.
 */
import * as t from 'io-ts'

/** What a stored event is: the kind of notification, or a quarantine fact. */
export const EventType = t.keyof(
  {
    TelephonySessionNotification: null,
    PresenceNotification: null,
    DetailedPresenceNotification: null,
    MessageStoreNotification: null,
    UnknownNotification: null,
    NotificationQuarantined: null,
    QuarantineResolved: null,
    ReconciliationObserved: null
  },
  'EventType'
)
export type EventType = t.TypeOf<typeof EventType>

/** How a notification reached callstate. */
export const Source = t.keyof(
  {
    webhook: null,
    websocket: null,
    'import-file': null,
    stdin: null,
    'quarantine-retry': null,
    simulator: null,
    reconciliation: null
  },
  'Source'
)
export type Source = t.TypeOf<typeof Source>

export const EventMetadata = t.readonly(
  t.intersection([
    t.type({
      /** When callstate received it (ISO 8601 UTC). For imported history this is the import time. */
      receivedAt: t.string,
      source: Source,
      /** sha256 (hex) of the canonical JSON of the unwrapped envelope (quarantine: of the raw input). */
      contentHash: t.string
    }),
    t.partial({
      /** Where exactly: `file.ndjson:12`, `POST /webhook from 127.0.0.1`, ... */
      sourceRef: t.string,
      /** webhook | websocket | pn_apns | pn_gcm, when known. */
      transport: t.string,
      /** The notification uuid as received (event ids are UUIDv5 of it). */
      uuid: t.string,
      /**
       * The notification's own time (its envelope `timestamp`) as a canonical ISO 8601 UTC instant
       * (`occurredAtOf`), when it has a valid one. Every copy of one notification carries the same, so the embedded
       * log keys its duplicate check on (occurredAt, id): new notifications land at the end of that index.
       */
      occurredAt: t.string
    })
  ]),
  'EventMetadata'
)
export type EventMetadata = t.TypeOf<typeof EventMetadata>

export const NewEvent = t.readonly(
  t.type({
    /** Deterministic UUID (v5): of the notification uuid, or of the content hash for quarantine entries. */
    id: t.string,
    type: EventType,
    /** The payload as a JSON text: the envelope as received for notifications. */
    data: t.string,
    metadata: EventMetadata
  }),
  'NewEvent'
)
export type NewEvent = t.TypeOf<typeof NewEvent>

export const QuarantineReason = t.keyof(
  { 'not-json': null, 'not-a-notification': null, 'decode-failed': null, conflict: null },
  'QuarantineReason'
)
export type QuarantineReason = t.TypeOf<typeof QuarantineReason>

/** `NotificationQuarantined`: input kept with the reason it could not be logged as a notification. */
export const QuarantinedData = t.intersection(
  [
    t.type({
      reason: QuarantineReason,
      /** Decoder problems as `path: reason` lines, or the JSON parse error, or the conflict explained. */
      reasons: t.array(t.string),
      /** The input text exactly as received. */
      raw: t.string,
      source: Source,
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

/**
 * `ReconciliationObserved`, in a session's stream: what the RingCentral connector learned by asking the platform
 * about a session whose end never arrived (the telephony session REST call), with the request and the answer as
 * received, so the audit shows where the fact came from. `gone` (404: the platform no longer knows the session) ends
 * the parties still live, as of `askedAt`; `live` records that it was still known.
 */
export const ReconciliationData = t.intersection(
  [
    t.type({
      telephonySessionId: t.string,
      /** When the platform was asked (ISO 8601 UTC). */
      askedAt: t.string,
      conclusion: t.keyof({ gone: null, live: null }),
      /** `GET <path>` as sent. */
      request: t.string,
      /** The HTTP status of the answer. */
      status: t.number,
      /** The answer's body as received (JSON), or null. */
      answer: t.unknown
    }),
    t.partial({
      /** The session's last event time the read models had when the platform was asked. */
      lastEventAt: t.string,
      /** When the parties still live are taken to have ended (absent: `askedAt`); see the domain's rule. */
      endAt: t.string
    })
  ],
  'ReconciliationObserved'
)
export type ReconciliationData = t.TypeOf<typeof ReconciliationData>

/**
 * The canonical form of a notification's `timestamp` for `EventMetadata.occurredAt`: the same instant written by
 * `Date.toISOString`, so two spellings of one instant give one key; undefined for anything that is not a time.
 */
export const occurredAtOf = (timestamp: unknown): string | undefined => {
  if (typeof timestamp !== 'string') return undefined
  const ms = Date.parse(timestamp)
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined
}
