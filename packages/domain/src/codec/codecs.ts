/**
 * The io-ts codecs, for callers that decode a piece rather than a whole notification (a REST party snapshot,
 * a status fragment). Each codec shares its name with the model type it produces.
 */
export { Envelope } from './envelope.js'
export { Endpoint, ParkId, Party } from './party.js'
export { CcMailboxes, MobilePickupData, PartyStatus, PeerId, StatusCode, canonicalStatusCode } from './status.js'
export { Origin, Parties, TelephonySessionBody } from './telephony.js'
export { ActiveCall, ActiveCalls, DetailedPresenceBody, PresenceBody } from './presence.js'
export { MessageChange, MessageChanges, MessageStoreBody } from './message-store.js'
export { Bool, DateTime, Id, Integer, NonEmptyString, Str } from './scalars.js'
export { extensionIdOfEvent, kindOfEvent } from './event-path.js'
