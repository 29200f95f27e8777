import { canonicalJson } from '../canonical.js'
import type { Endpoint, MobilePickupData, Party, PartyStatus, PeerId, TelephonySessionBody } from '../notification.js'
import type { PartyUpdate } from './types.js'

/**
 * Turning notification bodies into facts, and keeping the facts sorted and deduplicated. A fact is one party as
 * one notification reported it; its identity is (sequence, party id, canonical content), so the same update
 * delivered twice (account-level and extension-level subscriptions, two uuids) is one fact.
 */

// Plain JSON has no `undefined` members: each optional field is set only when present. Written as assignments, not
// conditional spreads: this runs for every party of every notification a rebuild folds, and each spread allocated a
// temporary object. Key order is not part of a fact's identity (stored and compared as canonical JSON); the members
// are set in canonical (sorted) order where the type allows, so canonicalJson finds them in order.
type Writable<T> = { -readonly [K in keyof T]: T[K] }

export const plainEndpoint = (e: Endpoint): Endpoint => {
  const out: Writable<Endpoint> = {}
  if (e.deviceId !== undefined) out.deviceId = e.deviceId
  if (e.extensionId !== undefined) out.extensionId = e.extensionId
  if (e.name !== undefined) out.name = e.name
  if (e.phoneNumber !== undefined) out.phoneNumber = e.phoneNumber
  return out
}

const plainPeerId = (p: PeerId): PeerId => {
  const out: Writable<PeerId> = {}
  if (p.partyId !== undefined) out.partyId = p.partyId
  if (p.sessionId !== undefined) out.sessionId = p.sessionId
  if (p.telephonySessionId !== undefined) out.telephonySessionId = p.telephonySessionId
  return out
}

const plainPickup = (m: MobilePickupData): MobilePickupData => {
  const out: Writable<MobilePickupData> = {}
  if (m.ccMailboxes !== undefined) out.ccMailboxes = [...m.ccMailboxes]
  if (m.sid !== undefined) out.sid = m.sid
  if (m.srvLvl !== undefined) out.srvLvl = m.srvLvl
  if (m.srvLvlExt !== undefined) out.srvLvlExt = m.srvLvlExt
  if (m.to !== undefined) out.to = m.to
  return out
}

const plainStatus = (s: PartyStatus): PartyStatus => {
  const out: Writable<PartyStatus> = { code: s.code }
  if (s.description !== undefined) out.description = s.description
  if (s.mobilePickupData !== undefined) out.mobilePickupData = plainPickup(s.mobilePickupData)
  if (s.parkData !== undefined) out.parkData = s.parkData
  if (s.peerId !== undefined) out.peerId = plainPeerId(s.peerId)
  if (s.reason !== undefined) out.reason = s.reason
  return out
}

/** Only the domain fields of a party, without `undefined` members: what is stored, compared and hashed. */
export const plainParty = (p: Party): Party => {
  const out: Writable<Party> = { id: p.id, status: plainStatus(p.status) }
  if (p.accountId !== undefined) out.accountId = p.accountId
  if (p.extensionId !== undefined) out.extensionId = p.extensionId
  if (p.direction !== undefined) out.direction = p.direction
  if (p.from !== undefined) out.from = plainEndpoint(p.from)
  if (p.to !== undefined) out.to = plainEndpoint(p.to)
  if (p.missedCall !== undefined) out.missedCall = p.missedCall
  if (p.standAlone !== undefined) out.standAlone = p.standAlone
  if (p.muted !== undefined) out.muted = p.muted
  if (p.queueCall !== undefined) out.queueCall = p.queueCall
  if (p.conferenceRole !== undefined) out.conferenceRole = p.conferenceRole
  if (p.ringOutRole !== undefined) out.ringOutRole = p.ringOutRole
  if (p.parkId !== undefined) out.parkId = p.parkId
  if (p.queueName !== undefined) out.queueName = p.queueName
  return out
}

/** The facts one body carries: one per party it lists. */
export const partyUpdates = (body: TelephonySessionBody): PartyUpdate[] =>
  body.parties.map((party) => ({ sequence: body.sequence, eventTime: body.eventTime ?? '', party: plainParty(party) }))

// Canonical content is computed once per fact object: the sort compares it many times.
const contents = new WeakMap<PartyUpdate, string>()
const contentOf = (u: PartyUpdate): string => {
  const known = contents.get(u)
  if (known !== undefined) return known
  const content = canonicalJson(u.party)
  contents.set(u, content)
  return content
}

/**
 * canonicalJson(u), reusing the party's canonical content when the sort already computed it (facts of the same
 * sequence and party). Not cached here: a WeakMap entry for every stored fact costs the GC more than it saves.
 * Keys in canonical order: eventTime, party, sequence.
 */
export const factText = (u: PartyUpdate): string =>
  '{"eventTime":' +
  JSON.stringify(u.eventTime) +
  ',"party":' +
  (contents.get(u) ?? canonicalJson(u.party)) +
  ',"sequence":' +
  canonicalJson(u.sequence) +
  '}'

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * The fact order: sequence, then party id, then canonical content (so conflicting twins have a fixed order), then
 * eventTime (two copies that differ only in time are two facts, kept in a fixed order).
 */
export const compareUpdates = (a: PartyUpdate, b: PartyUpdate): number =>
  a.sequence - b.sequence ||
  compareText(a.party.id, b.party.id) ||
  compareText(contentOf(a), contentOf(b)) ||
  compareText(a.eventTime, b.eventTime)

/** Same party at the same sequence: one fact, or conflicting twins when their contents differ. */
export const sameSlot = (a: PartyUpdate, b: PartyUpdate): boolean =>
  a.sequence === b.sequence && a.party.id === b.party.id

/** Insert facts into a sorted, deduplicated list: facts that compare equal are one fact. Order-independent. */
export const insertUpdates = (
  updates: ReadonlyArray<PartyUpdate>,
  incoming: ReadonlyArray<PartyUpdate>
): PartyUpdate[] => {
  const all = [...updates, ...incoming].sort(compareUpdates)
  return all.filter((u, i) => {
    const previous = all[i - 1]
    return previous === undefined || compareUpdates(previous, u) !== 0
  })
}
