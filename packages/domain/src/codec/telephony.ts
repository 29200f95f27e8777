/** Codec for the body of a `/telephony/sessions` notification. */
import * as t from 'io-ts'
import type { TelephonySessionBody as TelephonySessionBodyModel } from '../notification.js'
import { Party } from './party.js'
import { DateTime, Id, Integer, Str } from './scalars.js'
import { arrayOf, isRecord, optional, required, struct } from './struct.js'

/** `origin: {type}` on the wire, the type string in the model. */
export const Origin = new t.Type<string | undefined, string | undefined, unknown>(
  'Origin',
  (u): u is string | undefined => u === undefined || typeof u === 'string',
  (u, c) => {
    if (!isRecord(u)) return t.failure(u, c)
    const type = u['type']
    return type === undefined || type === null
      ? t.success(undefined)
      : Str.validate(type, t.appendContext(c, 'type', Str, type))
  },
  t.identity
)

export const Parties = arrayOf(Party, 'array of Party')

/**
 * `sequence` and `telephonySessionId` are required: without them an event can be neither placed in its
 * session nor ordered. `eventTime` missing is filled from the envelope timestamp by `decode`, before this runs.
 */
export const TelephonySessionBody = struct<TelephonySessionBodyModel>('TelephonySessionBody', {
  sequence: required(Integer),
  telephonySessionId: required(Id),
  sessionId: optional(Id),
  serverId: optional(Str),
  eventTime: optional(DateTime),
  origin: optional(Origin),
  accountId: optional(Id),
  extensionId: optional(Id),
  parties: required(Parties)
})
export type TelephonySessionBody = TelephonySessionBodyModel
