/**
 * `callstate stats` over a generated day (300 calls: queue calls answered and abandoned, IVR routing, transfers,
 * park, conference, RingOut, voicemail, device switch, ends told only by presence, a few never-ending calls; no
 * noise), against numbers computed here from the simulator's --truth file (what the script decided happened), not by
 * the code under test. The counting rules are packages/projections/src/analytics (counting.ts, counts.ts, linked.ts,
 * stats.ts) and docs/analytics.md, written out again below over the truth's plain data. The report is made now,
 * long after the simulated day, so the calls whose end never came count as stale (`unknownEnd`).
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

type Row = ReturnType<typeof zeroRow>

/** A call as one extension (a user's, or the queue's) saw it, from the truth. */
interface Keyed {
  readonly ext: string
  readonly session: string
  /** The session's start: every call of a session falls in the same bucket. */
  readonly startedAt: string
  readonly direction: 'inbound' | 'outbound'
  readonly answered: boolean
  readonly outcome: string
  readonly ringMs: number
  readonly talkMs: number
  readonly holdMs: number
  /** The queue's view of a queue call. */
  readonly queue: boolean
}

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

const sum = <A>(xs: ReadonlyArray<A>, f: (x: A) => number): number => xs.reduce((n, x) => n + f(x), 0)

/** RingOut: the user's party is the Initiator (the Target is the PSTN number): an outbound call. */
const directionOf = (s: TruthSession, p: TruthParty): Keyed['direction'] =>
  s.scenario === 'ringout' || p.direction === 'Outbound' ? 'outbound' : 'inbound'

/** The queue counts the call once: answered when a member answered, with that member's times. */
const queueCall = (s: TruthSession, queueId: string, members: ReadonlyArray<TruthParty>): Keyed => {
  const winner = members.find((m) => m.answered)
  const unanswered = members.some((m) => m.outcome === 'voicemail')
    ? 'voicemail'
    : members.some((m) => m.outcome === 'in-progress')
      ? 'in-progress'
      : members.some((m) => m.outcome === 'unknown-end')
        ? 'unknown-end'
        : 'missed'
  return {
    ext: queueId,
    session: s.telephonySessionId,
    startedAt: s.startedAt,
    direction: 'inbound',
    answered: winner !== undefined,
    outcome: winner?.outcome ?? unanswered,
    ringMs: winner?.ringMs ?? Math.max(0, ...members.map((m) => m.ringMs)),
    talkMs: winner?.talkMs ?? 0,
    holdMs: winner?.holdMs ?? 0,
    queue: true
  }
}

/** The calls one session contributes, one per extension. */
const keyedOf = (s: TruthSession): Keyed[] => {
  const members = s.parties.filter((p) => p.extensionId !== undefined && p.queueCall)
  const queues = s.queue === null || members.length === 0 ? [] : [queueCall(s, s.queue.id, members)]
  // Members who did not pick up are not counted at all, nor is an IVR leg that passed the call on.
  const counted = s.parties.filter(
    (p) => p.extensionId !== undefined && (!p.queueCall || p.answered) && p.outcome !== 'routed'
  )
  const exts = [...new Set(counted.map((p) => p.extensionId ?? ''))].filter((e) => !queues.some((q) => q.ext === e))
  const users = exts.flatMap((ext): Keyed[] => {
    // The truth lists parties in the order they began; a switched call's party on the new device ends last.
    const own = counted.filter((p) => p.extensionId === ext)
    const first = own[0]
    const last = own[own.length - 1]
    if (first === undefined || last === undefined) return []
    const direction = directionOf(s, first)
    const others = s.parties.filter((p) => p.extensionId !== ext)
    // Outbound: the far end picked up; with only the extension's own parties known, its own Answered stands.
    const answered =
      direction === 'outbound' && others.length > 0 ? others.some((p) => p.answered) : own.some((p) => p.answered)
    return [
      {
        ext,
        session: s.telephonySessionId,
        startedAt: s.startedAt,
        direction,
        answered,
        outcome: direction === 'outbound' && last.outcome === 'missed' ? 'cancelled' : last.outcome,
        ringMs: sum(own, (p) => p.ringMs),
        talkMs: sum(own, (p) => p.talkMs),
        holdMs: sum(own, (p) => p.holdMs),
        queue: false
      }
    ]
  })
  return [...users, ...queues]
}

/**
 * One customer call (the sessions sharing a callId): per extension, its calls in those sessions merged into one:
 * the first one's direction and start, answered if any was, transferred if any leg was, otherwise the last one's
 * outcome, the times summed.
 */
const customerCalls = (sessions: ReadonlyArray<TruthSession>): Keyed[] => {
  const keyed = sessions.flatMap(keyedOf)
  const exts = [...new Set(keyed.map((k) => k.ext))]
  return exts.flatMap((ext): Keyed[] => {
    const mine = keyed
      .filter((k) => k.ext === ext)
      .sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : a.session < b.session ? -1 : 1))
    const first = mine[0]
    const last = mine[mine.length - 1]
    if (first === undefined || last === undefined) return []
    return [
      {
        ...first,
        answered: mine.some((k) => k.answered),
        outcome: mine.some((k) => k.outcome === 'transferred') ? 'transferred' : last.outcome,
        ringMs: sum(mine, (k) => k.ringMs),
        talkMs: sum(mine, (k) => k.talkMs),
        holdMs: sum(mine, (k) => k.holdMs)
      }
    ]
  })
}

