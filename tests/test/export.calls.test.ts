/**
 * `callstate export calls`: a generated day exported is complete (every party of every ended call exactly once,
 * checked against the simulator's --truth file, with its outcome and times) and stable (same bytes on re-run);
 * CSV has a header and one line per record; --follow writes the record of a call that ends while it runs.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { callstate, callstateChild, callstateRaw, payload, readTruth, tempDir } from './stats.support.js'

const dir = tempDir()
const data = path.join(dir, 'data')
const truthFile = path.join(dir, 'truth.ndjson')
const dayFile = path.join(dir, 'day.ndjson')

type Rec = Readonly<Record<string, unknown>>
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v)
const records = (ndjson: string): Rec[] =>
  ndjson
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const v: unknown = JSON.parse(l)
      if (!isRec(v)) throw new Error(`not an object: ${l}`)
      return v
    })

test('the export of a day: every party of every ended or stale call exactly once, as the truth says', () => {
  writeFileSync(dayFile, callstate(data, 'simulate', '--calls', '300', '--seed', '11', '--truth', truthFile))
  callstate(data, 'import', dayFile)
  const exported = records(callstate(data, 'export', 'calls', '--from', '2026-01-05', '--to', '2026-01-06'))
  const truth = readTruth(truthFile)
  // The calls that never end are long stale now (the day is in 2026-01): exported too, their live parties
  // `unknown-end`, as the truth says.
  const expected = truth
    .flatMap((s) =>
      s.parties.map((p) => ({
        key: `${s.telephonySessionId} ${p.id}`,
        outcome: p.outcome,
        ringMs: p.ringMs,
        talkMs: p.talkMs,
        holdMs: p.holdMs
      }))
    )
    .sort((a, b) => (a.key < b.key ? -1 : 1))
  const got = exported
    .map((r) => ({
      key: `${String(r['telephonySessionId'])} ${String(r['partyId'])}`,
      outcome: r['outcome'],
      ringMs: r['ringMs'],
      talkMs: r['talkMs'],
      holdMs: r['holdMs']
    }))
    .sort((a, b) => (a.key < b.key ? -1 : 1))
  assert.ok(
    truth.some((s) => s.status !== 'ended'),
    'the day has calls that never end; they are exported once stale'
  )
  assert.ok(exported.some((r) => r['outcome'] === 'unknown-end' && r['endedBy'] === 'stale'))
  assert.equal(got, expected)
})

test('the export is stable: same store, same bytes; ordered by session start, session id, party id', () => {
  const first = callstate(data, 'export', 'calls')
  assert.equal(callstate(data, 'export', 'calls'), first)
  const keys = records(first).map((r) => [
    String(r['sessionStartedAt']),
    String(r['telephonySessionId']),
    String(r['partyId'])
  ])
  const sorted = [...keys].sort((a, b) => (a.join('\u0000') < b.join('\u0000') ? -1 : 1))
  assert.equal(keys, sorted)
  // --from/--to select by the call's start, [from, to): the two halves make the whole.
  const before = records(callstate(data, 'export', 'calls', '--to', '2026-01-05T11:00:00Z')).length
  const after = records(callstate(data, 'export', 'calls', '--from', '2026-01-05T11:00:00Z')).length
  assert.ok(before > 0 && after > 0)
  assert.equal(before + after, keys.length)
})

test('CSV: a header, then one line per record, same order, stable', () => {
  const csv = callstate(data, 'export', 'calls', '--format', 'csv')
  assert.equal(callstate(data, 'export', 'calls', '--format', 'csv'), csv)
  const lines = csv.split('\n').filter((l) => l !== '')
  const ndjson = records(callstate(data, 'export', 'calls'))
  assert.equal(lines[0]?.split(',').slice(0, 12), [
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
    'holdMs'
  ])
  assert.equal(lines.length, ndjson.length + 1)
  // Simulated caller names have no commas or quotes, so a plain split reads the fields back.
  assert.equal(
    lines.slice(1).map((l) => l.split(',').slice(0, 2).join(' ')),
    ndjson.map((r) => `${String(r['telephonySessionId'])} ${String(r['partyId'])}`)
  )
  assert.equal(callstateRaw(data, 'export', 'calls', '--format', 'xml').code, 2)
})

/** Resolves once `child`'s stdout has `n` lines; rejects if it exits first. */
const lines = (child: ReturnType<typeof callstateChild>) => {
  let out = ''
  let err = ''
  const waiting: Array<{ n: number; resolve: (l: string[]) => void }> = []
  const all = (): string[] => out.split('\n').filter((l) => l !== '')
  const check = (): void => {
    for (const w of [...waiting])
      if (all().length >= w.n) {
        waiting.splice(waiting.indexOf(w), 1)
        w.resolve(all())
      }
  }
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString()
    check()
  })
  child.stderr.on('data', (c: Buffer) => (err += c.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve))
  return {
    atLeast: (n: number): Promise<string[]> =>
      Promise.race([
        new Promise<string[]>((resolve) => {
          waiting.push({ n, resolve })
          check()
        }),
        exited.then((code) => {
          throw new Error(`export exited (${String(code)}) before ${n} lines: ${err}`)
        }),
        // A guard against hanging the suite, not a speed requirement: the record normally comes within a second.
        new Promise<string[]>((_, reject) =>
          setTimeout(() => {
            child.kill('SIGKILL')
            reject(new Error(`no ${n} lines after 60 s: ${out}${err}`))
          }, 60_000).unref()
        )
      ]),
    exited,
    all,
    stderr: () => err
  }
}

