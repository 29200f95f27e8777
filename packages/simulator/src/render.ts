/**
 * Renders script steps as the notifications the platform sends: telephony session events (one party per
 * event, on the extension-level path for RC parties, the account-level path for PSTN parties, some RC
 * party events on both), detailed presence for the extensions involved, and message-store after a
 * voicemail. Field order and shapes follow captures 01-03, 06, 09 and 11.
 */
import type { Directory } from './directory.js'
import type { Rng } from './prng.js'
import { numericUuid } from './prng.js'
import type { SimParty, SimSession, SimStep } from './script.js'

export interface WireEnvelope {
  readonly uuid: string
  readonly event: string
  readonly timestamp: string
  readonly subscriptionId: string
  readonly ownerId: string
  readonly body: Readonly<Record<string, unknown>>
}

export interface WireParty extends Readonly<Record<string, unknown>> {
  readonly id: string
  readonly status: Readonly<Record<string, unknown>>
}

export interface TelephonyEnvelope extends WireEnvelope {
  readonly body: { readonly telephonySessionId: string; readonly parties: ReadonlyArray<WireParty> } & Readonly<
    Record<string, unknown>
  >
}

export type WireNotification =
  | { readonly kind: 'telephony-session'; readonly envelope: TelephonyEnvelope }
  | { readonly kind: 'presence' | 'message-store'; readonly envelope: WireEnvelope }

/** Share of RC-party events the account-level subscription also delivers: one update under two uuids. */
const BOTH_PATHS_SHARE = 0.08

const iso = (ms: number): string => new Date(ms).toISOString()
/** message-store `lastUpdated` uses `+0000`, not `Z` (capture 09). */
const isoOffset = (ms: number): string => iso(ms).replace('Z', '+0000')

/** FNV-1a, for ids that must be stable per party without consuming randomness. */
export const fnv = (text: string, seed = 0x811c9dc5): number => {
  let h = seed >>> 0
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0
  return h
}
const hex32 = (text: string): string =>
  [1, 2, 3, 4]
    .map((k) =>
      fnv(text, 0x811c9dc5 + k)
        .toString(16)
        .padStart(8, '0')
    )
    .join('')

export class Renderer {
  private readonly presenceSeq = new Map<string, number>()
  /** Last telephonyStatus published per party, so presence only speaks when it changes. */
  private readonly presenceOf = new Map<string, string>()

  constructor(
    private readonly rng: Rng,
    private readonly dir: Directory
  ) {}

  /** `sentAt`: the send time when the script fixed it; otherwise a short delivery delay after `at`. */
  private envelope(event: string, at: number, body: Record<string, unknown>, sentAt?: number): WireEnvelope {
    return {
      uuid: numericUuid(this.rng),
      event,
      timestamp: iso(sentAt ?? at + this.rng.int(25, 160)),
      subscriptionId: this.dir.subscriptionId,
      ownerId: this.dir.accountId,
      body
    }
  }

  private party(p: SimParty, step: SimStep): WireParty {
    const status = {
      code: step.code,
      ...(step.reason === undefined ? {} : { reason: step.reason }),
      ...(step.peerId === undefined ? {} : { peerId: step.peerId }),
      ...(step.parkData === undefined ? {} : { parkData: step.parkData }),
      rcc: false
    }
    return {
      accountId: this.dir.accountId,
      ...(p.extensionId === undefined ? {} : { extensionId: p.extensionId }),
      id: p.id,
      direction: p.direction,
      to: p.to,
      from: p.from,
      status,
      ...(p.queueCall ? { queueCall: true } : {}),
      ...(p.ringOutRole === undefined ? {} : { ringOutRole: p.ringOutRole }),
      ...(p.conferenceRole === undefined ? {} : { conferenceRole: p.conferenceRole }),
      park: step.parkData === undefined ? {} : { id: step.parkData.replace('*', '') },
      missedCall: p.missed === true && (step.code === 'Disconnected' || step.code === 'VoiceMail'),
      standAlone: false,
      muted: false,
      ...(p.queueName === undefined
        ? {}
        : {
            uiCallInfo: {
              primary: { type: 'QueueName', value: p.queueName },
              additional: { type: 'CallerIdName', value: p.from.name ?? '' }
            }
          })
    }
  }

