/**
 * The RingCentral connector end to end: `serve` (in process, real SQLite store, real HTTP server on loopback) with
 * RingCentral credentials, against the platform TEST DOUBLE (tests/test/doubles/ringcentral: OAuth, the WebSocket
 * gateway, subscriptions, telephony REST, rate limits, speaking the wire protocol the official clients use). The
 * connector uses the official `@ringcentral/sdk` and `@ringcentral/subscriptions` unmodified. Real captures
 * (payloads 01-03) are published by the double and must land in the log and the read models exactly once.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { secret } from '@callstate/ringcentral'
import type { ConnectorTuning } from '@callstate/cli'
import {
  capture,
  startRingCentralDouble,
  until,
  type Envelope,
  type RingCentralDouble,
  type RingCentralDoubleOptions
} from './doubles/ringcentral/index.js'
import {
  eventually,
  json,
  logOf,
  P01,
  P02,
  P03,
  PAYLOADS,
  post,
  startTestServer,
  type TestServer
} from './serve-helpers.js'

const TELEPHONY = '/restapi/v1.0/account/~/telephony/sessions'
const PRESENCE = '/restapi/v1.0/account/~/extension/~/presence?detailedTelephonyState=true'

/** Every element of a capture file, as the double publishes it. */
const envelopes = (file: string): Envelope[] => {
  const count = (JSON.parse(readFileSync(path.join(PAYLOADS, file), 'utf8')) as unknown[]).length
  return Array.from({ length: count }, (_, i) => capture(file, i))
}

const sessionOf = (e: Envelope | undefined): string => {
  const body = e?.body
  const id = typeof body === 'object' && body !== null ? Reflect.get(body, 'telephonySessionId') : undefined
  if (typeof id !== 'string') throw new Error('not a telephony session notification')
  return id
}

const FAST: ConnectorTuning = { gatewayCheckMs: 100, reconcileIntervalMs: 3_600_000 }

interface Setup {
  readonly double: RingCentralDouble
  readonly server: TestServer
  readonly close: () => Promise<void>
}

const connected = async (
  doubleOptions: RingCentralDoubleOptions = {},
  extra: { readonly publicUrl?: string; readonly tuning?: ConnectorTuning; readonly port?: number } = {}
): Promise<Setup> => {
  const double = await startRingCentralDouble(doubleOptions)
  const server = await startTestServer({
    ...(extra.port !== undefined ? { port: extra.port } : {}),
    ringCentral: {
      credentials: {
        serverUrl: double.url,
        clientId: double.clientId,
        clientSecret: secret(double.clientSecret),
        jwt: secret(double.jwt)
      },
      eventFilters: [TELEPHONY, PRESENCE],
      reconcileAfterMs: 600_000,
      ...(extra.publicUrl !== undefined ? { publicUrl: extra.publicUrl } : {}),
      tuning: { ...FAST, ...extra.tuning }
    }
  })
  return {
    double,
    server,
    close: async () => {
      await server.stop()
      await double.close()
    }
  }
}

interface Health {
  readonly connection: {
    readonly connected: boolean
    readonly state: string
    readonly notifications: number
    readonly reconnects: number
    readonly recoveries: { readonly successful: number; readonly failed: number }
    readonly subscription: {
      readonly id: string | null
      readonly status: string | null
      readonly renewals: number
      readonly recreations: number
    }
    readonly reconciliation: { readonly checks: number; readonly closed: number }
    readonly alerts: ReadonlyArray<string>
  }
}

const health = async (server: TestServer): Promise<Health> => {
  const body = await json(await fetch(`${server.url}/health`))
  return body as Health
}

/** The session's status when the read models have it and it is not ended. */
const notEnded = async (s: Setup, id: string): Promise<string | undefined> => {
  const r = await fetch(`${s.server.url}/sessions/${id}`)
  if (r.status !== 200) return undefined
  const v = (await json(r)) as { status?: string }
  return v.status !== undefined && v.status !== 'ended' ? v.status : undefined
}

const live = (s: Setup): Promise<void> =>
  until(
    'the WebSocket subscription',
    () => s.double.subscriptions().some((x) => x.transportType === 'WebSocket' && x.status === 'Active'),
    10_000
  )

