/**
 * The call facts through the real server: a live call's clocks run to the moment asked, a stuck call is closed by
 * presence (in the session view, the audit and the live feed), a stale call reads `unknown-end`.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { P01, eventually, json, payloadTexts, post, startTestServer } from './serve-helpers.js'

const S01 = 's-718107795d564867a6f635fd81e89940'
const AGENT = 'p-718107795d564867a6f635fd81e89940-3'

/** The user's detailed presence saying the call ended (its shape after payload 11's presence frame). */
const presenceFinal = JSON.stringify({
  uuid: 'presence-final-1',
  event: '/restapi/v1.0/account/809646016/extension/809646016/presence?detailedTelephonyState=true',
  timestamp: '2020-06-23T01:06:15.100Z',
  subscriptionId: 'sub-presence',
  body: {
    extensionId: '809646016',
    telephonyStatus: 'NoCall',
    sequence: 4321,
    activeCalls: [
      {
        id: 'call-1',
        direction: 'Inbound',
        telephonyStatus: 'NoCall',
        terminationType: 'final',
        telephonySessionId: S01,
        partyId: AGENT
      }
    ]
  }
})

type Rec = Readonly<Record<string, unknown>>
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v)
const list = (v: unknown): Rec[] => (Array.isArray(v) ? v.filter(isRec) : [])

test('a call answered two minutes ago shows two minutes of talk, and it keeps counting', async () => {
  const server = await startTestServer()
  try {
    const now = Date.now()
    const at = (ms: number) => new Date(now + ms).toISOString()
    const body = (seq: number, ms: number, party: Rec) =>
      JSON.stringify({
        uuid: `live-${seq}`,
        event: '/restapi/v1.0/account/1/telephony/sessions',
        timestamp: at(ms),
        body: { sequence: seq, telephonySessionId: 's-live', eventTime: at(ms), parties: [party] }
      })
    for (const n of [
      body(2, -125_000, { id: 'c', direction: 'Outbound', status: { code: 'Setup' } }),
      body(3, -124_000, { id: 'u', direction: 'Inbound', extensionId: '101', status: { code: 'Proceeding' } }),
      body(4, -120_000, { id: 'u', direction: 'Inbound', extensionId: '101', status: { code: 'Answered' } }),
      body(5, -120_000, { id: 'c', direction: 'Outbound', status: { code: 'Answered' } })
    ])
      assert.is((await post(`${server.url}/webhook`, n)).status, 200)
    const view = await eventually(async () => {
      const r = await fetch(`${server.url}/sessions/s-live`)
      return r.status === 200 ? json(r) : undefined
    })
    assert.ok(isRec(view))
    const user = list(isRec(view) ? view['parties'] : []).find((p) => p['id'] === 'u')
    const talk = isRec(user?.['metrics']) ? Number(user?.['metrics']['talkMs']) : 0
    // answered 120 s before the first post; the question comes later still
    assert.ok(talk >= 120_000, `talk ${talk}`)
    assert.equal(
      [view && isRec(view) ? view['status'] : null, user?.['endedBy'], user?.['outcome']],
      ['active', null, 'in-progress']
    )
    const active = list(await json(await fetch(`${server.url}/calls/active`)))
    assert.equal(
      active.map((s) => s['telephonySessionId']),
      ['s-live']
    )
  } finally {
    await server.stop()
  }
})

