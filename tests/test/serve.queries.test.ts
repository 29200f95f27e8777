/**
 * The query API over HTTP after real notifications reached the webhook: payloads 01-03 (telephony) and 09
 * (presence), time travel with `at`, audit, 404/400 error shapes, and read protection with an API token.
 */
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  P01,
  P02,
  P03,
  eventually,
  json,
  payloadTexts,
  post,
  startTestServer,
  type TestServer
} from './serve-helpers.js'

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../packages/adapters/cli/bin/callstate.js')
const S01 = 's-718107795d564867a6f635fd81e89940'
const P09 = '09-inbound-unanswered-to-voicemail-presence-plus-message-store.json'

const sessionIdOf = (text: string): string => {
  const v: unknown = JSON.parse(text)
  const body = typeof v === 'object' && v !== null && 'body' in v ? v.body : undefined
  return typeof body === 'object' && body !== null && 'telephonySessionId' in body
    ? String(body.telephonySessionId)
    : ''
}

const getJson = async (url: string, headers: Record<string, string> = {}) => {
  const response = await fetch(url, { headers })
  return { status: response.status, body: await json(response), headers: response.headers }
}

/** Waits until the session answers 200 (the projections applied it) and returns its body. */
const visible = (server: TestServer, id: string, predicate: (body: unknown) => boolean = () => true) =>
  eventually(async () => {
    const r = await getJson(`${server.url}/sessions/${id}`)
    return r.status === 200 && predicate(r.body) ? r.body : undefined
  })

const partySummary = (body: unknown) => {
  assert.ok(typeof body === 'object' && body !== null && 'parties' in body && Array.isArray(body.parties))
  return body.parties.map((p: { id: string; status: string; outcome: string; metrics: unknown }) => ({
    id: p.id,
    status: p.status,
    outcome: p.outcome,
    metrics: p.metrics
  }))
}

const q = suite<{ server: TestServer }>('query API over real notifications')

q.before(async (ctx) => {
  ctx.server = await startTestServer()
})
q.after(async (ctx) => {
  await ctx.server.stop()
})

q('a notification answered 200 becomes visible to the queries (polled, no duration asserted)', async ({ server }) => {
  const first = payloadTexts(P01)[0] ?? ''
  assert.equal((await post(`${server.url}/webhook`, first)).status, 200)
  const body = await visible(server, S01)
  assert.ok(body !== undefined, 'the session never became visible')
})

q('payloads 01-03 posted one by one give ended sessions with the right parties and metrics', async ({ server }) => {
  for (const file of [P01, P02, P03])
    for (const text of payloadTexts(file)) assert.equal((await post(`${server.url}/webhook`, text)).status, 200)
  const ended = (b: unknown) => typeof b === 'object' && b !== null && 'status' in b && b.status === 'ended'
  const s01 = await visible(server, S01, ended)
  assert.ok(s01 !== undefined)
  assert.equal(partySummary(s01), [
    {
      id: 'p-718107795d564867a6f635fd81e89940-1',
      status: 'Disconnected',
      outcome: 'completed',
      metrics: { ringMs: 0, talkMs: 14811, holdMs: 0 }
    },
    {
      id: 'p-718107795d564867a6f635fd81e89940-2',
      status: 'Disconnected',
      outcome: 'routed',
      metrics: { ringMs: 0, talkMs: 0, holdMs: 0 }
    },
    {
      id: 'p-718107795d564867a6f635fd81e89940-3',
      status: 'Disconnected',
      outcome: 'completed',
      // Proceeding 52.656 -> Answered 06:00.001; talk 00.001-04.601 + 06.994-14.808; hold 04.601-06.994.
      metrics: { ringMs: 7345, talkMs: 4600 + 7814, holdMs: 2393 }
    }
  ])
  const ids = [P02, P03].map((f) => sessionIdOf(payloadTexts(f)[0] ?? ''))
  for (const id of ids) assert.ok((await visible(server, id, ended)) !== undefined, `${id} never ended`)
  const list = await getJson(`${server.url}/sessions`)
  assert.equal(list.status, 200)
  assert.ok(Array.isArray(list.body))
  assert.equal(list.body.map((s: { telephonySessionId: string }) => s.telephonySessionId).sort(), [S01, ...ids].sort())
  assert.equal(
    list.body.map((s: { status: string }) => s.status),
    ['ended', 'ended', 'ended']
  )
})