/**
 * A fresh data directory holding capture 01 whole (an ended call, three parties) and capture 02 without its final
 * notification (the callee's Disconnected): the caller has ended, the callee is still Answered. Returns that last
 * notification.
 */
const withCallOpen = (): { followDir: string; follow: string; final: unknown } => {
  const followDir = tempDir()
  const follow = path.join(followDir, 'data')
  const p02: unknown = JSON.parse(readFileSync(payload('02'), 'utf8'))
  if (!Array.isArray(p02)) throw new Error('capture 02 is not an array')
  callstate(follow, 'import', payload('01'))
  const head = path.join(followDir, '02-head.json')
  writeFileSync(head, JSON.stringify(p02.slice(0, -1)))
  callstate(follow, 'import', head)
  return { followDir, follow, final: p02[p02.length - 1] }
}

test('--follow: a call that ends while it runs is written once, then SIGTERM stops it cleanly', async () => {
  const { followDir, follow, final } = withCallOpen()
  const last = path.join(followDir, '02-last.json')
  writeFileSync(last, JSON.stringify([final]))

  // The captures are from 2020: a stale threshold of a century keeps the open call live (not exported as stale).
  const child = callstateChild(follow, 'export', 'calls', '--follow', '--stale-after', '36500d')
  const out = lines(child)
  const before = await out.atLeast(3) // the three parties of 01: the snapshot
  assert.equal(
    before.map((l) => records(l)[0]?.['telephonySessionId']),
    Array(3).fill('s-718107795d564867a6f635fd81e89940')
  )
  callstate(follow, 'import', last)
  const after = await out.atLeast(5)
  const ended = after.slice(3).flatMap(records)
  assert.equal(
    ended.map((r) => [r['telephonySessionId'], r['partyId'], r['outcome'], r['ringMs'], r['talkMs']]),
    [
      // the caller talks from the callee's answer (17:21.084): 3931 + 5717
      ['s-f9badb80011344259059d6894a30ace2', 'p-f9badb80011344259059d6894a30ace2-1', 'completed', 0, 9648],
      // Proceeding 17:14.410 -> Answered 17:21.084 = 6674; talk to Disconnected 17:35.061 = 13977
      ['s-f9badb80011344259059d6894a30ace2', 'p-f9badb80011344259059d6894a30ace2-2', 'completed', 6674, 13977]
    ]
  )
  // The same notification again changes nothing: no record twice.
  callstate(follow, 'import', last)
  callstate(follow, 'import', payload('03'))
  await out.atLeast(7)
  child.kill('SIGTERM')
  assert.equal(await out.exited, 0)
  const keys = out
    .all()
    .flatMap(records)
    .map((r) => `${String(r['telephonySessionId'])} ${String(r['partyId'])}`)
  assert.equal(keys.length, 7)
  assert.equal(new Set(keys).size, 7)
})

