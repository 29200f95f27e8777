/**
 * `callstate stats` over a generated day (300 calls: queue calls, transfers, park, conference, RingOut,
 * voicemail, device switch, a few never-ending calls; no noise), against numbers computed here from the
 * simulator's --truth file (what the script decided happened), not by the code under test. The counting rules
 * are docs/analytics.md's, written out again below over the truth's plain data.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { callstate, readTruth, tempDir, type TruthParty, type TruthSession, zeroRow } from './stats.support.js'

const dir = tempDir()
const data = path.join(dir, 'data')
const truthFile = path.join(dir, 'truth.ndjson')
const dayFile = path.join(dir, 'day.ndjson')
// The simulator writes to stdout; keep it as a file and import it through the real import path.
writeFileSync(dayFile, callstate(data, 'simulate', '--calls', '300', '--seed', '7', '--truth', truthFile))

interface Row {
  key: string
  calls: number
  inbound: number
  outbound: number
  answered: number
  missed: number
  voicemail: number
  cancelled: number
  transferred: number
  ringMs: number
  talkMs: number
  holdMs: number
  avgRingMs: number
  avgTalkMs: number
  avgHoldMs: number
  voicemailsLeft: number
}

/** A call as one extension saw it, from the truth. */
interface Seen {
  readonly ext: string
  readonly direction: 'inbound' | 'outbound'
  readonly answered: boolean
  readonly outcome: string
  readonly ringMs: number
  readonly talkMs: number
  readonly holdMs: number
  readonly queue: boolean
}

// A party that reached Answered ends in one of these (the simulator answers before it holds, parks, transfers
// or merges); an unending call that was answered is still live in an `active` session.
const ANSWERED = new Set(['completed', 'hung-up-on-hold', 'parked', 'transferred', 'merged'])
const wasAnswered = (s: TruthSession, p: TruthParty): boolean =>
  ANSWERED.has(p.outcome) || (p.outcome === 'in-progress' && s.status === 'active')

type Rec = Readonly<Record<string, unknown>>
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v)
const list = (v: unknown): ReadonlyArray<unknown> => (Array.isArray(v) ? v : [])

/** The queue's extension id, from the notifications themselves: the `to` of parties rung for a queue. */
const queueIds = (): Set<string> => {
  const ids = new Set<string>()
  for (const line of readFileSync(dayFile, 'utf8').split('\n')) {
    if (line.trim() === '') continue
    const n: unknown = JSON.parse(line)
    const body = isRec(n) ? n['body'] : undefined
    for (const p of list(isRec(body) ? body['parties'] : undefined)) {
      if (!isRec(p) || p['queueCall'] !== true) continue
      const to = p['to']
      const id = isRec(to) ? to['extensionId'] : undefined
      if (typeof id === 'string') ids.add(id)
    }
  }
  return ids
}

const sum = (ps: ReadonlyArray<TruthParty>, f: (p: TruthParty) => number): number => ps.reduce((n, p) => n + f(p), 0)

const seenOf = (s: TruthSession, queue: string): Seen[] => {
  const users = s.parties.filter((p) => p.extensionId !== undefined)
  if (s.scenario === 'call-queue') {
    // Every user party is a member rung for the queue; only the one who answered counts, plus the queue once.
    const winner = users.find((p) => wasAnswered(s, p))
    const asQueue: Seen = {
      ext: queue,
      direction: 'inbound',
      answered: winner !== undefined,
      outcome: winner?.outcome ?? 'missed',
      ringMs: winner?.ringMs ?? Math.max(0, ...users.map((p) => p.ringMs)),
      talkMs: winner?.talkMs ?? 0,
      holdMs: winner?.holdMs ?? 0,
      queue: true
    }
    const member: Seen[] =
      winner?.extensionId === undefined
        ? []
        : [
            {
              ext: winner.extensionId,
              direction: 'inbound',
              answered: true,
              outcome: winner.outcome,
              ringMs: winner.ringMs,
              talkMs: winner.talkMs,
              holdMs: winner.holdMs,
              queue: false
            }
          ]
    return [...member, asQueue]
  }
  const exts = [...new Set(users.map((p) => p.extensionId ?? ''))]
  return exts.map((ext) => {
    const own = users.filter((p) => p.extensionId === ext)
    const first = own[0]
    const last = own[own.length - 1] // a switched call: the party on the new device ends last
    // RingOut: the user's party is the Initiator (the Target is the PSTN number): an outbound call.
    const direction = s.scenario === 'ringout' || first?.direction === 'Outbound' ? 'outbound' : 'inbound'
    const answered =
      direction === 'outbound'
        ? s.parties.some((p) => p.extensionId !== ext && wasAnswered(s, p))
        : own.some((p) => wasAnswered(s, p))
    const outcome = last?.outcome ?? 'in-progress'
    return {
      ext,
      direction,
      answered,
      outcome: direction === 'outbound' && outcome === 'missed' ? 'cancelled' : outcome,
      ringMs: sum(own, (p) => p.ringMs),
      talkMs: sum(own, (p) => p.talkMs),
      holdMs: sum(own, (p) => p.holdMs),
      queue: false
    }
  })
}

const empty = (key: string): Row => zeroRow(key)