q(
  'payload 01 at 01:05:45 (time travel): the call is live, in /calls/active and /sessions?active',
  async ({ server }) => {
    const at = '2020-06-23T01:05:45.000Z'
    const active = await getJson(`${server.url}/calls/active?at=${at}`)
    assert.equal(active.status, 200)
    assert.ok(Array.isArray(active.body))
    assert.equal(
      active.body.map((s: { telephonySessionId: string; endedAt: unknown }) => [s.telephonySessionId, s.endedAt]),
      [[S01, null]]
    )
    const listed = await getJson(`${server.url}/sessions?active=true&at=${at}`)
    assert.equal(listed.body, active.body)
    const now = await getJson(`${server.url}/calls/active`)
    assert.equal(now.body, [])
  }
)

q('session at an instant: the party history is cut there', async ({ server }) => {
  const r = await getJson(`${server.url}/sessions/${S01}?at=2020-06-23T01:05:44.000Z`)
  assert.equal(r.status, 200)
  assert.ok(typeof r.body === 'object' && r.body !== null && 'endedAt' in r.body && 'status' in r.body)
  assert.equal([r.body.status, r.body.endedAt], ['ringing', null])
})

q('sessions?extension= lists the sessions of that extension', async ({ server }) => {
  const r = await getJson(`${server.url}/sessions?extension=62242421016`)
  assert.ok(Array.isArray(r.body))
  assert.equal(
    r.body.map((s: { telephonySessionId: string }) => s.telephonySessionId),
    [S01]
  )
})

q('paging: limit=1 gives one session and an X-Next-Cursor that reaches the others', async ({ server }) => {
  const seen: string[] = []
  let url = `${server.url}/sessions?limit=1`
  for (let i = 0; i < 5; i++) {
    const r = await getJson(url)
    assert.ok(Array.isArray(r.body) && r.body.length <= 1)
    seen.push(...r.body.map((s: { telephonySessionId: string }) => s.telephonySessionId))
    const next = r.headers.get('x-next-cursor')
    if (next === null) break
    url = `${server.url}/sessions?limit=1&cursor=${encodeURIComponent(next)}`
  }
  assert.equal(seen.length, 3)
  assert.equal(new Set(seen).size, 3)
})

q('audit: every raw notification in log order with the state after it', async ({ server }) => {
  const r = await getJson(`${server.url}/sessions/${S01}/audit`)
  assert.equal(r.status, 200)
  assert.ok(Array.isArray(r.body))
  assert.equal(r.body.length, payloadTexts(P01).length)
  const positions = r.body.map((e: { position: number }) => e.position)
  assert.equal(
    positions,
    [...positions].sort((a, b) => a - b)
  )
  assert.equal(r.body[0].state.status, 'ringing')
  assert.equal(r.body.at(-1).state.status, 'ended')
  assert.equal(r.body[0].data, JSON.parse(payloadTexts(P01)[0] ?? ''))
})

q('presence of payload 09 (number extensionId) over HTTP: timeline and at', async ({ server }) => {
  for (const text of payloadTexts(P09)) assert.equal((await post(`${server.url}/webhook`, text)).status, 200)
  const timeline = await eventually(async () => {
    const r = await getJson(`${server.url}/extensions/133165004/presence`)
    return r.status === 200 ? r.body : undefined
  })
  assert.ok(typeof timeline === 'object' && timeline !== null && 'intervals' in timeline)
  assert.ok(Array.isArray(timeline.intervals))
  assert.equal(
    timeline.intervals.map((i: { from: string; telephonyStatus: string }) => [i.from, i.telephonyStatus]),
    [
      ['2016-10-26T16:44:49.441Z', 'Ringing'],
      ['2016-10-26T16:45:09.434Z', 'NoCall']
    ]
  )
  const at = await getJson(`${server.url}/extensions/133165004/presence?at=2016-10-26T16:45:00Z`)
  assert.equal(at.status, 200)
  assert.ok(typeof at.body === 'object' && at.body !== null && 'telephonyStatus' in at.body)
  assert.is(at.body.telephonyStatus, 'Ringing')
})

