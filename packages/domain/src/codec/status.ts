/** Codecs for a party's `status`: the code (canonicalised), its reason and the links it carries. */
import * as t from 'io-ts'
import {
  KNOWN_STATUS_CODES,
  type KnownStatusCode,
  type MobilePickupData as MobilePickupDataModel,
  type PartyStatus as PartyStatusModel,
  type PeerId as PeerIdModel,
  type StatusCode as StatusCodeModel
} from '../notification.js'
import { Id, Str } from './scalars.js'
import { optional, required, struct } from './struct.js'

// Lower-cased spelling -> canonical code. Aliases are the spellings seen in real data and client libraries.
const CANONICAL: ReadonlyMap<string, KnownStatusCode> = new Map<string, KnownStatusCode>([
  ...KNOWN_STATUS_CODES.map((code): [string, KnownStatusCode] => [code.toLowerCase(), code]),
  ['vmscreening', 'VoiceMailScreening']
])

/** Canonical spelling of a status code; a code never seen before is returned as received. */
export const canonicalStatusCode = (code: string): StatusCodeModel => CANONICAL.get(code.toLowerCase()) ?? code

/** Any non-empty string; known codes in any casing (and aliases) become their canonical spelling. */
export const StatusCode = new t.Type<StatusCodeModel, StatusCodeModel, unknown>(
  'non-empty status code string',
  (u): u is StatusCodeModel => typeof u === 'string' && u !== '',
  (u, c) => (typeof u === 'string' && u !== '' ? t.success(canonicalStatusCode(u)) : t.failure(u, c)),
  t.identity
)
export type StatusCode = StatusCodeModel

export const PeerId = struct<PeerIdModel>('PeerId', {
  sessionId: optional(Id),
  telephonySessionId: optional(Id),
  partyId: optional(Id)
})
export type PeerId = PeerIdModel

const splitMailboxes = (s: string): ReadonlyArray<string> =>
  s
    .split(',')
    .map((m) => m.trim())
    .filter((m) => m !== '')

const IdArray = t.array(Id, 'array of ids')

/** The spec says a string (a list of extension ids), real payloads send an array: both become an array. */
export const CcMailboxes = new t.Type<ReadonlyArray<string>, ReadonlyArray<string>, unknown>(
  'array of ids or comma-separated string',
  (u): u is ReadonlyArray<string> => IdArray.is(u),
  (u, c) => (typeof u === 'string' ? t.success(splitMailboxes(u)) : IdArray.validate(u, c)),
  t.identity
)

export const MobilePickupData = struct<MobilePickupDataModel>('MobilePickupData', {
  ccMailboxes: optional(CcMailboxes),
  to: optional(Str),
  sid: optional(Id),
  srvLvl: optional(Str),
  srvLvlExt: optional(Str)
})
export type MobilePickupData = MobilePickupDataModel

/** `reason` and `description` accept any string: the spec's lists are not closed (`CallSwitch`, `Conference`). */
export const PartyStatus = struct<PartyStatusModel>('PartyStatus', {
  code: required(StatusCode),
  reason: optional(Str),
  description: optional(Str),
  parkData: optional(Str),
  peerId: optional(PeerId),
  mobilePickupData: optional(MobilePickupData)
})
export type PartyStatus = PartyStatusModel