test('WebSocket: serve logs in with the JWT, subscribes, and stores captures 01-03 once each, into the read models', async () => {
  const s = await connected()
  try {
    await live(s)
    const all = [...envelopes(P01), ...envelopes(P02), ...envelopes(P03)]
    for (const e of all) await s.double.publish(e)
    await until('every capture stored', () => s.server.connector?.status().notifications === all.length, 10_000)
    const log = await logOf(s.server.dataDir)
    const ids = new Set(log.map((e) => e.id))
    assert.is(ids.size, log.length, 'no event twice')
    assert.is(log.length, all.length)
    assert.ok(log.every((e) => e.metadata.source === 'websocket'))
    // The same notification by webhook is the same event: a duplicate, not a second copy.
    const again = await post(`${s.server.url}/webhook`, log[0]?.data ?? '')
    assert.is(again.status, 200)
    assert.match(await again.text(), /duplicate/)
    // In publish order, each stored text is the notification the frame carried.
    assert.equal(
      log.map((e) => (JSON.parse(e.data) as { uuid: string }).uuid),
      all.map((e) => e.uuid)
    )
    // Through the read models: payload 01's call, ended, as the HTTP API shows it.
    const ended = await eventually(async () => {
      const r = await fetch(`${s.server.url}/sessions/${sessionOf(all[0])}`)
      const v = r.status === 200 ? ((await json(r)) as { status: string }) : undefined
      return v?.status === 'ended' ? v : undefined
    })
    assert.ok(ended, 'payload 01 session ended in the read models')
    const h = await health(s.server)
    assert.is(h.connection.connected, true)
    assert.is(h.connection.notifications, all.length)
    assert.ok(h.connection.subscription.id !== null)
    assert.equal(h.connection.alerts, [])
  } finally {
    await s.close()
  }
})

/** No secret the connector holds or was given ever shows in the server's log lines. */
const assertNoSecrets = (s: Setup, extra: ReadonlyArray<string> = []): void => {
  const text = s.server.logText()
  const bearer = s.double
    .requests()
    .map((r) => /^Bearer (.+)$/.exec(r.headers['authorization'] ?? '')?.[1])
    .filter((t): t is string => t !== undefined)
  const wsTokens = s.double
    .requests({ transport: 'ws-upgrade' })
    .map((r) => /access_token=([^&]+)/.exec(r.path)?.[1])
    .filter((t): t is string => t !== undefined)
  const secrets = [s.double.clientSecret, s.double.jwt, ...bearer, ...wsTokens, ...extra]
  assert.ok(secrets.length >= 3, 'the secrets to look for are known')
  assert.ok(text.length > 0, 'there are log lines to look at')
  for (const value of secrets)
    assert.not.ok(text.includes(value), `a secret appears in the log (${value.length} chars)`)
}

test('a dropped connection is recovered: the notifications sent meanwhile are redelivered and stored once', async () => {
  const s = await connected()
  try {
    await live(s)
    const p = envelopes(P01)
    await s.double.publish(p[0] ?? capture(P01, 0))
    await until('the first notification', () => s.server.connector?.status().notifications === 1)
    assert.ok(s.double.dropConnections() >= 1)
    const meanwhile = [p[1], p[2], p[3]].filter((e): e is Envelope => e !== undefined)
    for (const e of meanwhile) {
      const report = await s.double.publish(e)
      assert.equal(
        report.webSocket.map((d) => d.delivery),
        ['buffered'],
        'sent while the socket was away'
      )
    }
    await until('the recovery', () => s.server.connector?.status().recoveries.successful === 1, 10_000)
    for (const e of p.slice(4)) await s.double.publish(e)
    await until('every notification', () => s.server.connector?.status().notifications === p.length, 10_000)
    const log = await logOf(s.server.dataDir)
    assert.is(log.length, p.length)
    assert.is(new Set(log.map((e) => e.id)).size, p.length, 'stored once each')
    assert.equal(new Set(log.map((e) => (JSON.parse(e.data) as { uuid: string }).uuid)), new Set(p.map((e) => e.uuid)))
    const h = await health(s.server)
    assert.ok(h.connection.reconnects >= 1)
    assert.equal(h.connection.recoveries, { successful: 1, failed: 0 })
    assert.is(h.connection.connected, true)
    const metrics = await (await fetch(`${s.server.url}/metrics`)).text()
    assert.match(metrics, /callstate_ringcentral_recoveries_total\{result="successful"\} 1/)
    assert.match(metrics, /callstate_ringcentral_connected 1/)
    assertNoSecrets(s)
  } finally {
    await s.close()
  }
})

