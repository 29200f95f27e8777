/**
 * The export feed (`callstate export calls`): one record per party of every ended call (a session whose every
 * party has left), and of every stale call (its end never came: its live parties `unknown-end`, `endedBy: stale`),
 * with its metrics and outcome. Fields in a fixed order, the same for NDJSON and CSV: the order below is the CSV
 * header.
 */
import { staleState, type SessionState } from '@callstate/domain'
import { callRecordsOf } from './record.js'

export const EXPORT_FIELDS = [
  'telephonySessionId',
  'partyId',
  'extensionId',
  'direction',
  'from',
  'to',
  'startedAt',
  'endedAt',
  'outcome',
  'ringMs',
  'talkMs',
  'holdMs',
  'sessionStartedAt',
  'fromName',
  'fromExtensionId',
  'toName',
  'toExtensionId',
  'ringOutRole',
  'queueCall',
  'answered',
  'status',
  'reason',
  'endedBy'
] as const

export type ExportField = (typeof EXPORT_FIELDS)[number]
export type ExportRecord = { readonly [F in ExportField]: string | number | boolean | null }

/**
 * The records of an ended session, or of one the caller found stale (`stale`: the stale rule ends its live
 * parties), by party id; none while the session lives.
 */
export const exportRecordsOf = (state: SessionState, stale = false): ExportRecord[] =>
  state.status !== 'ended' && !stale
    ? []
    : callRecordsOf(state.status === 'ended' ? state : staleState(state)).map((r) => {
        const record: { [F in ExportField]: string | number | boolean | null } = {
          telephonySessionId: r.telephonySessionId,
          partyId: r.partyId,
          extensionId: r.extensionId,
          direction: r.direction,
          from: r.from,
          to: r.to,
          startedAt: r.startedAt,
          endedAt: r.endedAt,
          outcome: r.outcome,
          ringMs: r.ringMs,
          talkMs: r.talkMs,
          holdMs: r.holdMs,
          sessionStartedAt: r.sessionStartedAt,
          fromName: r.fromName,
          fromExtensionId: r.fromExtensionId,
          toName: r.toName,
          toExtensionId: r.toExtensionId,
          ringOutRole: r.ringOutRole,
          queueCall: r.queueCall,
          answered: r.answered,
          status: r.status,
          reason: r.reason,
          endedBy: r.endedBy
        }
        return record
      })
