/**
 * Queue figures end to end: a simulated day (queue calls answered, abandoned soon and late, by 2-4 members) goes
 * through `callstate import`; `callstate stats --by queue` reproduces what the simulator's truth says, computed here
 * from the truth's plain data with the definitions of docs/analytics.md written out again; `GET /stats?by=queue`
 * answers the same rows; `GET /queues` and `callstate queues` show a queue call ringing now as waiting.
 */
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { callstate, callstateRaw, readTruth, tempDir, type TruthSession } from './stats.support.js'
import { startTestServer } from './serve-helpers.js'

const dir = tempDir()
const data = path.join(dir, 'data')
const truthFile = path.join(dir, 'truth.ndjson')
const dayFile = path.join(dir, 'day.ndjson')
writeFileSync(dayFile, callstate(data, 'simulate', '--calls', '800', '--seed', '5', '--truth', truthFile))
callstate(data, 'import', dayFile)
const truth = readTruth(truthFile)

const ratio = (n: number, d: number): number | null => (d <= 0 ? null : Math.round((n / d) * 10_000) / 10_000)

/** The queue rows the truth implies (20 s service level, 5 s short abandons), per queue. */
const expectedRows = (sessions: ReadonlyArray<TruthSession>, answerWithinMs = 20_000, shortAbandonMs = 5_000) => {
  const byQueue = new Map<string, TruthSession[]>()
  for (const s of sessions) if (s.queue !== null) byQueue.set(s.queue.id, [...(byQueue.get(s.queue.id) ?? []), s])
  return [...byQueue.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, calls]) => {
      const qs = calls.flatMap((c) => (c.queue === null ? [] : [c.queue]))
      const answered = qs.filter((q) => q.answered)
      const abandoned = qs.filter((q) => q.abandoned)
      const short = abandoned.filter((q) => q.waitMs < shortAbandonMs).length
      const within = answered.filter((q) => q.waitMs <= answerWithinMs).length
      const waitMs = answered.reduce((n, q) => n + q.waitMs, 0)
      const agents = new Map<
        string,
        { offered: number; answered: number; notPickedUp: number; talkMs: number; holdMs: number }
      >()
      for (const a of qs.flatMap((q) => q.agents)) {
        const t = agents.get(a.extensionId) ?? { offered: 0, answered: 0, notPickedUp: 0, talkMs: 0, holdMs: 0 }
        t.offered++
        if (a.answered) t.answered++
        if (a.outcome === 'not-picked-up') t.notPickedUp++
        t.talkMs += a.talkMs
        t.holdMs += a.holdMs
        agents.set(a.extensionId, t)
      }
      return {
        key: id,
        queue: id,
        name: qs[0]?.name ?? null,
        offered: qs.length,
        answered: answered.length,
        abandoned: abandoned.length,
        shortAbandoned: short,
        voicemail: qs.filter((q) => q.voicemail).length,
        waiting: 0,
        unknownEnd: 0,
        answeredWithinThreshold: within,
        waitMs,
        asaMs: answered.length === 0 ? 0 : Math.round(waitMs / answered.length),
        longestWaitMs: Math.max(0, ...qs.map((q) => q.waitMs)),
        serviceLevel: ratio(within, qs.length - short),
        abandonRate: ratio(abandoned.length - short, qs.length),
        serviceLevelMethod: `answered within ${answerWithinMs / 1000} s / (offered - waiting - abandoned within ${shortAbandonMs / 1000} s)`,
        answerWithinMs,
        shortAbandonMs,
        agents: [...agents.entries()]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([extensionId, t]) => ({ extensionId, ...t }))
      }
    })
}

const json = (...args: string[]): unknown => JSON.parse(callstate(data, 'stats', '--json', ...args))

test('the day has the queue cases this test is about', () => {
  const qs = truth.flatMap((s) => (s.queue === null ? [] : [s.queue]))
  // the simulator's members answer within 4-18 s: a 10 s threshold splits them
  assert.ok(
    qs.some((q) => q.answered && q.waitMs > 10_000),
    'an answer after a 10 s threshold'
  )
  assert.ok(
    qs.some((q) => q.answered && q.waitMs <= 10_000),
    'an answer within a 10 s threshold'
  )
  assert.ok(
    qs.some((q) => q.abandoned && q.waitMs < 5_000),
    'a short abandon'
  )
  assert.ok(
    qs.some((q) => q.abandoned && q.waitMs >= 5_000),
    'an abandon that counts'
  )
})

test('stats --by queue reproduces the truth: offered, answered, abandoned, ASA, service level, per agent', () => {
  assert.equal(json('--by', 'queue'), expectedRows(truth))
})

test('the thresholds are options, and the service level follows them', () => {
  assert.equal(
    json('--by', 'queue', '--answer-within', '10s', '--short-abandon', '3s'),
    expectedRows(truth, 10_000, 3_000)
  )
})

test('a bad threshold or --by queue,extension is a usage error, exit 2', () => {
  for (const args of [
    ['--by', 'queue', '--answer-within', 'soon'],
    ['--by', 'queue,extension']
  ]) {
    const r = callstateRaw(data, 'stats', ...args)
    assert.equal(r.code, 2, args.join(' '))
    assert.ok(r.stderr.startsWith('callstate: '), r.stderr)
  }
})

test('GET /stats?by=queue answers the CLI rows; GET /queues a queue call ringing now as waiting', async () => {
  const server = await startTestServer({ dataDir: data })
  try {
    const rows: unknown = await (await fetch(`${server.url}/stats?by=queue`)).json()
    assert.equal(rows, json('--by', 'queue'))
    const bad = await fetch(`${server.url}/stats?by=queue&answerWithin=soon`)
    assert.is(bad.status, 400)
    // A queue call entering now: the caller answered by the queue, a member ringing for 30 s.
    const now = Date.now()
    const at = (ms: number) => new Date(now + ms).toISOString()
    const body = (seq: number, ms: number, party: Record<string, unknown>) => ({
      uuid: `queue-now-${seq}`,
      event: '/restapi/v1.0/account/1/telephony/sessions',
      timestamp: at(ms),
      body: {
        sequence: seq,
        telephonySessionId: 's-queue-now',
        sessionId: '1',
        eventTime: at(ms),
        origin: { type: 'Call' },
        parties: [party]
      }
    })
    const to = { phoneNumber: '+15550100', name: 'Night queue', extensionId: '777' }
    for (const n of [
      body(2, -31_000, { id: 'c', direction: 'Outbound', status: { code: 'Answered' }, to }),
      body(3, -30_000, {
        id: 'm',
        direction: 'Inbound',
        extensionId: '401',
        queueCall: true,
        status: { code: 'Proceeding' },
        to
      })
    ]) {
      const r = await fetch(`${server.url}/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(n)
      })
      assert.is(r.status, 200)
    }
    for (let i = 0; i < 100; i++) {
      const board: unknown = await (await fetch(`${server.url}/queues`)).json()
      const night = Array.isArray(board) ? board.find((q) => q?.queue === '777') : undefined
      if (night !== undefined) {
        assert.equal(
          [night.name, night.offered, night.waiting, night.waitingNow, night.agentsOnCall],
          ['Night queue', 1, 1, 1, 0]
        )
        // it entered the queue when the member's leg began, 30 s ago (and the answer came a moment later)
        assert.ok(night.longestWaitNowMs >= 30_000, String(night.longestWaitNowMs))
        return
      }
      await new Promise((r) => setTimeout(r, 20))
    }
    assert.unreachable('the queue call never showed on GET /queues')
  } finally {
    await server.stop()
  }
})

test.run()
