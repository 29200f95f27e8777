/** Codecs for the body of a `/message-store` notification. */
import * as t from 'io-ts'
import type { MessageChange as MessageChangeModel, MessageStoreBody as MessageStoreBodyModel } from '../notification.js'
import { Id, Integer, NonEmptyString, Str } from './scalars.js'
import { optional, required, struct } from './struct.js'

/** Counters are omitted when zero. `type` is kept as received (VoiceMail, Fax, SMS, Pager, or newer). */
export const MessageChange = struct<MessageChangeModel>('MessageChange', {
  type: required(NonEmptyString),
  newCount: required(Integer, { orElse: 0 }),
  updatedCount: required(Integer, { orElse: 0 })
})
export type MessageChange = MessageChangeModel

export const MessageChanges = t.array(MessageChange, 'array of MessageChange')

/** `extensionId` missing from the body is filled from the event path by `decode`, before this runs. */
export const MessageStoreBody = struct<MessageStoreBodyModel>('MessageStoreBody', {
  extensionId: required(Id),
  lastUpdated: optional(Str),
  changes: required(MessageChanges)
})
export type MessageStoreBody = MessageStoreBodyModel
