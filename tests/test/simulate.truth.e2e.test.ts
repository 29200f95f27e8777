/**
 * The whole product against the simulator's ground truth: a noisy simulated day (duplicates, reordering,
 * malformed lines) goes through `callstate import`, the read models, and `callstate sessions --json`, and every
 * call comes back exactly as the simulator says it happened: status, parties, outcomes, ring/talk/hold ms.
 * The truth is the simulator's own script, not callstate's fold.
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
  readonly outcome: string
  readonly ringMs: number
  readonly talkMs: number
  readonly holdMs: number
}
interface Truth {
  readonly telephonySessionId: string
  readonly status: string
  readonly parties: ReadonlyArray<TruthParty>
}
interface SessionOut {
  readonly telephonySessionId: string
  readonly status: string
  readonly parties: ReadonlyArray<{
    readonly id: string
    readonly extensionId: string | null
    readonly direction: string | null
    readonly outcome: string
    readonly metrics: { readonly ringMs: number; readonly talkMs: number; readonly holdMs: number }
  }>
}

const dir = tempDir('sim-truth')
const truthFile = path.join(dir, 'truth.ndjson')
const dataDir = path.join(dir, 'data')

const asTruth = (s: SessionOut): Truth => ({
  telephonySessionId: s.telephonySessionId,
  status: s.status,
  parties: [...s.parties]
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((p) => ({
      id: p.id,
      ...(p.extensionId === null ? {} : { extensionId: p.extensionId }),
      direction: p.direction ?? '',
      outcome: p.outcome,
      ringMs: p.metrics.ringMs,
      talkMs: p.metrics.talkMs,
      holdMs: p.metrics.holdMs
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
    // the scenario name is the simulator's label, not something callstate reports
    .map((t) => ({
      telephonySessionId: t.telephonySessionId,
      status: t.status,
      parties: [...t.parties].sort((a, b) => (a.id < b.id ? -1 : 1))
    }))
  // Stored state, clock-free: no --at, and a stale threshold past the simulated day, so live calls keep their
  // live status and their open spans count up to their last event, as the truth does.
  const listed = cli(['sessions', '--data-dir', dataDir, '--json', '--limit', '10000', '--stale-after', '100000h'])
  assert.is(listed.code, 0, listed.stderr)
  const sessions = new Map((JSON.parse(listed.stdout) as SessionOut[]).map((s) => [s.telephonySessionId, asTruth(s)]))
  assert.is(sessions.size, truths.length)
  const wrong = truths.filter((t) => JSON.stringify(sessions.get(t.telephonySessionId)) !== JSON.stringify(t))
  assert.equal(
    wrong.map((t) => sessions.get(t.telephonySessionId)),
    wrong
  )
  assert.ok(truths.length >= 400)
})

test.run()
