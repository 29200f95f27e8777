/**
 * A call script: what the simulator decided happens in one telephony session, as a time-ordered list of
 * party status changes. Notifications are rendered from it and the ground truth is computed from it,
 * independently of callstate's own fold.
 */
import type { Rng } from './prng.js'

export interface SimEndpoint {
  readonly phoneNumber: string
  readonly name?: string
  readonly extensionId?: string
  readonly deviceId?: string
}

export interface SimParty {
  readonly id: string
  /** Absent for PSTN parties: those are delivered on the account-level path only. */
  readonly extensionId?: string
  readonly direction: 'Inbound' | 'Outbound'
  readonly from: SimEndpoint
  readonly to: SimEndpoint
  readonly queueCall?: boolean
  readonly queueName?: string
  readonly ringOutRole?: 'Initiator' | 'Target'
  readonly conferenceRole?: 'Host' | 'Participant'
  /** Set on the party whose unanswered call counts as missed (missed call, voicemail). */
  readonly missed?: boolean
}

export interface SimPeer {
  readonly sessionId: string
  readonly telephonySessionId: string
  readonly partyId: string
}

export interface SimStep {
  readonly at: number
  readonly sequence: number
  readonly party: SimParty
  readonly code: string
  readonly reason?: string
  readonly peerId?: SimPeer
  readonly parkData?: string
  /** The platform never delivers this telephony event (its detailed presence may still follow it). */
  readonly lost?: boolean
  /**
   * The envelope time of the detailed presence this step triggers, when the script fixes it: the truth of a call
   * whose end only presence tells (`lost` ends) depends on it. Otherwise presence follows after a random delay.
   */
  readonly presenceAt?: number
}

export interface SimSession {
  readonly scenario: ScenarioName
  readonly telephonySessionId: string
  readonly sessionId: string
  readonly serverId: string
  readonly origin: 'Call' | 'RingOut' | 'Conference'
  readonly parties: ReadonlyArray<SimParty>
  readonly steps: ReadonlyArray<SimStep>
  /** Voicemails left in this session: a message-store notification follows for the extension. */
  readonly voicemails: ReadonlyArray<{ readonly extensionId: string; readonly at: number }>
}

export const SCENARIOS = [
  'inbound-answered',
  'inbound-missed',
  'inbound-voicemail',
  'outbound-pstn',
  'internal',
  'hold-unhold',
  'blind-transfer',
  'attended-transfer',
  'park-pickup',
  'conference-merge',
  'call-queue',
  'ringout',
  'call-switch',
  'presence-closed',
  'unending'
] as const
export type ScenarioName = (typeof SCENARIOS)[number]

type Draft = Omit<SimStep, 'sequence'>

/** Builds one session: declare parties, add steps in any order, then `build()` sorts and numbers them. */
export class SessionBuilder {
  readonly telephonySessionId: string
  readonly sessionId: string
  private readonly hexId: string
  private readonly parties: SimParty[] = []
  private readonly drafts: Draft[] = []
  private readonly voicemails: Array<{ extensionId: string; at: number }> = []

  constructor(
    rng: Rng,
    private readonly scenario: ScenarioName,
    private readonly origin: SimSession['origin'] = 'Call',
    sessionId?: string
  ) {
    // Shaped like real ids: `s-a0d17930c96bdz18b67acb764z37759330000`.
    this.hexId = `a${rng.hex(12)}z${rng.hex(11)}z${rng.hex(8)}0000`
    this.telephonySessionId = `s-${this.hexId}`
    this.sessionId = sessionId ?? String(rng.int(100_000_000, 999_999_999) * 1000 + 16)
    this.serverId = `10.13.${rng.int(20, 23)}.${rng.int(10, 250)}.TAM`
  }

  readonly serverId: string

  party(spec: Omit<SimParty, 'id'>): SimParty {
    const party = { ...spec, id: `p-${this.hexId}-${this.parties.length + 1}` }
    this.parties.push(party)
    return party
  }

  step(
    at: number,
    party: SimParty,
    code: string,
    extra: Partial<Pick<SimStep, 'reason' | 'peerId' | 'parkData' | 'lost' | 'presenceAt'>> = {}
  ): this {
    this.drafts.push({ at: Math.round(at), party, code, ...extra })
    return this
  }

  peer(party: SimParty): SimPeer {
    return { sessionId: this.sessionId, telephonySessionId: this.telephonySessionId, partyId: party.id }
  }

  voicemail(extensionId: string, at: number): this {
    this.voicemails.push({ extensionId, at: Math.round(at) })
    return this
  }

  build(): SimSession {
    // Stable sort by time, then force strictly increasing times so the sequence order and the time order agree.
    const sorted = this.drafts.map((d, i) => ({ d, i })).sort((a, b) => a.d.at - b.d.at || a.i - b.i)
    let last = -Infinity
    const steps = sorted.map(({ d }, i) => {
      const at = Math.max(d.at, last + 1)
      last = at
      // Presence cannot tell an end before it happened.
      const presenceAt = d.presenceAt === undefined ? {} : { presenceAt: Math.max(Math.round(d.presenceAt), at) }
      return { ...d, at, ...presenceAt, sequence: i + 2 }
    })
    return {
      scenario: this.scenario,
      telephonySessionId: this.telephonySessionId,
      sessionId: this.sessionId,
      serverId: this.serverId,
      origin: this.origin,
      parties: this.parties,
      steps,
      voicemails: this.voicemails
    }
  }
}
