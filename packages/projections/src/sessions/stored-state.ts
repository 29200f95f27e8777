/**
 * Reading a SessionState back from `rm_sessions.state` (canonicalJson of the state). The text comes from our
 * own store, but it is still data from outside the process (a file that may be older than this code), so it is
 * checked with io-ts rather than cast. Members this codec does not name are kept as they are (io-ts `type`
 * does not strip), so a state round-trips unchanged.
 */
import * as t from 'io-ts'
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import type { SessionState } from '@callstate/domain'

const Str = t.string
const StrOrNull = t.union([t.string, t.null])

const Endpoint = t.partial({ phoneNumber: Str, name: Str, extensionId: Str, deviceId: Str }, 'Endpoint')

const PeerId = t.partial({ sessionId: Str, telephonySessionId: Str, partyId: Str }, 'PeerId')

const MobilePickupData = t.partial(
  { ccMailboxes: t.array(Str), to: Str, sid: Str, srvLvl: Str, srvLvlExt: Str },
  'MobilePickupData'
)

const PartyStatus = t.intersection(
  [
    t.type({ code: Str }),
    t.partial({ reason: Str, description: Str, parkData: Str, peerId: PeerId, mobilePickupData: MobilePickupData })
  ],
  'PartyStatus'
)

const Party = t.intersection(
  [
    t.type({ id: Str, status: PartyStatus }),
    t.partial({
      accountId: Str,
      extensionId: Str,
      direction: Str,
      from: Endpoint,
      to: Endpoint,
      missedCall: t.boolean,
      standAlone: t.boolean,
      muted: t.boolean,
      queueCall: t.boolean,
      conferenceRole: Str,
      ringOutRole: Str,
      parkId: Str
    })
  ],
  'Party'
)

const PartyUpdate = t.type({ sequence: t.number, eventTime: Str, party: Party }, 'PartyUpdate')

const HistoryEntry = t.type({ status: Str, reason: StrOrNull, at: Str, sequence: t.number }, 'HistoryEntry')

const Outcome = t.keyof(
  {
    missed: null,
    voicemail: null,
    cancelled: null,
    parked: null,
    'hung-up-on-hold': null,
    completed: null,
    transferred: null,
    merged: null,
    'in-progress': null
  },
  'Outcome'
)

const LiveStatus = t.keyof(
  { ringing: null, active: null, 'on-hold': null, parked: null, voicemail: null, ended: null },
  'LiveStatus'
)

const PartyState = t.type(
  {
    id: Str,
    extensionId: StrOrNull,
    direction: StrOrNull,
    from: t.union([Endpoint, t.null]),
    to: t.union([Endpoint, t.null]),
    status: Str,
    reason: StrOrNull,
    queueCall: t.boolean,
    ringOutRole: StrOrNull,
    history: t.array(HistoryEntry),
    metrics: t.type({ ringMs: t.number, talkMs: t.number, holdMs: t.number }),
    outcome: Outcome,
    ended: t.boolean
  },
  'PartyState'
)

const Anomaly = t.union(
  [
    t.type({
      kind: t.literal('illegal-transition'),
      partyId: Str,
      from: Str,
      to: Str,
      sequence: t.number
    }),
    t.type({ kind: t.literal('unknown-status'), partyId: Str, status: Str, sequence: t.number }),
    t.type({ kind: t.literal('conflicting-update'), partyId: Str, sequence: t.number }),
    t.type({ kind: t.literal('missing-event-time'), partyId: Str, sequence: t.number })
  ],
  'Anomaly'
)

const Link = t.type(
  {
    partyId: Str,
    telephonySessionId: StrOrNull,
    sessionId: StrOrNull,
    peerPartyId: StrOrNull,
    reason: StrOrNull
  },
  'Link'
)

export const StoredSessionState = t.type(
  {
    telephonySessionId: Str,
    sessionId: StrOrNull,
    origin: StrOrNull,
    updates: t.array(PartyUpdate),
    status: LiveStatus,
    startedAt: StrOrNull,
    endedAt: StrOrNull,
    lastEventAt: StrOrNull,
    parties: t.array(PartyState),
    gaps: t.array(t.type({ from: t.number, to: t.number })),
    anomalies: t.array(Anomaly),
    links: t.array(Link)
  },
  'SessionState'
)

/** Compile-time check that the codec's type is a SessionState (fails to build if the domain type drifts). */
const asState = (s: t.TypeOf<typeof StoredSessionState>): SessionState => s

export interface CorruptState {
  readonly _tag: 'CorruptState'
  readonly telephonySessionId: string
  readonly reason: string
}

const describe = (errors: t.Errors): string =>
  errors
    .slice(0, 3)
    .map((e) =>
      e.context
        .map((c) => c.key)
        .filter((k) => k !== '')
        .join('.')
    )
    .join('; ')

export const parseStoredState = (telephonySessionId: string, text: string): E.Either<CorruptState, SessionState> =>
  pipe(
    E.tryCatch(
      (): unknown => JSON.parse(text),
      (e) => ({ _tag: 'CorruptState' as const, telephonySessionId, reason: `not JSON: ${String(e)}` })
    ),
    E.flatMap((json) =>
      pipe(
        StoredSessionState.decode(json),
        E.bimap(
          (errors): CorruptState => ({
            _tag: 'CorruptState',
            telephonySessionId,
            reason: `state does not fit at ${describe(errors)}`
          }),
          asState
        )
      )
    )
  )
