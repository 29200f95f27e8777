/**
 * The webhook receiver against a real server on 127.0.0.1 and a real SQLite log: handshake, verification
 * token, durability answers, quarantine, size limit, duplicates, log redaction.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { P01, json, logOf, payloadTexts, post, startTestServer, type TestServer } from './serve-helpers.js'

const TOKEN = 'the-verification-token-123'

const open = suite<{ server: TestServer }>('webhook without a verification token')

open.before(async (ctx) => {
  ctx.server = await startTestServer()
})
open.after(async (ctx) => {
  await ctx.server.stop()
})

open('handshake: Validation-Token and an empty body is echoed with 200, nothing stored', async ({ server }) => {
  const response = await fetch(`${server.url}/webhook`, { method: 'POST', headers: { 'validation-token': 'abc-123' } })
  assert.equal(response.status, 200)
  assert.equal(response.headers.get('validation-token'), 'abc-123')
  assert.equal(await response.text(), '')
  assert.equal((await logOf(server.dataDir)).length, 0)
})

open('a real notification is stored as received and answered 200', async ({ server }) => {
  const text = payloadTexts(P01)[0] ?? ''
  const response = await post(`${server.url}/webhook`, text)
  assert.equal(response.status, 200)
  const answer = await json(response)
  const log = await logOf(server.dataDir)
  assert.equal(log.length, 1)
  assert.equal(log[0]?.data, text)
  assert.equal(log[0]?.stream, 'session-s-718107795d564867a6f635fd81e89940')
  assert.equal(log[0]?.metadata.source, 'webhook')
  assert.equal(answer, {
    status: 'accepted',
    items: [{ outcome: 'appended', id: log[0]?.id, stream: log[0]?.stream, position: 1 }]
  })
})

open('the same notification again is answered 200 duplicate and stored once', async ({ server }) => {
  const text = payloadTexts(P01)[0] ?? ''
  const response = await post(`${server.url}/webhook`, text)
  assert.equal(response.status, 200)
  assert.equal(await json(response), {
    status: 'duplicate',
    items: [
      {
        outcome: 'duplicate',
        id: (await logOf(server.dataDir))[0]?.id,
        stream: 'session-s-718107795d564867a6f635fd81e89940'
      }
    ]
  })
  assert.equal((await logOf(server.dataDir)).length, 1)
})

open('a body that is not JSON is quarantined and answered 202 with the reason', async ({ server }) => {
  const response = await post(`${server.url}/webhook`, '{"uuid": "1", oops')
  assert.equal(response.status, 202)
  const answer = await json(response)
  const log = await logOf(server.dataDir)
  const entry = log.at(-1)
  assert.equal(entry?.stream, 'quarantine')
  assert.equal(entry?.type, 'NotificationQuarantined')
  const data: unknown = JSON.parse(entry?.data ?? 'null')
  assert.ok(typeof data === 'object' && data !== null && 'raw' in data && data.raw === '{"uuid": "1", oops')
  assert.ok(typeof answer === 'object' && answer !== null && 'status' in answer && answer.status === 'quarantined')
  assert.ok('reasons' in answer && Array.isArray(answer.reasons) && answer.reasons.length === 1)
})

open('GET /quarantine lists the quarantined body with its reason and the raw text', async ({ server }) => {
  const response = await fetch(`${server.url}/quarantine`)
  assert.equal(response.status, 200)
  const items = await json(response)
  assert.ok(Array.isArray(items))
  assert.equal(
    items.map((i: { reason: string; raw: string; source: string; resolved: boolean }) => [
      i.reason,
      i.raw,
      i.source,
      i.resolved
    ]),
    [['not-json', '{"uuid": "1", oops', 'webhook', false]]
  )
  assert.equal(await json(await fetch(`${server.url}/quarantine?resolved=true`)), [])
})

open('a notification that fails decoding is quarantined with the decoder reasons', async ({ server }) => {
  const body = JSON.stringify({
    uuid: 'x-1',
    event: '/restapi/v1.0/account/1/telephony/sessions',
    body: { parties: [] }
  })
  const response = await post(`${server.url}/webhook`, body)
  assert.equal(response.status, 202)
  const answer = await json(response)
  assert.ok(typeof answer === 'object' && answer !== null && 'items' in answer && Array.isArray(answer.items))
  const item: unknown = answer.items[0]
  assert.ok(typeof item === 'object' && item !== null && 'reason' in item)
  assert.is(item.reason, 'decode-failed')
})

open('an empty body without a handshake token is refused 400, nothing stored', async ({ server }) => {
  const before = (await logOf(server.dataDir)).length
  const response = await post(`${server.url}/webhook`, '')
  assert.equal(response.status, 400)
  assert.equal(await json(response), { error: 'empty-body', message: 'a notification needs a JSON body' })
  assert.equal((await logOf(server.dataDir)).length, before)
})

open('a body over the limit gets 413, nothing stored, counted in /metrics', async ({ server }) => {
  const before = (await logOf(server.dataDir)).length
  const big = JSON.stringify({ uuid: 'big', event: '/x', body: { pad: 'x'.repeat(1024 * 1024) } })
  const response = await post(`${server.url}/webhook`, big)
  assert.equal(response.status, 413)
  const answer = await json(response)
  assert.ok(typeof answer === 'object' && answer !== null && 'error' in answer && answer.error === 'payload-too-large')
  assert.equal((await logOf(server.dataDir)).length, before)
  const metrics = await (await fetch(`${server.url}/metrics`)).text()
  assert.match(metrics, 'callstate_notifications_rejected_total{reason="too-large"} 1')
})

open.run()

const guarded = suite<{ server: TestServer }>('webhook with a verification token')

guarded.before(async (ctx) => {
  ctx.server = await startTestServer({ verificationToken: TOKEN })
})
guarded.after(async (ctx) => {
  await ctx.server.stop()
})

guarded('missing token: 401, nothing stored', async ({ server }) => {
  const response = await post(`${server.url}/webhook`, payloadTexts(P01)[0] ?? '')
  assert.equal(response.status, 401)
  assert.equal(await json(response), { error: 'unauthorized', message: 'missing or wrong Verification-Token header' })
  assert.equal((await logOf(server.dataDir)).length, 0)
})

guarded('wrong token: 401, nothing stored, counted', async ({ server }) => {
  const response = await post(`${server.url}/webhook`, payloadTexts(P01)[0] ?? '', { 'verification-token': 'nope' })
  assert.equal(response.status, 401)
  assert.equal((await logOf(server.dataDir)).length, 0)
  const metrics = await (await fetch(`${server.url}/metrics`)).text()
  assert.match(metrics, 'callstate_notifications_rejected_total{reason="unauthorized"} 2')
})

guarded('a bad body with a wrong token is 401, not quarantined', async ({ server }) => {
  const response = await post(`${server.url}/webhook`, 'not json', { 'verification-token': 'nope' })
  assert.equal(response.status, 401)
  assert.equal((await logOf(server.dataDir)).length, 0)
})

guarded('right token in Verification-Token: stored', async ({ server }) => {
  const response = await post(`${server.url}/webhook`, payloadTexts(P01)[0] ?? '', { 'verification-token': TOKEN })
  assert.equal(response.status, 200)
  assert.equal((await logOf(server.dataDir)).length, 1)
})

guarded('right token in Validation-Token (as some docs name it): stored', async ({ server }) => {
  const response = await post(`${server.url}/webhook`, payloadTexts(P01)[1] ?? '', { 'validation-token': TOKEN })
  assert.equal(response.status, 200)
  assert.equal((await logOf(server.dataDir)).length, 2)
})

guarded('handshake works without the verification token (RingCentral makes that token up)', async ({ server }) => {
  const response = await fetch(`${server.url}/webhook`, { method: 'POST', headers: { 'validation-token': 'hs-1' } })
  assert.equal(response.status, 200)
  assert.equal(response.headers.get('validation-token'), 'hs-1')
})

guarded('no log line carries a token', async ({ server }) => {
  const text = server.logText()
  assert.not.match(text, TOKEN)
  assert.not.match(text, '"nope"')
  assert.match(text, '[redacted]')
  const requestLines = server.logs().filter((l) => l['msg'] === 'request')
  assert.ok(requestLines.length >= 5)
})

guarded.run()
