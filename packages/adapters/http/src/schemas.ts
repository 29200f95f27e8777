/**
 * JSON schemas of the query API's answers: the same shapes as the CLI's `--json` (projections' queries/view.ts
 * and queries/presence.ts are the contract). They validate nothing on the way out; fastify serializes with them
 * (fast and no field leaks beyond the contract) and @fastify/swagger turns them into the OpenAPI document.
 * OpenAPI 3.0 has no `type: [x, "null"]`, so absent values are `nullable: true`.
 */
import { OUTCOMES, SESSION_STATUSES } from '@callstate/domain'

const str = { type: 'string' } as const
const nstr = { type: 'string', nullable: true } as const
const ntime = { type: 'string', format: 'date-time', nullable: true } as const
const int = { type: 'integer' } as const

export const EndpointSchema = {
  type: 'object',
  nullable: true,
  properties: { phoneNumber: str, name: str, extensionId: str, deviceId: str }
} as const

export const HistorySchema = {
  type: 'object',
  required: ['status', 'reason', 'at', 'sequence'],
  properties: {
    status: str,
    reason: nstr,
    at: ntime,
    sequence: int,
    source: {
      type: 'string',
      enum: ['presence'],
      description: "Present on an end the party's own events never sent: where it came from."
    }
  }
} as const

export const PartySchema = {
  $id: 'Party',
  type: 'object',
  required: [
    'id',
    'extensionId',
    'direction',
    'from',
    'to',
    'status',
    'reason',
    'history',
    'metrics',
    'outcome',
    'endedBy',
    'queueCall',
    'queue',
    'parkId',
    'missedCall'
  ],
  properties: {
    id: str,
    extensionId: nstr,
    direction: nstr,
    from: EndpointSchema,
    to: EndpointSchema,
    status: { type: 'string', description: "The party's status code in the spec's spelling (Answered, Hold, ...)." },
    reason: nstr,
    history: { type: 'array', items: HistorySchema },
    metrics: {
      type: 'object',
      required: ['ringMs', 'talkMs', 'holdMs'],
      properties: { ringMs: int, talkMs: int, holdMs: int }
    },
    outcome: { type: 'string', enum: [...OUTCOMES] },
    endedBy: {
      type: 'string',
      nullable: true,
      enum: ['event', 'presence', 'stale', null],
      description: 'What ended the party: its own event, presence (terminationType final), or the stale rule.'
    },
    queueCall: { type: 'boolean' },
    queue: {
      type: 'object',
      nullable: true,
      required: ['extensionId', 'name'],
      properties: { extensionId: nstr, name: nstr },
      description: 'The call queue a queue leg was rung for.'
    },
    parkId: nstr,
    missedCall: { type: 'boolean', nullable: true }
  }
} as const

const SessionStatusSchema = {
  type: 'string',
  enum: [...SESSION_STATUSES]
} as const

export const SessionSummarySchema = {
  $id: 'SessionSummary',
  type: 'object',
  required: ['telephonySessionId', 'status', 'startedAt', 'endedAt', 'parties'],
  properties: {
    telephonySessionId: str,
    status: SessionStatusSchema,
    startedAt: ntime,
    endedAt: ntime,
    parties: { type: 'array', items: { $ref: 'Party#' } }
  }
} as const

export const SessionSchema = {
  $id: 'Session',
  type: 'object',
  required: ['telephonySessionId', 'status', 'startedAt', 'endedAt', 'origin', 'gaps', 'anomalies', 'links', 'parties'],
  properties: {
    telephonySessionId: str,
    status: SessionStatusSchema,
    startedAt: ntime,
    endedAt: ntime,
    origin: nstr,
    gaps: {
      type: 'array',
      description: 'Ranges of sequence numbers never received.',
      items: { type: 'object', required: ['from', 'to'], properties: { from: int, to: int } }
    },
    anomalies: {
      type: 'array',
      description: 'Facts that could not apply cleanly (illegal transition, unknown status, conflicting update).',
      items: { type: 'object', required: ['kind'], properties: { kind: str }, additionalProperties: true }
    },
    links: {
      type: 'array',
      description: 'Parties that left into another session (Gone with peerId).',
      items: {
        type: 'object',
        required: ['partyId', 'telephonySessionId', 'sessionId', 'peerPartyId', 'reason'],
        properties: { partyId: str, telephonySessionId: nstr, sessionId: nstr, peerPartyId: nstr, reason: nstr }
      }
    },
    parties: { type: 'array', items: { $ref: 'Party#' } }
  }
} as const

export const AuditEntrySchema = {
  type: 'object',
  required: ['position', 'revision', 'id', 'type', 'receivedAt', 'source', 'data', 'state'],
  properties: {
    position: int,
    revision: int,
    id: str,
    type: str,
    receivedAt: { type: 'string', format: 'date-time' },
    source: str,
    sourceRef: str,
    sequence: int,
    eventTime: str,
    parties: { type: 'array', items: str, description: '`party-id: Status[/reason]` per party carried.' },
    problem: str,
    data: { description: 'The notification as stored (parsed JSON).' },
    state: { $ref: 'Session#' }
  }
} as const

const presenceFields = {
  telephonyStatus: nstr,
  presenceStatus: nstr,
  userStatus: nstr,
  dndStatus: nstr,
  meetingStatus: nstr
} as const
const presenceFieldNames = ['telephonyStatus', 'presenceStatus', 'userStatus', 'dndStatus', 'meetingStatus'] as const

export const PresenceTimelineSchema = {
  type: 'object',
  required: ['extensionId', 'intervals'],
  properties: {
    extensionId: str,
    intervals: {
      type: 'array',
      items: {
        type: 'object',
        required: ['from', 'to', ...presenceFieldNames],
        properties: { from: ntime, to: ntime, ...presenceFields }
      }
    }
  }
} as const

export const PresenceAtSchema = {
  type: 'object',
  required: ['extensionId', 'at', ...presenceFieldNames],
  properties: { extensionId: str, at: { type: 'string', format: 'date-time' }, ...presenceFields }
} as const

/** Query-string parameters shared by the call-state queries. */
export const timeParams = {
  at: { type: 'string', format: 'date-time', description: 'Answer as it was at this instant (events’ own times).' },
  knownAt: {
    type: 'string',
    format: 'date-time',
    description: 'Use only what had been received by this instant (receive time; import time for imported history).'
  }
} as const

export const pageParams = {
  limit: { type: 'integer', minimum: 1, maximum: 10000, description: 'Page size (default 100).' },
  cursor: { type: 'string', description: 'The X-Next-Cursor header of the previous page.' }
} as const

export const sharedSchemas = [PartySchema, SessionSummarySchema, SessionSchema] as const
