import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import fc from 'fast-check'
import type { StoredEvent } from '@callstate/projections'
import { openSqliteStore, type SqliteEventStore } from '@callstate/sqlite'
import { importFile, importStream, type ImportOptions } from '../src/import-stream.js'
import type { IngestReport } from '../src/ingest.js'
import { classifyLines } from '../src/classify-lines.js'
import { lineCutter, type LinePiece } from '../src/line-pieces.js'
import { startPool } from '../src/worker-pool.js'
import { decodeReply, encodeReply } from '../src/worker-protocol.js'
import { DEFAULT_OPTIONS, simulateLines } from '@callstate/simulator'

const PAYLOADS = `${process.env['CALLSTATE_SHARED_DIR'] ?? '/work/shared'}/payloads`
const NOW = '2024-05-01T12:00:00.000Z'
const now = () => new Date(NOW)

const work = mkdtempSync(path.join(tmpdir(), 'callstate-workers-'))
let stores = 0
const openStore = (): SqliteEventStore => {
  const opened = openSqliteStore({ dataDir: path.join(work, `store-${++stores}`), durability: 'normal' })
  if (E.isLeft(opened)) throw new Error(`store did not open: ${JSON.stringify(opened.left)}`)
  return opened.right
}

const readLog = (store: SqliteEventStore): StoredEvent[] => {
  const events: StoredEvent[] = []
  for (const batch of store.iterateAll(0, 10_000)) {
    if (E.isLeft(batch)) throw new Error(JSON.stringify(batch.left))
    events.push(...batch.right)
  }
  return events
}

/** Every kind of line a file can hold, around a simulated day with duplicates, reordering and broken lines. */
const mixedLines = (): string[] => {
  const simulated = [
    ...simulateLines({
      ...DEFAULT_OPTIONS,
      calls: 700,
      seed: 7,
      duplicateRate: 0.05,
      reorderRate: 0.05,
      malformedRate: 0.02
    })
  ]
  const ws = [...simulateLines({ ...DEFAULT_OPTIONS, calls: 60, seed: 8, format: 'ws' })]
  const envelope: unknown = JSON.parse(simulated[0] ?? '{}')
  const conflicting = typeof envelope === 'object' && envelope !== null ? { ...envelope, subscriptionId: 'other' } : {}
  const capture = JSON.parse(readFileSync(`${PAYLOADS}/01-pstn-to-rc-via-ivr-answered-hold-unhold-hangup.json`, 'utf8'))
  return [
    ...simulated.slice(0, 2000),
    '',
    '   ',
    JSON.stringify(capture),
    `${simulated[5] ?? ''}\r`,
    'not json at all',
    '{"hello":1}',
    '[]',
    JSON.stringify([JSON.parse(simulated[10] ?? '{}'), JSON.parse(simulated[11] ?? '{}')]),
    JSON.stringify(conflicting),
    ...ws,
    ...simulated.slice(2000)
  ]
}

interface Run {
  readonly result: unknown
  readonly reports: IngestReport[]
  readonly log: StoredEvent[]
}

const importInto = async (file: string, options: ImportOptions): Promise<Run> => {
  const store = openStore()
  const reports: IngestReport[] = []
  const result = await importFile(store, file, { now, batchSize: 700, ...options, onBatch: (r) => reports.push(r) })()
  const log = readLog(store)
  await store.close()
  return { result, reports, log }
}

test('the mixed file is large enough to be cut into several pieces (so workers do start)', () => {
  const bytes = Buffer.from(`${mixedLines().join('\n')}\n`)
  assert.ok(bytes.length > 2 * (1 << 20), `${bytes.length} bytes`)
})

test('workers store exactly what the main thread stores: same events, positions, outcomes and totals', async () => {
  const file = path.join(work, 'mixed.ndjson')
  writeFileSync(file, `\uFEFF${mixedLines().join('\n')}\n`)
  const inThread = await importInto(file, { workers: 0 })
  for (const workers of [1, 2]) {
    const withWorkers = await importInto(file, { workers })
    assert.equal(withWorkers, inThread, `${workers} worker(s)`)
  }
  // And the run is not trivially equal: every kind of outcome is there.
  const tags = new Set(inThread.reports.flatMap((r) => r.outcomes.map((o) => o._tag)))
  assert.equal([...tags].sort(), ['appended', 'conflict', 'duplicate', 'quarantined'])
  assert.ok(inThread.log.length > 2500)
})

test('a second import through workers finds every notification already there', async () => {
  const file = path.join(work, 'again.ndjson')
  const lines = [...simulateLines({ ...DEFAULT_OPTIONS, calls: 1200, seed: 9 })]
  writeFileSync(file, `${lines.join('\n')}\n`)
  const store = openStore()
  const first = await importFile(store, file, { now, workers: 2 })()
  const second = await importFile(store, file, { now, workers: 2 })()
  await store.close()
  assert.equal(
    [first, second],
    [
      E.right({ read: lines.length, appended: lines.length, duplicates: 0, quarantined: 0 }),
      E.right({ read: lines.length, appended: 0, duplicates: lines.length, quarantined: 0 })
    ]
  )
})