test('recovery refused (WSG-1003): said in /health and /metrics, and reconciliation ends the call the platform no longer knows', async () => {
  const s = await connected()
  try {
    await live(s)
    const p = envelopes(P03)
    const id = sessionOf(p[0])
    // The call is answered, then on hold and back: live. Its Disconnected notifications are never sent.
    for (const e of p.slice(0, 7)) await s.double.publish(e)
    s.double.setSession(id, [])
    // The same call as if it were happening now: callstate was following it when it ended.
    const recent = 's-recent-call'
    const startMs = Date.now() - 60_000
    for (const [i, e] of p.slice(0, 7).entries())
      await s.double.publish({
        ...e,
        uuid: `${e.uuid}-recent`,
        body: {
          ...(e.body as object),
          telephonySessionId: recent,
          eventTime: new Date(startMs + i * 1000).toISOString()
        }
      })
    await until('the live calls', () => s.server.connector?.status().notifications === 14)
    // Live as far as the notifications go (the capture's times are old: the stale rule calls it stale, not ended).
    const open = await eventually(() => notEnded(s, id))
    assert.ok(open, 'the call is not ended before')
    s.double.failNextRecovery('WSG-1003')
    s.double.endSession(id)
    s.double.dropConnections()
    await until('the refused recovery', () => s.server.connector?.status().recoveries.failed === 1, 10_000)
    await until('the reconciliation', () => s.server.connector?.status().reconciliation.closed === 2, 10_000)
    const ended = await eventually(async () => {
      const r = await fetch(`${s.server.url}/sessions/${id}`)
      const v = (await json(r)) as { status?: string; parties?: Array<{ endedBy?: string }> }
      return v.status === 'ended' ? v : undefined
    })
    assert.ok(ended, 'the session is ended')
    assert.ok(
      ended.parties?.some((party) => party.endedBy === 'reconciliation'),
      'ended by reconciliation'
    )
    const audit = (await json(await fetch(`${s.server.url}/sessions/${id}/audit`))) as {
      entries?: Array<{ type?: string }>
    }
    assert.ok(
      JSON.stringify(audit).includes('ReconciliationObserved'),
      'the audit shows the reconciliation as its own event'
    )
    const log = await logOf(s.server.dataDir)
    const observed = log.filter((e) => e.type === 'ReconciliationObserved' && e.stream === `session-${id}`)
    assert.is(observed.length, 1)
    assert.is(observed[0]?.metadata.source, 'reconciliation')
    assert.match(observed[0]?.data ?? '', /404/)
    // The capture's last event is years old: callstate was not following the call when it ended, so its clocks
    // stop at that last event (endAt), not at the moment the platform was asked.
    const lastSent = (p[6]?.body as { eventTime: string }).eventTime
    const data = JSON.parse(observed[0]?.data ?? '{}') as { endAt?: string; lastEventAt?: string; askedAt: string }
    assert.is(data.endAt, lastSent)
    assert.is(data.lastEventAt, lastSent)
    assert.ok(Date.parse(data.askedAt) > Date.parse(lastSent))
    assert.is((ended as { endedAt?: string }).endedAt, lastSent)
    // The recent call ended when the platform was asked (no endAt: the delay is at most --reconcile-after).
    const recentObserved = log.find((e) => e.type === 'ReconciliationObserved' && e.stream === `session-${recent}`)
    const recentData = JSON.parse(recentObserved?.data ?? '{}') as { endAt?: string; askedAt: string }
    assert.is(recentData.endAt, undefined)
    const recentView = (await json(await fetch(`${s.server.url}/sessions/${recent}`))) as { endedAt?: string }
    assert.is(recentView.endedAt, recentData.askedAt)
    // The subscription was made again: a new notification still arrives.
    await until('a new subscription', () => s.server.connector?.status().connected === true, 10_000)
    await s.double.publish(capture(P02, 0))
    await until('a notification after', () => s.server.connector?.status().notifications === 15, 10_000)
    const metrics = await (await fetch(`${s.server.url}/metrics`)).text()
    assert.match(metrics, /callstate_ringcentral_recoveries_total\{result="failed"\} 1/)
    assert.match(metrics, /callstate_ringcentral_reconciliation_closures_total 2/)
    assertNoSecrets(s)
  } finally {
    await s.close()
  }
})

test('the access token is refreshed on a timer, ahead of expiry, in the same OAuth session', async () => {
  const s = await connected({ accessTokenTtlS: 5 })
  try {
    await live(s)
    const grants = (): string[] =>
      s.double
        .requests({ path: '/restapi/oauth/token' })
        .map((r) => new URLSearchParams(r.body).get('grant_type') ?? '')
    await until('a refresh', () => grants().includes('refresh_token'), 15_000)
    assert.is(grants().filter((g) => g.includes('jwt')).length, 1, 'one JWT login, no new OAuth session')
    assert.is(s.server.connector?.status().token.relogins, 0)
    // With the refreshed token, calls still go through (the reconciliation's REST call uses it).
    await s.double.publish(capture(P02, 0))
    await until('a notification', () => s.server.connector?.status().notifications === 1, 10_000)
    assertNoSecrets(s)
  } finally {
    await s.close()
  }
})

