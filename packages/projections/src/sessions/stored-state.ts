/**
 * Writing a SessionState to `rm_sessions.state` and reading it back. The text comes from our own store, but it is
 * still data from outside the process (a file that may be older than this code), so it is checked with io-ts rather
 * than cast. Members this codec does not name are kept as they are (io-ts `type` does not strip).
 */
import * as t from 'io-ts'
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { canonicalJson, deriveSession, factText, type EndFact, type SessionState } from '@callstate/domain'

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
      parkId: Str,
      queueName: Str
    })
  ],
  'Party'
)

const PartyUpdate = t.type({ sequence: t.number, eventTime: Str, party: Party }, 'PartyUpdate')

const EndFact = t.type(
  {
    source: t.keyof({ presence: null, reconciliation: null }),
    eventId: Str,
    at: Str,
    extensionId: StrOrNull,
    partyId: StrOrNull
  },
  'EndFact'
)

/**
 * What `rm_sessions.state` holds: the session's header and its sorted, deduplicated facts. Everything else in a
 * SessionState derives from these (the fold stores nothing else), so the rest is derived when a reader parses it
 * rather than stored: about 40% less text to write, read and digest per save. A state written by the previous
 * version (the whole SessionState) carries the same members, so it reads the same.
 */
export const StoredSessionState = t.intersection(
  [
    t.type({ telephonySessionId: Str, sessionId: StrOrNull, origin: StrOrNull, updates: t.array(PartyUpdate) }),
    // End facts from other streams (presence); absent when there are none.
    t.partial({ ends: t.array(EndFact) })
  ],
  'SessionState'
)

const StoredEnds = t.type({ ends: t.array(EndFact) }, 'StoredEnds')

/** An end fact as stored beside a session's facts (also what a parallel rebuild's workers pass each other). */
export const StoredEndFact = EndFact

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
        // an intersection's members are numbered in the path; the reader wants the field, not the member
        .filter((c, i) => c.key !== '' && !(e.context[i - 1]?.type instanceof t.IntersectionType))
        .map((c) => c.key)
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
          // The facts were stored sorted and deduplicated: deriving from them gives the state that was saved.
          (stored) => deriveSession(stored, stored.updates, stored.ends ?? [])
        )
      )
    )
  )

/**
 * Only the end facts of a stored state, without deriving the session. The stored text is canonical JSON, whose keys
 * are sorted, so `ends` (present only when there are some) is its first key: a text that does not start with it has
 * none, and is not parsed at all (the feed asks this for every notification of a live call).
 */
export const storedEndsOf = (telephonySessionId: string, text: string): E.Either<CorruptState, EndFact[]> => {
  if (!text.startsWith('{"ends":')) return E.right([])
  return pipe(
    E.tryCatch(
      (): unknown => JSON.parse(text),
      (e) => ({ _tag: 'CorruptState' as const, telephonySessionId, reason: `not JSON: ${String(e)}` })
    ),
    E.flatMap((json) =>
      pipe(
        StoredEnds.decode(json),
        E.bimap(
          (errors): CorruptState => ({
            _tag: 'CorruptState',
            telephonySessionId,
            reason: `ends do not fit at ${describe(errors)}`
          }),
          (stored) => stored.ends
        )
      )
    )
  )
}

/**
 * The text stored for a state: canonicalJson of its header and facts, built from each fact's canonical text (see
 * `factText`), so a party is not serialised again for every save of its session.
 */
export const storedStateText = (state: SessionState): string => {
  let facts = ''
  for (const u of state.updates) facts += (facts === '' ? '' : ',') + factText(u)
  return (
    (state.ends.length === 0 ? '{' : `{"ends":${canonicalJson(state.ends)},`) +
    '"origin":' +
    canonicalJson(state.origin) +
    ',"sessionId":' +
    canonicalJson(state.sessionId) +
    ',"telephonySessionId":' +
    canonicalJson(state.telephonySessionId) +
    ',"updates":[' +
    facts +
    ']}'
  )
}