test('a pretty-printed array and a stream of small chunks take the main-thread path with the same result', async () => {
  const text = readFileSync(`${PAYLOADS}/04-outbound-call-control-js-fixtures-setup-proceeding-disconnected-gap.json`)
  const chunks = (bytes: Buffer, size: number): Buffer[] =>
    Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size))
  const run = async (workers: number, input: Buffer) => {
    const store = openStore()
    async function* stream() {
      yield* chunks(input, 7)
    }
    const result = await importStream(store, stream(), 'f', 'stdin', { now, workers })()
    const log = readLog(store)
    await store.close()
    return { result, log }
  }
  const ndjson = Buffer.from(`\n\n${[...simulateLines({ ...DEFAULT_OPTIONS, calls: 5 })].join('\r\n')}`)
  for (const input of [text, ndjson]) {
    const inThread = await run(0, input)
    assert.equal(await run(2, input), inThread)
    assert.ok(inThread.log.length > 0)
  }
})

test('blank input reads nothing, with or without workers', async () => {
  for (const workers of [0, 2]) {
    const store = openStore()
    async function* stream() {
      yield '\n  \n'
      yield Buffer.from('\r\n')
    }
    const result = await importStream(store, stream(), 'f', 'stdin', { workers })()
    await store.close()
    assert.equal(result, E.right({ read: 0, appended: 0, duplicates: 0, quarantined: 0 }))
  }
})

test('the line cutter: pieces of whole lines that give back the input and number their lines', () => {
  fc.assert(
    fc.property(
      fc.array(fc.string({ unit: 'grapheme', maxLength: 30 }), { maxLength: 40 }),
      fc.boolean(),
      fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 10 }),
      fc.integer({ min: 1, max: 64 }),
      (lines, trailing, cuts, target) => {
        const input = Buffer.from(lines.map((l) => l.replace(/\n/g, ' ')).join('\n') + (trailing ? '\n' : ''))
        const cutter = lineCutter(target)
        const pieces: LinePiece[] = []
        let at = 0
        for (let i = 0; at < input.length; i++) {
          const size = cuts[i % cuts.length] ?? 1
          const piece = cutter.push(input.subarray(at, at + size))
          if (piece) pieces.push(piece)
          at += size
        }
        const last = cutter.end()
        if (last) pieces.push(last)
        assert.equal(Buffer.concat(pieces.map((p) => p.bytes)).toString(), input.toString())
        let line = 1
        for (const [i, p] of pieces.entries()) {
          assert.is(p.firstLine, line)
          if (i < pieces.length - 1) assert.is(p.bytes.at(-1), 0x0a)
          line += p.bytes.toString().split('\n').length - 1
        }
      }
    )
  )
})

test('a worker answers each piece with what the main thread would prepare from it', async () => {
  const lines = mixedLines()
  const pieces = [lines.slice(0, 900), lines.slice(900, 901), lines.slice(901, 2600)].map((part, i) => ({
    bytes: Buffer.from(`${part.join('\n')}\n`),
    firstLine: 1 + i * 1000
  }))
  const pool = startPool(2, { name: 'w.ndjson', source: 'import-file' })
  const ready = await Promise.all(pieces.map((p) => pool.classify(p, NOW)))
  const answers = ready.map((take) => take())
  await pool.close()
  const expected = pieces.map((p) =>
    E.right(classifyLines(p.bytes.toString(), p.firstLine, 'w.ndjson', 'import-file', NOW))
  )
  assert.equal(answers, expected)
})

test('the reply encoding round-trips and refuses what is not a reply', () => {
  const prepared = classifyLines(mixedLines().join('\n'), 1, 'f', 'stdin', NOW)
  assert.equal(decodeReply(encodeReply(prepared), NOW, 'stdin'), prepared)
  const { fields, quarantined } = encodeReply(prepared)
  assert.is(decodeReply({ fields: fields.slice(0, -1), quarantined }, NOW, 'stdin'), undefined)
  assert.is(decodeReply({ fields, quarantined: quarantined.slice(1) }, NOW, 'stdin'), undefined)
  assert.is(
    decodeReply({ fields: fields.map((f, i) => (i === 7 ? 'NotAType' : f)), quarantined }, NOW, 'stdin'),
    undefined
  )
  assert.is(decodeReply([], NOW, 'stdin'), undefined)
})

test('a worker that cannot start is a WorkerFailure value, for every request', async () => {
  const setup: { name: string; source: 'stdin' } = JSON.parse('{"name":"f","source":"carrier-pigeon"}')
  const pool = startPool(1, setup)
  const piece = { bytes: Buffer.from('{}\n'), firstLine: 1 }
  const ready = await Promise.all([pool.classify(piece, NOW), pool.classify(piece, NOW)])
  const answers = ready.map((take) => take())
  await pool.close()
  assert.equal(
    answers.map((a) => (E.isLeft(a) ? a.left._tag : 'answered')),
    ['WorkerFailure', 'WorkerFailure']
  )
  const first = answers[0]
  assert.ok(first !== undefined && E.isLeft(first) && first.left.cause.includes('unexpected setup'))
})

test.run()
