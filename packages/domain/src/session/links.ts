import { canonicalJson } from '../canonical.js'
import { knownStatus } from '../party/transitions.js'
import type { Link, PartyUpdate } from './types.js'

/** Links to other sessions from Gone + peerId facts, in fact order, each link once. */
export const sessionLinks = (updates: ReadonlyArray<PartyUpdate>): Link[] => {
  const links = updates.flatMap(({ party }): Link[] => {
    const peer = party.status.peerId
    if (knownStatus(party.status.code) !== 'Gone' || peer === undefined) return []
    return [
      {
        partyId: party.id,
        telephonySessionId: peer.telephonySessionId ?? null,
        sessionId: peer.sessionId ?? null,
        peerPartyId: peer.partyId ?? null,
        reason: party.status.reason ?? null
      }
    ]
  })
  const seen = new Set<string>()
  return links.filter((link) => {
    const key = canonicalJson(link)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** DOMAIN.md: reason Conference with peer sessionId "0" means the party joined a 3-way conference bridge. */
export const isConferenceBridge = (link: Link): boolean =>
  link.sessionId === '0' && link.reason?.toLowerCase() === 'conference'
