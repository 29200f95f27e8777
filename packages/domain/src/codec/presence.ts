/** Codecs for presence bodies, plain and detailed (`?detailedTelephonyState=true`, with `activeCalls`). */
import type {
  ActiveCall as ActiveCallModel,
  DetailedPresenceBody as DetailedPresenceBodyModel,
  PresenceBody as PresenceBodyModel
} from '../notification.js'
import { Bool, Id, Integer, Str } from './scalars.js'
import { arrayOf, optional, required, struct } from './struct.js'

// Status fields accept any string: the spec's value lists are not closed (real dndStatus `TakeDepartmentCallsOnly`).
const presenceFields = {
  extensionId: required(Id),
  sequence: optional(Integer),
  telephonyStatus: optional(Str),
  presenceStatus: optional(Str),
  userStatus: optional(Str),
  dndStatus: optional(Str),
  meetingStatus: optional(Str),
  allowSeeMyPresence: optional(Bool),
  ringOnMonitoredCall: optional(Bool),
  pickUpCallsOnHold: optional(Bool)
}

/** `extensionId` missing from the body is filled from the event path by `decode`, before this runs. */
export const PresenceBody = struct<PresenceBodyModel>('PresenceBody', presenceFields)
export type PresenceBody = PresenceBodyModel

export const ActiveCall = struct<ActiveCallModel>('ActiveCall', {
  id: required(Id),
  direction: optional(Str),
  queueCall: optional(Bool),
  from: optional(Str),
  fromName: optional(Str),
  to: optional(Str),
  toName: optional(Str),
  startTime: optional(Str),
  telephonyStatus: optional(Str),
  terminationType: optional(Str),
  sessionId: optional(Id),
  telephonySessionId: optional(Id),
  partyId: optional(Id),
  onBehalfOf: optional(Id)
})
export type ActiveCall = ActiveCallModel

export const ActiveCalls = arrayOf(ActiveCall, 'array of ActiveCall')

/** `activeCalls` absent reads as no active calls, like the omitted zero counters elsewhere. */
export const DetailedPresenceBody = struct<DetailedPresenceBodyModel>('DetailedPresenceBody', {
  ...presenceFields,
  activeCalls: required(ActiveCalls, { orElse: [] }),
  totalActiveCalls: optional(Integer)
})
export type DetailedPresenceBody = DetailedPresenceBodyModel
