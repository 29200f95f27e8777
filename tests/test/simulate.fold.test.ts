/**
 * The simulator against callstate's own domain: every clean line decodes, every broken line is rejected,
 * and decoding the noisy stream, grouping telephony bodies and the ends detailed presence tells by
 * telephonySessionId and folding reproduces the simulator's ground truth (computed from its script, not from the
 * fold) for every session: status, times, and every party's outcome, endedBy, ring/talk/hold ms and queue. The
 * truth is what a report made long after the day sees, so the folded state is read as of an instant far later
 * (`sessionAsOf`): calls whose end never came are stale there.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import * as E from 'fp-ts/lib/Either.js'
import {
  decode,
  emptySession,
  evolveSessionWith,
  presenceEnds,
  presenceUpdate,
  sessionAsOf,
  type Decoded,
  type EndFact,
  type SessionState,
  type SessionStatus,
  type TelephonySessionBody
} from '@callstate/domain'
import { DEFAULT_OPTIONS, simulate, simulateLines, type CallTruth, type SimulateOptions } from '@callstate/simulator'

const decodeLine = (line: string): E.Either<unknown, Decoded> => {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    // A truncated line is not JSON at all: the ingest pipeline quarantines it the same way.
    return E.left('not JSON')
  }
  return decode(value)
}

const run = (options: SimulateOptions) => {
  const lines: string[] = []
  const truths: CallTruth[] = []
  for (const item of simulate(options)) {
    if (item._tag === 'Line') lines.push(item.text)
    else truths.push(item.truth)
  }
  return { lines, truths }
}

/** What this test compares: the session as callstate sees it, in terms both sides can state. */
interface Seen {
  readonly telephonySessionId: string
  readonly status: string
  readonly startedAt: string | null
  readonly endedAt: string | null
  readonly parties: ReadonlyArray<{
    readonly id: string
    readonly extensionId: string | null
    readonly direction: string | null
    readonly queue: { readonly extensionId: string | null; readonly name: string | null } | null
    readonly answered: boolean
    readonly outcome: string
    readonly endedBy: string | null
    readonly ringMs: number
    readonly talkMs: number
    readonly holdMs: number
  }>
}

const byId = <P extends { readonly id: string }>(ps: ReadonlyArray<P>): P[] =>
  [...ps].sort((a, b) => (a.id < b.id ? -1 : 1))

const fromTruth = (t: CallTruth): Seen => ({
  telephonySessionId: t.telephonySessionId,
  status: t.status,
  startedAt: t.startedAt,
  endedAt: t.endedAt,
  parties: byId(t.parties).map((p) => ({
    id: p.id,
    extensionId: p.extensionId ?? null,
    direction: p.direction,
    queue: p.queueCall && t.queue !== null ? { extensionId: t.queue.id, name: t.queue.name } : null,
    answered: p.answered,
    outcome: p.outcome,
    endedBy: p.endedBy,
    ringMs: p.ringMs,
    talkMs: p.talkMs,
    holdMs: p.holdMs
  }))
})

const fromState = (state: SessionState, status: SessionStatus): Seen => ({
  telephonySessionId: state.telephonySessionId,
  status,
  startedAt: state.startedAt,
  endedAt: state.endedAt,
  parties: byId(state.parties).map((p) => ({
    id: p.id,
    extensionId: p.extensionId,
    direction: p.direction,
    queue: p.queue,
    answered: p.history.some((h) => h.status === 'Answered'),
    outcome: p.outcome,
    endedBy: p.endedBy,
    ringMs: p.metrics.ringMs,
    talkMs: p.metrics.talkMs,
    holdMs: p.metrics.holdMs
  }))
})

/** The decoded stream by session: its telephony bodies, and the ends detailed presence told (session/ends.ts). */
const groupAll = (lines: ReadonlyArray<string>) => {
  const bodies = new Map<string, TelephonySessionBody[]>()
  const ends = new Map<string, EndFact[]>()
  for (const line of lines) {
    const decoded = decodeLine(line)
    if (E.isLeft(decoded)) continue
    const n = decoded.right.notification
    if (n.kind === 'telephony-session') {
      const id = n.body.telephonySessionId
      bodies.set(id, [...(bodies.get(id) ?? []), n.body])
    } else if (n.kind === 'detailed-presence')
      for (const { telephonySessionId, fact } of presenceEnds(presenceUpdate(n), n.envelope.uuid))
        ends.set(telephonySessionId, [...(ends.get(telephonySessionId) ?? []), fact])
  }
  return { bodies, ends }
}

/** Long after the simulated day, with a short threshold: every call whose end never came is stale. */
const LATER = { now: '2030-01-01T00:00:00.000Z', staleAfterMs: 3_600_000 }

const options: SimulateOptions = { ...DEFAULT_OPTIONS, calls: 1500, seed: 11 }

test('every clean line decodes, in both formats', () => {
  for (const format of ['ndjson', 'ws'] as const) {
    const failures = [...simulateLines({ ...options, calls: 400, format })].filter((l) => E.isLeft(decodeLine(l)))
    assert.equal(failures, [], format)
  }
})

test('every broken line is rejected, and only those', () => {
  const clean = new Set(run(options).lines)
  const noisy = run({ ...options, malformedRate: 0.05, duplicateRate: 0.05, reorderRate: 0.1 }).lines
  const extra = noisy.filter((l) => !clean.has(l))
  assert.ok(extra.length > 100, `expected broken lines, got ${extra.length}`)
  assert.equal(
    extra.filter((l) => E.isRight(decodeLine(l))),
    []
  )
  assert.equal(
    noisy.filter((l) => clean.has(l) && E.isLeft(decodeLine(l))),
    []
  )
})

test('decode + group + fold (telephony and presence ends) over the noisy stream reproduces the truth of every session', () => {
  const noisy = run({ ...options, malformedRate: 0.02, duplicateRate: 0.05, reorderRate: 0.1 })
  const { bodies, ends } = groupAll(noisy.lines)
  const expected = noisy.truths.map(fromTruth)
  const actual = noisy.truths.map((t): Seen | undefined => {
    const id = t.telephonySessionId
    const state = evolveSessionWith(emptySession(id), bodies.get(id) ?? [], ends.get(id) ?? [])
    const seen = sessionAsOf(state, LATER)
    return seen === undefined ? undefined : fromState(seen.state, seen.status)
  })
  assert.equal(bodies.size, noisy.truths.length)
  // Compared session by session so a failure shows the sessions that differ, not a 1,600-element diff.
  const wrong = expected.flatMap((e, i) => (JSON.stringify(actual[i]) === JSON.stringify(e) ? [] : [i]))
  assert.equal(
    wrong.map((i) => actual[i]),
    wrong.map((i) => expected[i])
  )
  assert.ok(expected.length > 1500)
  // The day has the cases the new rules are about.
  const outcomes = new Set(noisy.truths.flatMap((t) => t.parties.map((p) => p.outcome)))
  for (const o of ['not-picked-up', 'routed', 'unknown-end']) assert.ok(outcomes.has(o as never), o)
  assert.ok(noisy.truths.some((t) => t.parties.some((p) => p.endedBy === 'presence')))
})

test.run()
