import { isMoved, knownStatus } from '../party/transitions.js'
import type { KnownStatusCode } from '../notification.js'
import type { LiveStatus, PartyState } from './types.js'

/**
 * The session's status from its parties, by DOMAIN.md: ended when every party seen has ended; otherwise, over the
 * parties not ended, the first match of voicemail > parked > on-hold > active > ringing.
 *
 * A party Disconnected with reason Pickup/CallSwitch has "moved": its leg is over, but the call goes on on another
 * device of the same user, under another party. Such a party does not end the session by itself (DOMAIN.md), and it
 * does not keep it open either: the platform never sends that old leg another event, so a session waiting for it
 * would be stuck for ever (the complaint this engine exists to fix). So a session has ended when no party is live
 * (each has ended or moved) and at least one has truly ended; while it lives, moved parties are not counted.
 *
 * Choices DOMAIN.md leaves open:
 * - a session with no party yet is `ringing` (nothing has ended; there is nothing better to say);
 * - a session whose only parties have moved is not ended: the party that carries the call on has not been seen yet
 *   (a gap), and reads `active` (the call was picked up or switched, not left ringing);
 * - a party in FaxReceive counts as Answered (the call is connected, to a fax machine);
 * - a party in an unknown status is judged by its last known status (an answered party that reports a code never
 *   seen before is still answered); a party with no known status at all counts only as a live party.
 */
const hasMoved = (p: PartyState): boolean => !p.ended && isMoved(p)

export const sessionEnded = (parties: ReadonlyArray<PartyState>): boolean =>
  parties.some((p) => p.ended) && parties.every((p) => p.ended || hasMoved(p))

/**
 * The last known status of a party: a code never seen before tells nothing about whether the party is still
 * connected, so it does not turn an answered call back to ringing; the party keeps its last known state.
 */
const effectiveStatus = (p: PartyState): KnownStatusCode | null => {
  for (let i = p.history.length - 1; i >= 0; i--) {
    const code = knownStatus(p.history[i]?.status ?? '')
    if (code !== null) return code
  }
  return null
}

const isAnsweredLike = (p: PartyState): boolean => {
  const code = effectiveStatus(p)
  return code === 'Answered' || code === 'FaxReceive'
}

export const sessionStatus = (parties: ReadonlyArray<PartyState>): LiveStatus => {
  if (sessionEnded(parties)) return 'ended'
  const live = parties.filter((p) => !p.ended && !hasMoved(p))
  if (live.length === 0 && parties.some(hasMoved)) return 'active'
  const codes = live.map(effectiveStatus)
  if (codes.some((c) => c === 'VoiceMail' || c === 'VoiceMailScreening')) return 'voicemail'
  if (codes.includes('Parked')) return 'parked'
  if (codes.includes('Hold')) return 'on-hold'
  const answered = live.filter(isAnsweredLike).length
  if (answered >= 2 || (answered === 1 && live.length === 1)) return 'active'
  return 'ringing'
}