const finish = (r: Row): Row => ({
  ...r,
  avgRingMs: r.calls === 0 ? 0 : Math.round(r.ringMs / r.calls),
  avgTalkMs: r.answered === 0 ? 0 : Math.round(r.talkMs / r.answered),
  avgHoldMs: r.answered === 0 ? 0 : Math.round(r.holdMs / r.answered)
})

const b = (x: boolean): number => (x ? 1 : 0)

const expectedByExtension = (truth: ReadonlyArray<TruthSession>, queue: string): Row[] => {
  const rows = new Map<string, Row>()
  const row = (ext: string): Row => {
    const r = rows.get(ext) ?? empty(ext)
    rows.set(ext, r)
    return r
  }
  for (const s of truth)
    for (const c of seenOf(s, queue)) {
      const r = row(c.ext)
      r.calls++
      r.inbound += b(c.direction === 'inbound')
      r.outbound += b(c.direction === 'outbound')
      r.answered += b(c.answered)
      r.missed += b(c.outcome === 'missed' && !c.answered)
      r.voicemail += b(c.outcome === 'voicemail')
      r.cancelled += b(c.outcome === 'cancelled' && !c.answered)
      r.transferred += b(c.outcome === 'transferred')
      r.ringMs += c.ringMs
      r.talkMs += c.talkMs
      r.holdMs += c.holdMs
    }
  // Each call sent to voicemail leaves one message for the user whose party went to voicemail.
  for (const s of truth)
    if (s.scenario === 'inbound-voicemail')
      for (const p of s.parties)
        if (p.extensionId !== undefined && p.outcome === 'voicemail') row(p.extensionId).voicemailsLeft++
  return [...rows.values()].map(finish).sort((x, y) => (x.key < y.key ? -1 : 1))
}

const expectedAll = (truth: ReadonlyArray<TruthSession>, queue: string): Row => {
  const r = empty('all')
  for (const s of truth) {
    const seen = seenOf(s, queue)
    if (seen.length === 0) continue
    const answered = seen.some((c) => c.answered)
    r.calls++
    r.inbound += b(seen.some((c) => c.direction === 'inbound'))
    r.outbound += b(seen.some((c) => c.direction === 'outbound'))
    r.answered += b(answered)
    r.missed += b(seen.some((c) => c.outcome === 'missed') && !answered)
    r.voicemail += b(seen.some((c) => c.outcome === 'voicemail'))
    r.cancelled += b(seen.some((c) => c.outcome === 'cancelled') && !answered)
    r.transferred += b(seen.some((c) => c.outcome === 'transferred'))
    // An answered queue call's time is its member's: count it once.
    for (const c of seen.filter((x) => !(x.queue && x.answered))) {
      r.ringMs += c.ringMs
      r.talkMs += c.talkMs
      r.holdMs += c.holdMs
    }
  }
  r.voicemailsLeft = truth.filter((s) => s.scenario === 'inbound-voicemail').length
  return finish(r)
}

const statsJson = (...args: string[]): unknown => JSON.parse(callstate(data, 'stats', '--json', ...args))

test('the generated day has the cases this test is about', () => {
  callstate(data, 'import', dayFile)
  const truth = readTruth(truthFile)
  const scenarios = new Set(truth.map((s) => s.scenario))
  for (const s of [
    'call-queue',
    'blind-transfer',
    'attended-transfer',
    'ringout',
    'inbound-voicemail',
    'inbound-missed'
  ])
    assert.ok(scenarios.has(s), s)
  assert.equal(queueIds().size, 1)
})

test('--by extension matches the truth', () => {
  const truth = readTruth(truthFile)
  const [queue] = [...queueIds()]
  assert.ok(queue !== undefined)
  if (queue === undefined) return
  const expected = expectedByExtension(truth, queue)
  assert.equal(statsJson('--by', 'extension'), expected)
  // The queue row: every queue call once, and nobody's row counts the members who did not answer.
  const queueRow = expected.find((r) => r.key === queue)
  assert.equal(queueRow?.calls, truth.filter((s) => s.scenario === 'call-queue').length)
})

test('no --by: one row, all, matches the truth; --by day is the same single day', () => {
  const truth = readTruth(truthFile)
  const [queue] = [...queueIds()]
  if (queue === undefined) return assert.unreachable('no queue')
  const all = expectedAll(truth, queue)
  assert.equal(statsJson(), [all])
  // 300 calls from 09:00 UTC at a busy office's pace all start on 2026-01-05.
  assert.equal(statsJson('--by', 'day'), [{ ...all, key: '2026-01-05' }])
  assert.equal(
    statsJson('--by', 'extension,day'),
    expectedByExtension(truth, queue).map((r) => ({ ...r, key: `${r.key}|2026-01-05` }))
  )
})

test('--from/--to select calls by start, [from, to): the hours add up to the day', () => {
  const all = statsJson()
  const before = statsJson('--to', '2026-01-05T11:00:00Z')
  const after = statsJson('--from', '2026-01-05T11:00:00Z')
  const calls = (v: unknown): number => (Array.isArray(v) && typeof v[0]?.calls === 'number' ? v[0].calls : NaN)
  assert.ok(calls(before) > 0 && calls(after) > 0)
  assert.equal(calls(before) + calls(after), calls(all))
  const hours = statsJson('--by', 'hour')
  const byHour = Array.isArray(hours) ? hours.reduce((n: number, r: { calls: number }) => n + r.calls, 0) : NaN
  assert.equal(byHour, calls(all))
})

test.run()
