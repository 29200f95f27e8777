/**
 * The domain model of a decoded notification: what `decode` (codec/decode.ts) returns after the io-ts
 * codecs have checked the wire shape and normalised it (ids as strings, status-code aliases mapped).
 * Everything here is plain JSON data, so folds over it are serialisable and comparable with deep equality.
 */

/** How the envelope reached us; the stored event keeps the unwrapped envelope either way. */
export type Transport = 'webhook' | 'websocket' | 'pn_apns' | 'pn_gcm'

export type NotificationKind = 'telephony-session' | 'presence' | 'detailed-presence' | 'message-store' | 'unknown'

export interface Envelope {
  readonly uuid: string
  /** The event filter path with real ids, e.g. `/restapi/v1.0/account/~/extension/1/presence`. */
  readonly event: string
  /** Send time (ISO 8601), absent in some documentation samples. */
  readonly timestamp?: string
  readonly subscriptionId?: string
  readonly ownerId?: string
}

/**
 * The party status codes of DOMAIN.md in their canonical (spec) spelling. A code never seen before is kept
 * as received (`StatusCode` is open), never rejected.
 */
export const KNOWN_STATUS_CODES = [
  'Setup',
  'Proceeding',
  'Answered',
  'Hold',
  'Parked',
  'Disconnected',
  'Gone',
  'VoiceMail',
  'VoiceMailScreening',
  'FaxReceive'
] as const
export type KnownStatusCode = (typeof KNOWN_STATUS_CODES)[number]
export type StatusCode = KnownStatusCode | (string & {})

export interface PeerId {
  readonly sessionId?: string
  readonly telephonySessionId?: string
  readonly partyId?: string
}

export interface PartyStatus {
  /** Canonical spelling (`Voicemail` -> `VoiceMail`, `VMScreening` -> `VoiceMailScreening`); unknown codes as received. */
  readonly code: StatusCode
  readonly reason?: string
  readonly description?: string
  readonly parkData?: string
  readonly peerId?: PeerId
  /** Present when the user answers on desktop/mobile apps (added by the decoder: real payloads carry it). */
  readonly mobilePickupData?: MobilePickupData
}

export interface MobilePickupData {
  /** Extension ids that may pick the call up; the wire sends an array or a comma-separated string. */
  readonly ccMailboxes?: ReadonlyArray<string>
  readonly to?: string
  readonly sid?: string
  readonly srvLvl?: string
  readonly srvLvlExt?: string
}

export interface Endpoint {
  readonly phoneNumber?: string
  readonly name?: string
  readonly extensionId?: string
  readonly deviceId?: string
}

export interface Party {
  readonly id: string
  readonly accountId?: string
  readonly extensionId?: string
  /** `Inbound` / `Outbound` as received (kept open: real data is not always in the spec's list). */
  readonly direction?: string
  readonly from?: Endpoint
  readonly to?: Endpoint
  readonly status: PartyStatus
  readonly missedCall?: boolean
  readonly standAlone?: boolean
  readonly muted?: boolean
  readonly queueCall?: boolean
  readonly conferenceRole?: string
  /** RingOut: `Initiator` or `Target`. */
  readonly ringOutRole?: string
  /** `park.id` where a parked call sits. */
  readonly parkId?: string
  /** The call queue's name, from `uiCallInfo` (`{type: "QueueName", value}`), on the legs of a queue call. */
  readonly queueName?: string
}

export interface TelephonySessionBody {
  readonly sequence: number
  readonly telephonySessionId: string
  readonly sessionId?: string
  readonly serverId?: string
  /** The time of this event (ISO 8601); when the body has none the decoder falls back to the envelope timestamp. */
  readonly eventTime?: string
  /** `origin.type`: Call, RingOut, RingMe, Conference, ... */
  readonly origin?: string
  readonly accountId?: string
  readonly extensionId?: string
  readonly parties: ReadonlyArray<Party>
}

export interface PresenceBody {
  readonly extensionId: string
  readonly sequence?: number
  readonly telephonyStatus?: string
  readonly presenceStatus?: string
  readonly userStatus?: string
  readonly dndStatus?: string
  readonly meetingStatus?: string
  readonly allowSeeMyPresence?: boolean
  readonly ringOnMonitoredCall?: boolean
  readonly pickUpCallsOnHold?: boolean
}

export interface ActiveCall {
  readonly id: string
  readonly direction?: string
  readonly queueCall?: boolean
  readonly from?: string
  readonly fromName?: string
  readonly to?: string
  readonly toName?: string
  readonly startTime?: string
  readonly telephonyStatus?: string
  readonly terminationType?: string
  readonly sessionId?: string
  readonly telephonySessionId?: string
  readonly partyId?: string
  readonly onBehalfOf?: string
}

export interface DetailedPresenceBody extends PresenceBody {
  readonly activeCalls: ReadonlyArray<ActiveCall>
  readonly totalActiveCalls?: number
}

export interface MessageChange {
  /** VoiceMail | Fax | SMS | Pager, or anything newer, kept as received. */
  readonly type: string
  readonly newCount: number
  readonly updatedCount: number
}

export interface MessageStoreBody {
  readonly extensionId: string
  readonly lastUpdated?: string
  readonly changes: ReadonlyArray<MessageChange>
}

export type Notification =
  | { readonly kind: 'telephony-session'; readonly envelope: Envelope; readonly body: TelephonySessionBody }
  | { readonly kind: 'presence'; readonly envelope: Envelope; readonly body: PresenceBody }
  | { readonly kind: 'detailed-presence'; readonly envelope: Envelope; readonly body: DetailedPresenceBody }
  | { readonly kind: 'message-store'; readonly envelope: Envelope; readonly body: MessageStoreBody }
  | { readonly kind: 'unknown'; readonly envelope: Envelope; readonly body: unknown }

export type TelephonySessionNotification = Extract<Notification, { kind: 'telephony-session' }>
export type PresenceNotification = Extract<Notification, { kind: 'presence' | 'detailed-presence' }>
export type MessageStoreNotification = Extract<Notification, { kind: 'message-store' }>

/** One problem found by the decoder: `path` like `body.parties[0].status`, `reason` like `required, missing`. */
export interface DecodeProblem {
  readonly path: string
  readonly reason: string
}

export interface DecodeFailure {
  readonly _tag: 'DecodeFailure'
  readonly problems: ReadonlyArray<DecodeProblem>
}

/** What `decode` returns on success: the notification, how it was wrapped, and the unwrapped envelope JSON value. */
export interface Decoded {
  readonly notification: Notification
  readonly transport: Transport
  /** The envelope as a plain JSON value, unwrapped from its transport (what the log stores and hashes). */
  readonly envelope: unknown
}
