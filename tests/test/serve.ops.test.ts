/**
 * Operational routes of a real server: the generated OpenAPI document validates as OpenAPI 3 and covers every
 * route; /metrics parses as Prometheus text and counts what the webhook did; /health reports store and lag.
 */
import { createRequire } from 'node:module'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { Validator } from '@seriousme/openapi-schema-validator'
import { P01, eventually, json, payloadTexts, post, startTestServer, type TestServer } from './serve-helpers.js'

const require = createRequire(import.meta.url)
// The package ships no types: its result is checked below rather than trusted.
const parsePrometheus: unknown = require('parse-prometheus-text-format')

interface Family {
  readonly name: string
  readonly type: string
  readonly metrics: ReadonlyArray<{ readonly value?: string; readonly labels?: Record<string, string> }>
}

const isFamily = (v: unknown): v is Family =>
  typeof v === 'object' && v !== null && 'name' in v && 'type' in v && 'metrics' in v && Array.isArray(v.metrics)

const families = (text: string): Family[] => {
  if (typeof parsePrometheus !== 'function') throw new Error('parse-prometheus-text-format did not load')
  const parsed: unknown = parsePrometheus(text)
  if (!Array.isArray(parsed) || !parsed.every(isFamily)) throw new Error('not Prometheus text')
  return parsed
}

const value = (fs: Family[], name: string, labels: Record<string, string> = {}): number | undefined => {
  const m = fs
    .find((f) => f.name === name)
    ?.metrics.find((x) => Object.entries(labels).every(([k, v]) => x.labels?.[k] === v))
  return m?.value === undefined ? undefined : Number(m.value)
}

/** The value under `keys` in a JSON value, or undefined. */
const at = (value: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>(
    (v, k): unknown => (typeof v === 'object' && v !== null ? Object.getOwnPropertyDescriptor(v, k)?.value : undefined),
    value
  )

const ops = suite<{ server: TestServer }>('operational routes')

ops.before(async (ctx) => {
  ctx.server = await startTestServer({ verificationToken: 'tok' })
})
ops.after(async (ctx) => {
  await ctx.server.stop()
})

ops('/openapi.json validates as OpenAPI 3 and lists every route with its parameters', async ({ server }) => {
  const document = await json(await fetch(`${server.url}/openapi.json`))
  assert.ok(typeof document === 'object' && document !== null)
  const validator = new Validator()
  // As text (multi-line, so the validator reads it as a document, not a file name): no cast of wire data.
  const result = await validator.validate(JSON.stringify(document, null, 2))
  assert.equal(result.errors, undefined)
  assert.ok(result.valid)
  const paths = at(document, 'paths')
  assert.ok(typeof paths === 'object' && paths !== null)
  assert.equal(Object.keys(paths).sort(), [
    '/calls/active',
    '/extensions/{id}/presence',
    '/feed',
    '/health',
    '/metrics',
    '/openapi.json',
    '/quarantine',
    '/queues',
    '/sessions',
    '/sessions/{id}',
    '/sessions/{id}/audit',
    '/stats',
    '/webhook'
  ])
  const parameters = at(paths, '/sessions', 'get', 'parameters')
  assert.ok(Array.isArray(parameters))
  assert.equal(parameters.map((p: unknown) => `${String(at(p, 'in'))}:${String(at(p, 'name'))}`).sort(), [
    'query:active',
    'query:at',
    'query:cursor',
    'query:extension',
    'query:knownAt',
    'query:limit'
  ])
})

ops('/metrics parses as Prometheus text and counts accepted, duplicate, quarantined, rejected', async ({ server }) => {
  const texts = payloadTexts(P01)
  const headers = { 'verification-token': 'tok' }
  assert.equal((await post(`${server.url}/webhook`, texts[0] ?? '', headers)).status, 200)
  assert.equal((await post(`${server.url}/webhook`, texts[1] ?? '', headers)).status, 200)
  assert.equal((await post(`${server.url}/webhook`, texts[0] ?? '', headers)).status, 200)
  assert.equal((await post(`${server.url}/webhook`, 'nope', headers)).status, 202)
  assert.equal((await post(`${server.url}/webhook`, texts[2] ?? '')).status, 401)
  assert.equal(
    (await fetch(`${server.url}/webhook`, { method: 'POST', headers: { 'validation-token': 'v' } })).status,
    200
  )
  const fs = families(await (await fetch(`${server.url}/metrics`)).text())
  assert.equal(
    {
      accepted: value(fs, 'callstate_notifications_accepted_total', { kind: 'telephony-session' }),
      duplicate: value(fs, 'callstate_notifications_duplicate_total', { kind: 'telephony-session' }),
      quarantined: value(fs, 'callstate_notifications_quarantined_total', { reason: 'not-json' }),
      unauthorized: value(fs, 'callstate_notifications_rejected_total', { reason: 'unauthorized' }),
      tooLarge: value(fs, 'callstate_notifications_rejected_total', { reason: 'too-large' }),
      handshakes: value(fs, 'callstate_webhook_handshakes_total')
    },
    { accepted: 2, duplicate: 1, quarantined: 1, unauthorized: 1, tooLarge: 0, handshakes: 1 }
  )
  assert.equal(fs.find((f) => f.name === 'callstate_http_request_duration_seconds')?.type, 'HISTOGRAM')
  assert.equal(fs.find((f) => f.name === 'callstate_projection_lag_events')?.type, 'GAUGE')
  assert.equal(fs.find((f) => f.name === 'callstate_commit_batch_size')?.type, 'HISTOGRAM')
})

ops('/health: store reachable, projections catch up to the head', async ({ server }) => {
  const health = await eventually(async () => {
    const body = await json(await fetch(`${server.url}/health`))
    return typeof body === 'object' &&
      body !== null &&
      'projections' in body &&
      JSON.stringify(body).includes('"lag":0')
      ? body
      : undefined
  })
  // Three events: two notifications and one quarantine entry.
  assert.equal(health, { status: 'ok', store: { reachable: true, head: 3 }, projections: { checkpoint: 3, lag: 0 } })
})

ops.run()
