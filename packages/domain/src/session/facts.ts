import { canonicalJson } from '../canonical.js'
import type { Endpoint, MobilePickupData, Party, PartyStatus, PeerId, TelephonySessionBody } from '../notification.js'
import type { PartyUpdate } from './types.js'

/**
 * Turning notification bodies into facts, and keeping the facts sorted and deduplicated. A fact is one party as
 * one notification reported it; its identity is (sequence, party id, canonical content), so the same update
 * delivered twice (account-level and extension-level subscriptions, two uuids) is one fact.
 */

// Plain JSON has no `undefined` members: each optional field is spread in only when present.
export const plainEndpoint = (e: Endpoint): Endpoint => ({
  ...(e.phoneNumber === undefined ? {} : { phoneNumber: e.phoneNumber }),
  ...(e.name === undefined ? {} : { name: e.name }),
  ...(e.extensionId === undefined ? {} : { extensionId: e.extensionId }),
  ...(e.deviceId === undefined ? {} : { deviceId: e.deviceId })
})

const plainPeerId = (p: PeerId): PeerId => ({
  ...(p.sessionId === undefined ? {} : { sessionId: p.sessionId }),
  ...(p.telephonySessionId === undefined ? {} : { telephonySessionId: p.telephonySessionId }),
  ...(p.partyId === undefined ? {} : { partyId: p.partyId })
})

const plainPickup = (m: MobilePickupData): MobilePickupData => ({
  ...(m.ccMailboxes === undefined ? {} : { ccMailboxes: [...m.ccMailboxes] }),
  ...(m.to === undefined ? {} : { to: m.to }),
  ...(m.sid === undefined ? {} : { sid: m.sid }),
  ...(m.srvLvl === undefined ? {} : { srvLvl: m.srvLvl }),
  ...(m.srvLvlExt === undefined ? {} : { srvLvlExt: m.srvLvlExt })
})

const plainStatus = (s: PartyStatus): PartyStatus => ({
  code: s.code,
  ...(s.reason === undefined ? {} : { reason: s.reason }),
  ...(s.description === undefined ? {} : { description: s.description }),
  ...(s.parkData === undefined ? {} : { parkData: s.parkData }),
  ...(s.peerId === undefined ? {} : { peerId: plainPeerId(s.peerId) }),
  ...(s.mobilePickupData === undefined ? {} : { mobilePickupData: plainPickup(s.mobilePickupData) })
})

/** Only the domain fields of a party, without `undefined` members: what is stored, compared and hashed. */
export const plainParty = (p: Party): Party => ({
  id: p.id,
  ...(p.accountId === undefined ? {} : { accountId: p.accountId }),
  ...(p.extensionId === undefined ? {} : { extensionId: p.extensionId }),
  ...(p.direction === undefined ? {} : { direction: p.direction }),
  ...(p.from === undefined ? {} : { from: plainEndpoint(p.from) }),
  ...(p.to === undefined ? {} : { to: plainEndpoint(p.to) }),
  status: plainStatus(p.status),
  ...(p.missedCall === undefined ? {} : { missedCall: p.missedCall }),
  ...(p.standAlone === undefined ? {} : { standAlone: p.standAlone }),
  ...(p.muted === undefined ? {} : { muted: p.muted }),
  ...(p.queueCall === undefined ? {} : { queueCall: p.queueCall }),
  ...(p.conferenceRole === undefined ? {} : { conferenceRole: p.conferenceRole }),
  ...(p.ringOutRole === undefined ? {} : { ringOutRole: p.ringOutRole }),
  ...(p.parkId === undefined ? {} : { parkId: p.parkId })
})

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
