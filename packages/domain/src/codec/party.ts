/** Codecs for a telephony party and its endpoints (`from`, `to`). */
import * as t from 'io-ts'
import type { Endpoint as EndpointModel, Party as PartyModel } from '../notification.js'
import { Bool, Id, Str } from './scalars.js'
import { PartyStatus } from './status.js'
import { isRecord, optional, required, struct } from './struct.js'

export const Endpoint = struct<EndpointModel>('Endpoint', {
  phoneNumber: optional(Str),
  name: optional(Str),
  extensionId: optional(Id),
  deviceId: optional(Id)
})
export type Endpoint = EndpointModel

/** `park: {id}` on the wire, `parkId` in the model; real payloads mostly send `park: {}`. */
export const ParkId = new t.Type<string | undefined, string | undefined, unknown>(
  'Park',
  (u): u is string | undefined => u === undefined || Id.is(u),
  (u, c) => {
    if (!isRecord(u)) return t.failure(u, c)
    const id = u['id']
    return id === undefined || id === null ? t.success(undefined) : Id.validate(id, t.appendContext(c, 'id', Id, id))
  },
  t.identity
)

/**
 * `uiCallInfo: {primary: {type, value}, additional: {type, value}}` on the wire (payload 06): the call queue's name
 * when one of the two is `QueueName`, in the model. Anything else in it is display text, left in the raw envelope.
 */
export const QueueName = new t.Type<string | undefined, string | undefined, unknown>(
  'UiCallInfo',
  (u): u is string | undefined => u === undefined || Str.is(u),
  (u, c) => {
    if (!isRecord(u)) return t.failure(u, c)
    for (const slot of [u['primary'], u['additional']])
      if (isRecord(slot) && slot['type'] === 'QueueName' && typeof slot['value'] === 'string' && slot['value'] !== '')
        return t.success(slot['value'])
    return t.success(undefined)
  },
  t.identity
)

const PartyFields = struct<PartyModel>('Party', {
  id: required(Id),
  accountId: optional(Id),
  extensionId: optional(Id),
  direction: optional(Str),
  from: optional(Endpoint),
  to: optional(Endpoint),
  status: required(PartyStatus),
  missedCall: optional(Bool),
  standAlone: optional(Bool),
  muted: optional(Bool),
  queueCall: optional(Bool),
  conferenceRole: optional(Str),
  ringOutRole: optional(Str),
  parkId: optional(ParkId, 'park'),
  queueName: optional(QueueName, 'uiCallInfo')
})

const absent = (v: unknown): boolean => v === undefined || v === null

/**
 * REST snapshots of a party (call-control responses) put the owning extension in `owner` rather than on the
 * party itself; when the party has no id of its own, the owner's is the same extension.
 */
const withOwnerIds = (u: unknown): unknown => {
  if (!isRecord(u)) return u
  const owner = u['owner']
  if (!isRecord(owner)) return u
  const takeExtension = absent(u['extensionId']) && !absent(owner['extensionId'])
  const takeAccount = absent(u['accountId']) && !absent(owner['accountId'])
  if (!takeExtension && !takeAccount) return u
  return {
    ...u,
    ...(takeExtension ? { extensionId: owner['extensionId'] } : {}),
    ...(takeAccount ? { accountId: owner['accountId'] } : {})
  }
}

/** A party as notifications (and REST snapshots) send it: `id` and `status.code` are required. */
export const Party = new t.Type<PartyModel, PartyModel, unknown>(
  'Party',
  PartyFields.is,
  (u, c) => PartyFields.validate(withOwnerIds(u), c),
  t.identity
)
export type Party = PartyModel