const byCall = (truth: ReadonlyArray<TruthSession>): TruthSession[][] => {
  const groups = new Map<number, TruthSession[]>()
  for (const s of truth) groups.set(s.callId, [...(groups.get(s.callId) ?? []), s])
  return [...groups.values()]
}

const b = (x: boolean): number => (x ? 1 : 0)

/**
 * Adds one call to a row: one extension's call (with the extension dimension), or a `whole` customer call, its
 * extensions' calls together (without it: then a queue's answered call adds no time, its member's is counted).
 */
const add = (r: Row, calls: ReadonlyArray<Keyed>, whole: boolean): void => {
  const any = (f: (c: Keyed) => boolean): boolean => calls.some(f)
  const answered = any((c) => c.answered)
  const timed = whole ? calls.filter((c) => !(c.queue && c.answered)) : calls
  r.calls++
  r.inbound += b(any((c) => c.direction === 'inbound'))
  r.outbound += b(any((c) => c.direction === 'outbound'))
  r.answered += b(answered)
  r.missed += b(any((c) => c.outcome === 'missed') && !answered)
  r.voicemail += b(any((c) => c.outcome === 'voicemail'))
  r.cancelled += b(any((c) => c.outcome === 'cancelled') && !answered)
  r.transferred += b(any((c) => c.outcome === 'transferred'))
  r.unknownEnd += b(any((c) => c.outcome === 'unknown-end'))
  r.ringMs += sum(timed, (c) => c.ringMs)
  r.talkMs += sum(timed, (c) => c.talkMs)
  r.holdMs += sum(timed, (c) => c.holdMs)
}

const finish = (r: Row): Row => ({
  ...r,
  avgRingMs: r.calls === 0 ? 0 : Math.round(r.ringMs / r.calls),
  avgTalkMs: r.answered === 0 ? 0 : Math.round(r.talkMs / r.answered),
  avgHoldMs: r.answered === 0 ? 0 : Math.round(r.holdMs / r.answered)
})

const expectedByExtension = (truth: ReadonlyArray<TruthSession>): Row[] => {
  const rows = new Map<string, Row>()
  const row = (ext: string): Row => {
    const r = rows.get(ext) ?? zeroRow(ext)
    rows.set(ext, r)
    return r
  }
  for (const group of byCall(truth)) for (const c of customerCalls(group)) add(row(c.ext), [c], false)
  // Each call sent to voicemail leaves one message for the user whose party went to voicemail.
  for (const s of truth)
    if (s.scenario === 'inbound-voicemail')
      for (const p of s.parties)
        if (p.extensionId !== undefined && p.outcome === 'voicemail') row(p.extensionId).voicemailsLeft++
  return [...rows.values()].map(finish).sort((x, y) => (x.key < y.key ? -1 : 1))
}

const expectedAll = (truth: ReadonlyArray<TruthSession>): Row => {
  const r = zeroRow('all')
  for (const group of byCall(truth)) {
    const calls = customerCalls(group)
    if (calls.length > 0) add(r, calls, true)
  }
  r.voicemailsLeft = truth.filter((s) => s.scenario === 'inbound-voicemail').length
  return finish(r)
}

/** Now, with a threshold far shorter than the time since the simulated day: the never-ending calls are stale. */
const statsJson = (...args: string[]): unknown =>
  JSON.parse(callstate(data, 'stats', '--json', '--stale-after', '1h', ...args))

test('the generated day has the cases this test is about', () => {
  callstate(data, 'import', dayFile)
  const truth = readTruth(truthFile)
  const scenarios = new Set(truth.map((s) => s.scenario))
  for (const s of [
    'call-queue',
    'blind-transfer',
    'attended-transfer',
    'conference-merge',
    'ringout',
    'inbound-voicemail',
    'inbound-missed',
    'presence-closed',
    'unending'
  ])
    assert.ok(scenarios.has(s), s)
  const outcomes = new Set(truth.flatMap((s) => s.parties.map((p) => p.outcome)))
  for (const o of ['not-picked-up', 'routed', 'unknown-end']) assert.ok(outcomes.has(o), o)
  assert.ok(truth.some((s) => s.queue?.abandoned === true))
  // The queue the notifications name is the truth's.
  assert.equal([...queueIds()], [...new Set(truth.flatMap((s) => (s.queue === null ? [] : [s.queue.id])))])
})

test('--by extension matches the truth', () => {
  const truth = readTruth(truthFile)
  const expected = expectedByExtension(truth)
  assert.equal(statsJson('--by', 'extension'), expected)
  // The queue row: every queue call once, and nobody's row counts the members who did not answer.
  const [queue] = [...queueIds()]
  const queueRow = expected.find((r) => r.key === queue)
  assert.equal(queueRow?.calls, truth.filter((s) => s.scenario === 'call-queue').length)
  assert.equal(queueRow?.missed, truth.filter((s) => s.queue?.abandoned === true).length)
})

test('no --by: one row, all, matches the truth; --by day is the same single day', () => {
  const truth = readTruth(truthFile)
  const all = expectedAll(truth)
  assert.equal(statsJson(), [all])
  // One call per scripted call: a transfer or a conference is one call over its sessions.
  assert.equal(all.calls, 300)
  // 300 calls from 09:00 UTC at a busy office's pace all start on 2026-01-05.
  assert.equal(statsJson('--by', 'day'), [{ ...all, key: '2026-01-05' }])
  assert.equal(
    statsJson('--by', 'extension,day'),
    expectedByExtension(truth).map((r) => ({ ...r, key: `${r.key}|2026-01-05` }))
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