test('a call whose end never came is written once stale, and again with what ended it when its end arrives', async () => {
  const { followDir, follow, final } = withCallOpen()
  const last = path.join(followDir, '02-last.json')
  writeFileSync(last, JSON.stringify([final]))
  // Capture 02's callee has had no event since 2020: stale at the default threshold (4 h).
  const child = callstateChild(follow, 'export', 'calls', '--follow')
  const out = lines(child)
  const snapshot = (await out.atLeast(5)).flatMap(records)
  assert.equal(
    snapshot.slice(3).map((r) => [r['partyId'], r['outcome'], r['endedBy'], r['endedAt']]),
    [
      ['p-f9badb80011344259059d6894a30ace2-1', 'completed', 'event', '2020-06-23T01:17:35.051Z'],
      ['p-f9badb80011344259059d6894a30ace2-2', 'unknown-end', 'stale', null]
    ]
  )
  callstate(follow, 'import', last)
  const ended = (await out.atLeast(6)).slice(5).flatMap(records)
  child.kill('SIGTERM')
  assert.equal(await out.exited, 0)
  assert.equal(
    ended.map((r) => [r['partyId'], r['outcome'], r['endedBy']]),
    [['p-f9badb80011344259059d6894a30ace2-2', 'completed', 'event']]
  )
})

test('--follow: a call that ends when its last live leg moves (CallSwitch) is written too', async () => {
  const { followDir, follow, final } = withCallOpen()
  // The callee's leg moves to another device (Disconnected, reason CallSwitch) and nothing else arrives:
  // no party ends in that notification, yet the session has ended (one party ended, the other moved).
  assert.ok(isRec(final) && isRec(final['body']))
  if (!isRec(final) || !isRec(final['body'])) return
  const body = final['body']
  const parties = body['parties']
  assert.ok(Array.isArray(parties) && isRec(parties[0]) && isRec(parties[0]['status']))
  if (!Array.isArray(parties) || !isRec(parties[0]) || !isRec(parties[0]['status'])) return
  const moved = {
    ...final,
    uuid: `${String(final['uuid'])}-moved`,
    body: {
      ...body,
      parties: [{ ...parties[0], status: { ...parties[0]['status'], code: 'Disconnected', reason: 'CallSwitch' } }]
    }
  }
  const movedFile = path.join(followDir, '02-moved.json')
  writeFileSync(movedFile, JSON.stringify([moved]))

  const child = callstateChild(follow, 'export', 'calls', '--follow', '--stale-after', '36500d')
  const out = lines(child)
  await out.atLeast(3) // the three parties of 01: the snapshot is written, export now follows
  callstate(follow, 'import', movedFile)
  const written = (await out.atLeast(5)).slice(3).flatMap(records)
  child.kill('SIGTERM')
  assert.equal(await out.exited, 0)
  assert.equal(
    written.map((r) => [r['telephonySessionId'], r['partyId'], r['outcome']]),
    [
      ['s-f9badb80011344259059d6894a30ace2', 'p-f9badb80011344259059d6894a30ace2-1', 'completed'],
      ['s-f9badb80011344259059d6894a30ace2', 'p-f9badb80011344259059d6894a30ace2-2', 'completed']
    ]
  )
})

test.run()
