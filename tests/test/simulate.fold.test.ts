/**
 * The simulator against callstate's own domain: every clean line decodes, every broken line is rejected,
 * and decoding the noisy stream, grouping by telephonySessionId and folding reproduces the simulator's
 * ground truth (computed from its script, not from the fold) for every session.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import * as E from 'fp-ts/lib/Either.js'
import { decode, foldSession, type Decoded, type SessionState, type TelephonySessionBody } from '@callstate/domain'
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

/** The fold's view of a session in the truth's shape. */
const asTruth = (state: SessionState, scenario: CallTruth['scenario']): CallTruth => ({
  telephonySessionId: state.telephonySessionId,
  scenario,
  status: state.status === 'ended' ? 'ended' : state.status,
  parties: state.parties.map((p) => ({
    id: p.id,
    ...(p.extensionId === null ? {} : { extensionId: p.extensionId }),
    direction: p.direction ?? '',
    outcome: p.outcome,
    ringMs: p.metrics.ringMs,
    talkMs: p.metrics.talkMs,
    holdMs: p.metrics.holdMs
  }))
})

const byId = (t: CallTruth): CallTruth => ({ ...t, parties: [...t.parties].sort((a, b) => (a.id < b.id ? -1 : 1)) })

const foldAll = (lines: ReadonlyArray<string>): Map<string, TelephonySessionBody[]> => {
  const sessions = new Map<string, TelephonySessionBody[]>()
  for (const line of lines) {
    const decoded = decodeLine(line)
    if (E.isLeft(decoded)) continue
    const n = decoded.right.notification
    if (n.kind !== 'telephony-session') continue
    const id = n.body.telephonySessionId
    sessions.set(id, [...(sessions.get(id) ?? []), n.body])
  }
  return sessions
}

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

test('decode + group + foldSession over the noisy stream reproduces the truth of every session', () => {
  const noisy = run({ ...options, malformedRate: 0.02, duplicateRate: 0.05, reorderRate: 0.1 })
  const sessions = foldAll(noisy.lines)
  const expected = noisy.truths.map((t) => byId(t))
  const actual = noisy.truths.map((t) =>
    byId(asTruth(foldSession(t.telephonySessionId, sessions.get(t.telephonySessionId) ?? []), t.scenario))
  )
  assert.equal(sessions.size, noisy.truths.length)
  // Compared session by session so a failure shows the sessions that differ, not a 1,600-element diff.
  const wrong = actual.filter((a, i) => JSON.stringify(a) !== JSON.stringify(expected[i]))
  const wrongIds = new Set(wrong.map((w) => w.telephonySessionId))
  assert.equal(
    wrong,
    expected.filter((e) => wrongIds.has(e.telephonySessionId))
  )
  assert.ok(expected.length > 1500)
})

test.run()
