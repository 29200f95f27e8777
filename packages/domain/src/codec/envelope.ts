/** Codec for the envelope fields every notification carries, whatever its kind. */
import type { Envelope as EnvelopeModel } from '../notification.js'
import { DateTime, Id, NonEmptyString, Str } from './scalars.js'
import { optional, required, struct } from './struct.js'

/**
 * `uuid` is the dedupe key (not always a UUID: real ones look like "4654793329359724763") and `event` decides
 * the kind, so both are required. `body` is checked by `decode` against the codec of the kind.
 */
export const Envelope = struct<EnvelopeModel>('Envelope', {
  uuid: required(NonEmptyString),
  event: required(NonEmptyString),
  timestamp: optional(DateTime),
  subscriptionId: optional(Str),
  ownerId: optional(Id)
})
export type Envelope = EnvelopeModel
