/**
 * The whole product against the simulator's ground truth: a noisy simulated day (duplicates, reordering,
 * malformed lines, ends that only presence tells) goes through `callstate import`, the read models, and
 * `callstate sessions --json`, and every call comes back exactly as the simulator says it happened: status, start
 * and end, parties, outcomes, what ended each party, ring/talk/hold ms, the queue a leg was rung for. The truth is
 * the simulator's own script, not callstate's fold, and it is what a report made long after the day sees: the
 * query runs now (the simulated day is in 2026-01) with a short stale threshold, so the calls whose end never came
 * are stale, their live parties `unknown-end`.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { cli, tempDir } from './cli-helpers.js'

interface TruthParty {
  readonly id: string
  readonly extensionId?: string
  readonly direction: string
  readonly queueCall: boolean
  readonly answered: boolean
  readonly outcome: string
  readonly endedBy: string | null
  readonly ringMs: number
  readonly talkMs: number
  readonly holdMs: number
}
interface Truth {
  readonly telephonySessionId: string
  readonly status: string
  readonly startedAt: string
  readonly endedAt: string | null
  readonly parties: ReadonlyArray<TruthParty>
  readonly queue: { readonly id: string; readonly name: string } | null
}
interface SessionOut {
  readonly telephonySessionId: string
  readonly status: string
  readonly startedAt: string | null
  readonly endedAt: string | null
  readonly parties: ReadonlyArray<{
    readonly id: string
    readonly extensionId: string | null
    readonly direction: string | null
    readonly history: ReadonlyArray<{ readonly status: string }>
    readonly outcome: string
    readonly endedBy: string | null
    readonly queueCall: boolean
    readonly queue: { readonly extensionId: string | null; readonly name: string | null } | null
    readonly metrics: { readonly ringMs: number; readonly talkMs: number; readonly holdMs: number }
  }>
}

const dir = tempDir('sim-truth')
const truthFile = path.join(dir, 'truth.ndjson')
const dataDir = path.join(dir, 'data')

const byId = <P extends { readonly id: string }>(ps: ReadonlyArray<P>): P[] =>
  [...ps].sort((a, b) => (a.id < b.id ? -1 : 1))

/** callstate's answer in the truth's terms. */
const asTruth = (s: SessionOut) => ({
  telephonySessionId: s.telephonySessionId,
  status: s.status,
  startedAt: s.startedAt,
  endedAt: s.endedAt,
  parties: byId(s.parties).map((p) => ({
    id: p.id,
    extensionId: p.extensionId,
    direction: p.direction ?? '',
    queue: p.queueCall ? p.queue : null,
    answered: p.history.some((h) => h.status === 'Answered'),
    outcome: p.outcome,
    endedBy: p.endedBy,
    ringMs: p.metrics.ringMs,
    talkMs: p.metrics.talkMs,
    holdMs: p.metrics.holdMs
  }))
})

/** The truth in the same terms; the scenario and callId are the simulator's labels, not something callstate says. */
const expectedOf = (t: Truth): ReturnType<typeof asTruth> => ({
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

test('a noisy simulated day imported through callstate reproduces the truth for every call', () => {
  const simulated = cli([
    'simulate',
    '--calls',
    '400',
    '--seed',
    '11',
    '--duplicate-rate',
    '0.05',
    '--reorder-rate',
    '0.1',
    '--malformed-rate',
    '0.02',
    '--truth',
    truthFile
  ])
  assert.is(simulated.code, 0, simulated.stderr)
  const lines = simulated.stdout.split('\n').filter((l) => l.trim() !== '')
  const imported = cli(['import', '-', '--data-dir', dataDir, '--json'], { input: simulated.stdout })
  assert.is(imported.code, 0, imported.stderr)
  const counts = JSON.parse(imported.stdout) as {
    read: number
    appended: number
    duplicates: number
    quarantined: number
  }
  // every line is accounted for, the noise was seen as noise
  assert.is(counts.read, lines.length)
  assert.is(counts.appended + counts.duplicates + counts.quarantined, counts.read)
  assert.ok(counts.duplicates > 0, 'the duplicated notifications are reported as duplicates')
  assert.ok(counts.quarantined > 0, 'the malformed lines are quarantined')

  const truths: Truth[] = readFileSync(truthFile, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Truth)
  // Now, with a threshold far shorter than the time since the simulated day: every call that did not end is stale.
  const listed = cli(['sessions', '--data-dir', dataDir, '--json', '--limit', '10000', '--stale-after', '1h'])
  assert.is(listed.code, 0, listed.stderr)
  const sessions = new Map((JSON.parse(listed.stdout) as SessionOut[]).map((s) => [s.telephonySessionId, asTruth(s)]))
  assert.is(sessions.size, truths.length)
  const expected = truths.map(expectedOf)
  const wrong = expected.filter((t) => JSON.stringify(sessions.get(t.telephonySessionId)) !== JSON.stringify(t))
  assert.equal(
    wrong.map((t) => sessions.get(t.telephonySessionId)),
    wrong
  )
  assert.ok(truths.length >= 400)
  // The day has the cases this test is about.
  const outcomes = new Set(truths.flatMap((t) => t.parties.map((p) => p.outcome)))
  for (const o of ['not-picked-up', 'routed', 'unknown-end']) assert.ok(outcomes.has(o), o)
  const endedBy = new Set(truths.flatMap((t) => t.parties.map((p) => String(p.endedBy))))
  assert.equal([...endedBy].sort(), ['event', 'null', 'presence', 'stale'])
})

test.run()