q('/stats answers the same rows as `callstate stats --json` on the same data', async ({ server }) => {
  const http = await getJson(`${server.url}/stats?by=extension&from=2020-06-23&to=2020-06-24`)
  assert.equal(http.status, 200)
  const cli = spawnSync(
    process.execPath,
    [
      BIN,
      '--data-dir',
      server.dataDir,
      'stats',
      '--json',
      '--by',
      'extension',
      '--from',
      '2020-06-23',
      '--to',
      '2020-06-24'
    ],
    { encoding: 'utf8' }
  )
  assert.is(cli.status, 0, cli.stderr)
  assert.equal(http.body, JSON.parse(cli.stdout))
  const all = await getJson(`${server.url}/stats`)
  assert.ok(Array.isArray(all.body))
  assert.equal(
    all.body.map((r: { key: string; calls: number; answered: number }) => [r.key, r.calls, r.answered]),
    [['all', 3, 3]]
  )
  const bad = await getJson(`${server.url}/stats?by=week`)
  assert.equal(bad.body, {
    error: 'bad-request',
    message: 'querystring/by: unknown dimension "week" (use extension, queue, day, hour)'
  })
})

q('unknown ids: 404 with {error, message}', async ({ server }) => {
  const s = await getJson(`${server.url}/sessions/s-nope`)
  assert.equal(s, {
    status: 404,
    body: { error: 'not-found', message: 'telephony session s-nope not found' },
    headers: s.headers
  })
  const a = await getJson(`${server.url}/sessions/s-nope/audit`)
  assert.equal(a.status, 404)
  assert.equal(a.body, { error: 'not-found', message: 'no notification of telephony session s-nope' })
  const p = await getJson(`${server.url}/extensions/999/presence`)
  assert.equal(p.status, 404)
  const route = await getJson(`${server.url}/nowhere`)
  assert.equal(route.body, { error: 'not-found', message: 'no route GET /nowhere' })
})

q('a bad query parameter: 400 saying which and why', async ({ server }) => {
  const at = await getJson(`${server.url}/sessions?at=yesterday`)
  assert.equal(at.status, 400)
  assert.equal(at.body, { error: 'bad-request', message: 'querystring/at must match format "date-time"' })
  const limit = await getJson(`${server.url}/calls/active?limit=0`)
  assert.equal(limit.body, { error: 'bad-request', message: 'querystring/limit must be >= 1' })
  const active = await getJson(`${server.url}/sessions?active=maybe`)
  assert.equal(active.body, { error: 'bad-request', message: 'querystring/active must be boolean' })
  const cursor = await getJson(`${server.url}/sessions?cursor=garbage`)
  assert.equal(cursor.status, 400)
})

q.run()

const API_TOKEN = 'reader-token-42'
const guarded = suite<{ server: TestServer }>('query API with an API token')

guarded.before(async (ctx) => {
  ctx.server = await startTestServer({ apiToken: API_TOKEN })
})
guarded.after(async (ctx) => {
  await ctx.server.stop()
})

guarded('no token: 401 on the query API', async ({ server }) => {
  for (const path of ['/sessions', '/calls/active', `/sessions/${S01}`, '/quarantine', '/metrics']) {
    const r = await getJson(`${server.url}${path}`)
    assert.equal(
      [path, r.status, r.body],
      [path, 401, { error: 'unauthorized', message: 'this route needs an Authorization: Bearer <api token> header' }]
    )
  }
  const wrong = await getJson(`${server.url}/sessions`, { authorization: 'Bearer nope' })
  assert.equal(wrong.status, 401)
})

guarded('right token: answered', async ({ server }) => {
  const r = await getJson(`${server.url}/sessions`, { authorization: `Bearer ${API_TOKEN}` })
  assert.equal([r.status, r.body], [200, []])
})

guarded('health, the API description and the webhook need no API token', async ({ server }) => {
  assert.equal((await fetch(`${server.url}/health`)).status, 200)
  assert.equal((await fetch(`${server.url}/openapi.json`)).status, 200)
  assert.equal((await post(`${server.url}/webhook`, payloadTexts(P02)[0] ?? '')).status, 200)
  assert.not.match(server.logText(), API_TOKEN)
})

guarded.run()
