import { isMoved, knownStatus } from '../party/transitions.js'
import type { LiveStatus, PartyState } from './types.js'

/**
 * The session's status from its parties, by DOMAIN.md: ended when every party seen has ended; otherwise, over the
 * parties not ended, the first match of voicemail > parked > on-hold > active > ringing.
 *
 * Choices DOMAIN.md leaves open:
 * - a session with no party yet is `ringing` (nothing has ended; there is nothing better to say);
 * - a party Disconnected with reason Pickup/CallSwitch has not ended (the call goes on, on another device) and counts
 *   as Answered for `active`: the call was picked up or switched, not left ringing;
 * - a party in FaxReceive counts as Answered (the call is connected, to a fax machine);
 * - a party in an unknown status counts only as a live party (it can keep a lone Answered party from being "the
 *   only live party", so the session reads `ringing` until it is clearer).
 */
export const sessionEnded = (parties: ReadonlyArray<PartyState>): boolean =>
  parties.length > 0 && parties.every((p) => p.ended)

const isAnsweredLike = (p: PartyState): boolean => {
  const code = knownStatus(p.status)
  return code === 'Answered' || code === 'FaxReceive' || isMoved(p)
}

export const sessionStatus = (parties: ReadonlyArray<PartyState>): LiveStatus => {
  if (sessionEnded(parties)) return 'ended'
  const live = parties.filter((p) => !p.ended)
  const codes = live.map((p) => knownStatus(p.status))
  if (codes.some((c) => c === 'VoiceMail' || c === 'VoiceMailScreening')) return 'voicemail'
  if (codes.includes('Parked')) return 'parked'
  if (codes.includes('Hold')) return 'on-hold'
  const answered = live.filter(isAnsweredLike).length
  if (answered >= 2 || (answered === 1 && live.length === 1)) return 'active'
  return 'ringing'
}