test('429 from the platform: the rate-limit group waits for Retry-After before its next request', async () => {
  const s = await connected()
  try {
    await live(s)
    const p = envelopes(P03)
    const id = sessionOf(p[0])
    for (const e of p.slice(0, 5)) await s.double.publish(e)
    s.double.setSession(id, [])
    await until('the live call', () => s.server.connector?.status().notifications === 5)
    assert.ok(await eventually(() => notEnded(s, id)), 'the call is in the read models, not ended')
    const asked = (): number => s.double.countRequests({ path: /.*\/telephony\/sessions\/.+/ })
    const before = asked()
    s.double.force429('Light', 1, 2)
    await s.server.connector?.reconcileNow('test')
    assert.is(asked(), before + 1, 'asked once, answered 429')
    await s.server.connector?.reconcileNow('test')
    assert.is(asked(), before + 1, 'not asked again within Retry-After')
    assert.match(s.server.connector?.status().reconciliation.lastError ?? '', /rate limit/)
    await new Promise((r) => setTimeout(r, 2_100))
    await s.server.connector?.reconcileNow('test')
    assert.is(asked(), before + 2, 'asked again after Retry-After')
    assert.is(s.server.connector?.status().reconciliation.closed, 0, 'a session the platform knows is left alone')
  } finally {
    await s.close()
  }
})

const freePort = async (): Promise<number> => {
  const { createServer } = await import('node:net')
  return new Promise((resolve) => {
    const probe = createServer()
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      probe.close(() => resolve(port))
    })
  })
}

test('serve --public-url: the webhook subscription is created with its own token, renewed before expiry, re-created after a blacklist', async () => {
  const port = await freePort()
  const s = await connected(
    { webhookDefaultExpiresInS: 3600 },
    {
      port,
      publicUrl: `http://127.0.0.1:${port}/webhook`,
      tuning: { webhookCheckMs: 200, webhookExpiresInS: 3600, webhookRenewBeforeMs: 3_599_000 }
    }
  )
  try {
    const hooks = () => s.double.subscriptions().filter((x) => x.transportType === 'WebHook')
    assert.is(hooks().length, 1)
    assert.is(hooks()[0]?.status, 'Active')
    const state = JSON.parse(readFileSync(path.join(s.server.dataDir, 'ringcentral-webhook.json'), 'utf8')) as {
      id: string
      verificationToken: string
    }
    const { statSync } = await import('node:fs')
    assert.is(statSync(path.join(s.server.dataDir, 'ringcentral-webhook.json')).mode & 0o777, 0o600)
    assert.is(state.id, hooks()[0]?.id)
    // Deliveries carry the token and are stored; a POST without it is refused.
    const report = await s.double.publish(capture(P02, 0))
    assert.equal(
      report.webhook.map((d) => d.status),
      [200]
    )
    const refused = await post(`${s.server.url}/webhook`, JSON.stringify(capture(P02, 1)))
    assert.is(refused.status, 401)
    await until('renewed', () => (s.server.connector?.status().subscription.renewals ?? 0) >= 1, 10_000)
    assert.ok(s.double.countRequests({ path: /\/restapi\/v1\.0\/subscription\/.+\/renew/ }) >= 1)
    assert.ok(s.double.blacklist(state.id, 'test: too many failed deliveries'))
    await until('re-created', () => s.server.connector?.status().subscription.recreations === 1, 10_000)
    const now = hooks().filter((x) => x.status === 'Active')
    assert.is(now.length, 1)
    assert.is.not(now[0]?.id, state.id)
    const report2 = await s.double.publish(capture(P02, 1))
    assert.equal(
      report2.webhook.map((d) => d.status),
      [200],
      'the new subscription delivers'
    )
    const log = await logOf(s.server.dataDir)
    assert.is(log.filter((e) => e.metadata.source === 'webhook').length, 2)
    const h = await health(s.server)
    assert.is(h.connection.connected, true)
    assert.is(h.connection.subscription.status, 'Active')
    assert.is(h.connection.notifications, 2)
    const kept = JSON.parse(readFileSync(path.join(s.server.dataDir, 'ringcentral-webhook.json'), 'utf8')) as {
      verificationToken: string
    }
    assertNoSecrets(s, [state.verificationToken, kept.verificationToken])
  } finally {
    await s.close()
  }
})

test.run()