test('a stuck call closed by presence: ended by presence in the view, the audit and the feed', async () => {
  const server = await startTestServer()
  try {
    const stuck = payloadTexts(P01).slice(0, -2)
    for (const n of stuck) assert.is((await post(`${server.url}/webhook`, n)).status, 200)
    assert.is((await post(`${server.url}/webhook`, presenceFinal)).status, 200)
    const view = await eventually(async () => {
      const v = await json(await fetch(`${server.url}/sessions/${S01}`))
      return isRec(v) && v['status'] === 'ended' ? v : undefined
    })
    assert.ok(view !== undefined, 'the session ends')
    const parties = list(view?.['parties'])
    assert.equal(
      parties.map((p) => [p['outcome'], p['endedBy']]),
      [
        ['completed', 'presence'],
        ['routed', 'event'],
        ['completed', 'presence']
      ]
    )
    assert.equal(list(parties[2]?.['history']).at(-1), {
      status: 'Disconnected',
      reason: null,
      at: '2020-06-23T01:06:15.100Z',
      sequence: 10,
      source: 'presence'
    })
    // The audit lists the presence notification in its place, and the state after it is ended.
    const audit = list(await json(await fetch(`${server.url}/sessions/${S01}/audit`)))
    const last = audit.at(-1)
    assert.equal(
      [last?.['type'], last?.['parties'], isRec(last?.['state']) ? last?.['state']['status'] : null],
      ['DetailedPresenceNotification', [`${AGENT}: final (presence)`], 'ended']
    )
    assert.is(audit.length, stuck.length + 1)
    // The feed, replayed from the start, has the call's end at the presence notification's position.
    const abort = new AbortController()
    const response = await fetch(`${server.url}/feed?from=0`, { signal: abort.signal })
    const reader = response.body?.getReader()
    let text = ''
    while (reader !== undefined && !text.includes('event: call-ended')) {
      const chunk = await reader.read()
      if (chunk.done) break
      text += new TextDecoder().decode(chunk.value)
    }
    abort.abort()
    assert.ok(text.includes(`id: ${stuck.length + 1}\nevent: call-ended`), text.slice(-600))
  } finally {
    await server.stop()
  }
})

test('presence that arrives before the call it ends: the view and the feed end the call all the same', async () => {
  const server = await startTestServer()
  try {
    assert.is((await post(`${server.url}/webhook`, presenceFinal)).status, 200)
    // the projections apply the presence before the telephony arrives
    await eventually(async () => {
      const h = await json(await fetch(`${server.url}/health`))
      return isRec(h) && isRec(h['projections']) && h['projections']['lag'] === 0 ? true : undefined
    })
    const stuck = payloadTexts(P01).slice(0, -2)
    for (const n of stuck) assert.is((await post(`${server.url}/webhook`, n)).status, 200)
    const view = await eventually(async () => {
      const v = await json(await fetch(`${server.url}/sessions/${S01}`))
      return isRec(v) && v['status'] === 'ended' && list(v['parties']).length === 3 ? v : undefined
    })
    assert.ok(view !== undefined, 'the session ends')
    const abort = new AbortController()
    const response = await fetch(`${server.url}/feed?from=0`, { signal: abort.signal })
    const reader = response.body?.getReader()
    let text = ''
    while (reader !== undefined && !text.includes('event: call-ended')) {
      const chunk = await reader.read()
      if (chunk.done) break
      text += new TextDecoder().decode(chunk.value)
    }
    abort.abort()
    const ended = text.split('\n\n').find((block) => block.includes('event: call-ended')) ?? ''
    const data: unknown = JSON.parse(
      ended
        .split('\n')
        .find((l) => l.startsWith('data: '))
        ?.slice(6) ?? 'null'
    )
    assert.equal(isRec(data) ? [data['status'], data['endedAt'], data['stale']] : null, [
      'ended',
      '2020-06-23T01:06:15.100Z',
      false
    ])
  } finally {
    await server.stop()
  }
})

test('a call whose end never came reads stale, its live parties unknown-end, spans stopped at its last event', async () => {
  const server = await startTestServer({ staleAfterMs: 3_600_000 })
  try {
    for (const n of payloadTexts(P01).slice(0, -2)) assert.is((await post(`${server.url}/webhook`, n)).status, 200)
    const view = await eventually(async () => {
      const v = await json(await fetch(`${server.url}/sessions/${S01}`))
      return isRec(v) && list(v['parties']).length === 3 ? v : undefined
    })
    assert.equal(isRec(view) ? view['status'] : null, 'stale')
    assert.equal(
      list(isRec(view) ? view['parties'] : []).map((p) => [
        p['outcome'],
        p['endedBy'],
        isRec(p['metrics']) ? p['metrics']['talkMs'] : null
      ]),
      [
        // the caller talked from the user's answer (06:00.001) to the last event (06:06.994), no further
        ['unknown-end', 'stale', 6993],
        ['routed', 'event', 0],
        // 06:00.001 -> hold 06:04.601, then Answered again 06:06.994 with nothing after it
        ['unknown-end', 'stale', 4600]
      ]
    )
  } finally {
    await server.stop()
  }
})

test.run()
