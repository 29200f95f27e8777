/**
 * What one call adds to a stats row, per key. With the extension among the key's dimensions a call counts as
 * that extension's KeyedCall; without it (key `all`, days, hours) the whole session is one call, its keyed
 * calls merged (docs/analytics.md has the same definitions):
 * - answered: the call was answered (for any of its extensions);
 * - missed: outcome `missed` (an inbound call that rang and ended unanswered, not sent to voicemail) and not
 *   answered: a call a colleague answered after a transfer is not missed;
 * - cancelled: outcome `cancelled` (hung up before anyone answered: an outbound call nobody picked up, a caller
 *   who gave up during setup) and not answered;
 * - voicemail, transferred: the outcome (for the merged call: any of its extensions' outcomes) is that one;
 * - unknownEnd: the call went stale before its end arrived (outcome `unknown-end`);
 * - inbound / outbound: by direction; a merged call between two users is both (the caller's outbound call and
 *   the callee's inbound one), so inbound + outbound may exceed calls;
 * - ring, talk and hold ms: the parties' times summed; merged, every keyed call's time except a queue's answered
 *   call (its time is its answering member's, already counted).
 */
import type { KeyedCall } from './counting.js'

export interface CallCounts {
  readonly calls: number
  readonly inbound: number
  readonly outbound: number
  readonly answered: number
  readonly missed: number
  readonly voicemail: number
  readonly cancelled: number
  readonly transferred: number
  /** Calls whose end never came: stale, their live parties `unknown-end`. */
  readonly unknownEnd: number
  readonly ringMs: number
  readonly talkMs: number
  readonly holdMs: number
}

export const zeroCounts: CallCounts = {
  calls: 0,
  inbound: 0,
  outbound: 0,
  answered: 0,
  missed: 0,
  voicemail: 0,
  cancelled: 0,
  transferred: 0,
  unknownEnd: 0,
  ringMs: 0,
  talkMs: 0,
  holdMs: 0
}

const flag = (b: boolean): number => (b ? 1 : 0)

export const addCounts = (a: CallCounts, b: CallCounts): CallCounts => ({
  calls: a.calls + b.calls,
  inbound: a.inbound + b.inbound,
  outbound: a.outbound + b.outbound,
  answered: a.answered + b.answered,
  missed: a.missed + b.missed,
  voicemail: a.voicemail + b.voicemail,
  cancelled: a.cancelled + b.cancelled,
  transferred: a.transferred + b.transferred,
  unknownEnd: a.unknownEnd + b.unknownEnd,
  ringMs: a.ringMs + b.ringMs,
  talkMs: a.talkMs + b.talkMs,
  holdMs: a.holdMs + b.holdMs
})

/** One extension's view of one call. */
export const countsOfCall = (c: KeyedCall): CallCounts => ({
  calls: 1,
  inbound: flag(c.direction === 'inbound'),
  outbound: flag(c.direction === 'outbound'),
  answered: flag(c.answered),
  missed: flag(c.outcome === 'missed' && !c.answered),
  voicemail: flag(c.outcome === 'voicemail'),
  cancelled: flag(c.outcome === 'cancelled' && !c.answered),
  transferred: flag(c.outcome === 'transferred'),
  unknownEnd: flag(c.outcome === 'unknown-end'),
  ringMs: c.ringMs,
  talkMs: c.talkMs,
  holdMs: c.holdMs
})

/** The whole session as one call (keys without the extension dimension); zero counts for no keyed call. */
export const countsOfSession = (calls: ReadonlyArray<KeyedCall>): CallCounts => {
  if (calls.length === 0) return zeroCounts
  const any = (p: (c: KeyedCall) => boolean): boolean => calls.some(p)
  const answered = any((c) => c.answered)
  const timed = calls.filter((c) => !(c.queue && c.answered))
  const total = (f: (c: KeyedCall) => number): number => timed.reduce((n, c) => n + f(c), 0)
  return {
    calls: 1,
    inbound: flag(any((c) => c.direction === 'inbound')),
    outbound: flag(any((c) => c.direction === 'outbound')),
    answered: flag(answered),
    missed: flag(any((c) => c.outcome === 'missed') && !answered),
    voicemail: flag(any((c) => c.outcome === 'voicemail')),
    cancelled: flag(any((c) => c.outcome === 'cancelled') && !answered),
    transferred: flag(any((c) => c.outcome === 'transferred')),
    unknownEnd: flag(any((c) => c.outcome === 'unknown-end')),
    ringMs: total((c) => c.ringMs),
    talkMs: total((c) => c.talkMs),
    holdMs: total((c) => c.holdMs)
  }
}