  telephony(session: SimSession, step: SimStep): WireNotification[] {
    if (step.lost === true) return []
    const body = {
      sequence: step.sequence,
      sessionId: session.sessionId,
      telephonySessionId: session.telephonySessionId,
      serverId: session.serverId,
      eventTime: iso(step.at),
      parties: [this.party(step.party, step)],
      origin: { type: session.origin }
    }
    const account = `/restapi/v1.0/account/${this.dir.accountId}`
    const accountPath = `${account}/telephony/sessions`
    const ext = step.party.extensionId
    const paths =
      ext === undefined
        ? [accountPath]
        : this.rng.chance(BOTH_PATHS_SHARE)
          ? [`${account}/extension/${ext}/telephony/sessions`, accountPath]
          : [`${account}/extension/${ext}/telephony/sessions`]
    return paths.map((path) => ({
      kind: 'telephony-session',
      envelope: { ...this.envelope(path, step.at, body), body }
    }))
  }

  /** Detailed presence for the step's extension, when its telephony status changes. */
  presence(session: SimSession, step: SimStep): WireNotification[] {
    const p = step.party
    const ext = p.extensionId
    if (ext === undefined) return []
    const status = presenceStatusOf(p, step)
    const previous = this.presenceOf.get(p.id)
    const last = session.steps[session.steps.length - 1] === step
    // The session's last event: forget its parties so memory stays bounded over a long run.
    if (last) for (const q of session.parties) this.presenceOf.delete(q.id)
    if (status === undefined || status === previous || previous === 'NoCall') return []
    if (!last) this.presenceOf.set(p.id, status)
    const final = status === 'NoCall'
    const sequence = (this.presenceSeq.get(ext) ?? 100_000 + (fnv(ext) % 900_000)) + 1
    this.presenceSeq.set(ext, sequence)
    const call = {
      id: hex32(p.id),
      direction: p.direction,
      ...(p.queueCall ? { queueCall: true } : {}),
      from: p.from.phoneNumber,
      ...(p.from.name === undefined ? {} : { fromName: p.from.name }),
      to: p.to.phoneNumber,
      ...(p.to.name === undefined ? {} : { toName: p.to.name }),
      telephonyStatus: status,
      ...(final ? { terminationType: 'final' } : {}),
      sessionId: session.sessionId,
      startTime: iso(session.steps[0]?.at ?? step.at),
      partyId: p.id,
      telephonySessionId: session.telephonySessionId
    }
    const body = {
      extensionId: ext,
      telephonyStatus: status,
      activeCalls: [call],
      sequence,
      presenceStatus: final ? 'Available' : 'Busy',
      userStatus: 'Available',
      dndStatus: 'TakeAllCalls',
      meetingStatus: 'Disconnected',
      allowSeeMyPresence: true,
      ringOnMonitoredCall: false,
      pickUpCallsOnHold: false,
      // Optional counters are omitted when zero.
      ...(final ? {} : { totalActiveCalls: 1 })
    }
    const path = `/restapi/v1.0/account/${this.dir.accountId}/extension/${ext}/presence?detailedTelephonyState=true`
    return [{ kind: 'presence', envelope: this.envelope(path, step.at, body, step.presenceAt) }]
  }

  messageStore(extensionId: string, at: number): WireNotification {
    const body = {
      extensionId,
      lastUpdated: isoOffset(at - this.rng.int(1_000, 8_000)),
      changes: [{ type: 'VoiceMail', newCount: 1, updatedCount: 0 }]
    }
    const path = `/restapi/v1.0/account/${this.dir.accountId}/extension/${extensionId}/message-store`
    return { kind: 'message-store', envelope: this.envelope(path, at, body) }
  }
}

const presenceStatusOf = (p: SimParty, step: SimStep): string | undefined => {
  switch (step.code) {
    case 'Setup':
      // The caller's own phone shows Ringing while dialling (capture 11); an inbound Setup is not ringing yet.
      return p.direction === 'Outbound' && p.conferenceRole === undefined ? 'Ringing' : undefined
    case 'Proceeding':
      return 'Ringing'
    case 'Answered':
      return 'CallConnected'
    case 'Hold':
      return 'OnHold'
    case 'Parked':
      return 'ParkedCall'
    case 'Disconnected':
      // The call moved to another device of the same user: the user is still on the call.
      return step.reason === 'CallSwitch' || step.reason === 'Pickup' ? undefined : 'NoCall'
    case 'VoiceMail':
    case 'Gone':
      return 'NoCall'
    default:
      return undefined
  }
}
