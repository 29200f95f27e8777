/**
 * The RingCentral double (./doubles/ringcentral) against the REAL official clients, `@ringcentral/sdk` 5.0.11 and
 * `@ringcentral/subscriptions` 5.0.11 (`@rc-ex/ws` 1.3.17), used as a connector would use them: JWT login and
 * refresh, WebSocket subscriptions with recovery, webhooks, rate limits, the telephony REST snapshot, and the
 * client traps of CONNECT.md section 7 reproduced on demand. Nothing here prints a token.
 */
import { EventEmitter } from 'node:events'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { SDK, type ApiError } from '@ringcentral/sdk'
import { Subscriptions } from '@ringcentral/subscriptions'
import * as E from 'fp-ts/Either'
import {
  decodeEnvelope,
  startRingCentralDouble,
  type Envelope,
  type RingCentralDouble,
  type RingCentralDoubleOptions
} from './doubles/ringcentral/index.js'
import { capture, once, openRaw, runSampleClient, startReceiver, until } from './doubles/ringcentral/harness.js'
import { isRecord, recordAt, stringAt } from './doubles/ringcentral/wire.js'

const P01 = '01-pstn-to-rc-via-ivr-answered-hold-unhold-hangup.json'
const ACCOUNT_SESSIONS = '/restapi/v1.0/account/~/telephony/sessions'

const isApiError = (error: unknown): error is ApiError => error instanceof Error && 'response' in error

const rejection = async (promise: Promise<unknown>): Promise<ApiError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  if (!isApiError(error)) throw new Error('expected the SDK to reject with an ApiError')
  return error
}

const bodyOf = async (error: ApiError): Promise<unknown> => error.response?.clone().json()

let sdkCount = 0

/** Each SDK gets its own `cachePrefix`: by default every SDK of a process shares one token cache (a trap). */
const sdkFor = (double: RingCentralDouble, extra: { clientSecret?: string; handleRateLimit?: boolean } = {}): SDK => {
  sdkCount += 1
  return new SDK({
    server: double.url,
    clientId: double.clientId,
    clientSecret: extra.clientSecret ?? double.clientSecret,
    cachePrefix: `rc-double-${sdkCount}-`,
    ...(extra.handleRateLimit === undefined ? {} : { handleRateLimit: extra.handleRateLimit })
  })
}

const withDouble = async (
  options: RingCentralDoubleOptions,
  body: (double: RingCentralDouble) => Promise<void>
): Promise<void> => {
  const double = await startRingCentralDouble(options)
  try {
    await body(double)
  } finally {
    await double.close()
  }
}

/** The part of `@rc-ex/ws`'s WebSocketExtension the tests use (`register()` types `.wse` as a narrower interface). */
interface Extension {
  readonly eventEmitter: EventEmitter
  readonly connectionDetails: { readonly recoveryState?: string; readonly recoveryErrorCode?: string }
  readonly revoke: () => Promise<void>
}

const isExtension = (value: unknown): value is Extension =>
  typeof value === 'object' &&
  value !== null &&
  'eventEmitter' in value &&
  value.eventEmitter instanceof EventEmitter &&
  'revoke' in value &&
  typeof value.revoke === 'function'

/** Logs in and registers one WebSocket subscription the way the subscriptions README does. */
const subscribe = async (double: RingCentralDouble, filters: readonly string[] = [ACCOUNT_SESSIONS]) => {
  const sdk = sdkFor(double)
  await sdk.platform().login({ jwt: double.jwt })
  const subscription = new Subscriptions({ sdk }).createSubscription().setEventFilters([...filters])
  const received: Envelope[] = []
  subscription.on(subscription.events.notification, (event: unknown) => {
    const decoded = decodeEnvelope(event)
    // An undecodable notification shows up in the uuids the tests compare.
    received.push(
      E.isRight(decoded)
        ? decoded.right
        : { uuid: `undecodable: ${decoded.left}`, event: '', timestamp: '', body: event }
    )
  })
  const registered = await subscription.register()
  const wse = registered.wse
  if (!isExtension(wse)) throw new Error('register() did not return a WebSocketExtension')
  return { sdk, registered, wse, received, uuids: () => received.map((event) => event.uuid) }
}

test('JWT login opens an OAuth session; a refresh keeps it, rotates the pair and kills the old access token', () =>
  withDouble({}, async (double) => {
    const platform = sdkFor(double).platform()
    const login = await (await platform.login({ jwt: double.jwt })).json()
    assert.is(stringAt(login, 'token_type'), 'bearer')
    assert.is(stringAt(login, 'owner_id'), double.extensionId)
    const tokenRequest = double.requests({ path: '/restapi/oauth/token' })[0]
    const form = new URLSearchParams(tokenRequest?.body ?? '')
    assert.equal([...form.keys()], ['grant_type', 'assertion'])
    assert.is(form.get('grant_type'), 'urn:ietf:params:oauth:grant-type:jwt-bearer')
    const basic = `Basic ${Buffer.from(`${double.clientId}:${double.clientSecret}`).toString('base64')}`
    assert.ok(tokenRequest?.headers['authorization'] === basic, 'Basic client authentication')
    assert.ok(form.get('assertion') === double.jwt, 'the JWT goes in the form')
    assert.is(tokenRequest?.headers['client-id'], undefined)
    assert.match(tokenRequest?.headers['x-user-agent'] ?? '', /RCJSSDK\/5\.0\.11/)

    const oldAccess = (await platform.auth().data()).access_token ?? ''
    const refreshed = await (await platform.refresh()).json()
    assert.is(stringAt(refreshed, 'session_id'), stringAt(login, 'session_id'))
    const refreshForm = new URLSearchParams(double.requests({ path: '/restapi/oauth/token' })[1]?.body ?? '')
    assert.is(refreshForm.get('grant_type'), 'refresh_token')
    assert.ok(refreshForm.has('access_token_ttl') && refreshForm.has('refresh_token_ttl'))
    const stale = await fetch(`${double.url}/restapi/v1.0/subscription`, {
      headers: { Authorization: `bearer ${oldAccess}` }
    })
    assert.is(stale.status, 401)
    assert.is(stringAt(await stale.json(), 'errorCode'), 'OAU-213')
    const list = await platform.get('/restapi/v1.0/subscription')
    assert.is(list.status, 200)
    const apiCall = double.requests({ method: 'GET', path: '/restapi/v1.0/subscription' }).at(-1)
    assert.ok(apiCall?.headers['authorization']?.startsWith('bearer ') === true, 'scheme copied from token_type')
    assert.is(apiCall?.headers['client-id'], double.clientId)

    const upper = await fetch(`${double.url}/restapi/v1.0/subscription`, {
      headers: { Authorization: `BEARER ${(await platform.auth().data()).access_token ?? ''}` }
    })
    assert.is(upper.status, 200)

    // The rotated refresh token still answers the same new pair within the grace period.
    const oldRefresh = new URLSearchParams(double.requests({ path: '/restapi/oauth/token' })[1]?.body ?? '')
    const replay = await fetch(`${double.url}/restapi/oauth/token`, {
      method: 'POST',
      headers: { Authorization: basic, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: oldRefresh.get('refresh_token') ?? '' })
    })
    const current = (await platform.auth().data()).access_token
    assert.ok(stringAt(await replay.json(), 'access_token') === current, 'same pair again')

    const again = await (await sdkFor(double).platform().login({ jwt: double.jwt })).json()
    assert.is.not(stringAt(again, 'session_id'), stringAt(login, 'session_id'))

    await platform.logout()
    const revoked = double.requests({ path: '/restapi/oauth/revoke' })[0]
    assert.ok(new URLSearchParams(revoked?.body ?? '').get('token') === current, 'revoke names the access token')
    const afterLogout = await fetch(`${double.url}/restapi/v1.0/subscription`, {
      headers: { Authorization: `bearer ${current ?? ''}` }
    })
    assert.is(afterLogout.status, 401)
  }))

test('trap: two SDK instances in one process share one token cache unless their cachePrefix differs', () =>
  withDouble({}, async (double) => {
    const plain = () => new SDK({ server: double.url, clientId: double.clientId, clientSecret: double.clientSecret })
    const first = plain().platform()
    const second = plain().platform()
    await first.login({ jwt: double.jwt })
    await second.login({ jwt: double.jwt })
    const same = (await first.auth().data()).access_token === (await second.auth().data()).access_token
    assert.ok(same, "the second login replaced the first SDK's tokens")
    const apart = [sdkFor(double).platform(), sdkFor(double).platform()]
    for (const platform of apart) await platform.login({ jwt: double.jwt })
    const tokens = await Promise.all(apart.map(async (platform) => (await platform.auth().data()).access_token))
    assert.ok(tokens[0] !== tokens[1], 'distinct cachePrefix, distinct sessions')
    await first.logout()
  }))

test('an expired access token: the SDK gets 401 OAU-128, refreshes and retries once', () =>
  withDouble({}, async (double) => {
    const platform = sdkFor(double).platform()
    await platform.login({ jwt: double.jwt })
    double.expireAccessTokens()
    const answer = await platform.get('/restapi/v1.0/subscription')
    assert.is(answer.status, 200)
    const trail = double.requests({ transport: 'http' }).map((r) => `${r.method} ${r.path} ${r.status}`)
    assert.equal(trail, [
      'POST /restapi/oauth/token 200',
      'GET /restapi/v1.0/subscription 401',
      'POST /restapi/oauth/token 200',
      'GET /restapi/v1.0/subscription 200'
    ])
    const refreshForm = new URLSearchParams(double.requests({ path: '/restapi/oauth/token' })[1]?.body ?? '')
    assert.is(refreshForm.get('access_token_ttl'), '-1', 'the SDK asks for a TTL of -1 after a 401')
    const data = await platform.auth().data()
    assert.is(String(data.expires_in), '3600', 'the double ignored it')
  }))

test('wrong client credentials: the SDK rejects with the 401 invalid_client body (and sent the request twice)', () =>
  withDouble({}, async (double) => {
    const error = await rejection(sdkFor(double, { clientSecret: 'wrong' }).platform().login({ jwt: double.jwt }))
    assert.is(error.response?.status, 401)
    assert.equal(await bodyOf(error), {
      error: 'invalid_client',
      error_description: 'Invalid client credentials',
      errors: [{ errorCode: 'OAU-146', message: 'Invalid client credentials' }]
    })
    assert.is(double.countRequests({ path: '/restapi/oauth/token' }), 2)
    const unknownJwt = await rejection(sdkFor(double).platform().login({ jwt: 'not-a-known-jwt' }))
    assert.is(unknownJwt.response?.status, 400)
    assert.is(stringAt(await bodyOf(unknownJwt), 'error'), 'invalid_grant')
  }))

test('WebSocket subscription: register() over the gateway, then a published capture arrives as a notification', () =>
  withDouble({}, async (double) => {
    const { registered, wse, received } = await subscribe(double)
    try {
      const id = registered.subscriptionInfo?.id ?? ''
      assert.equal(registered.subscriptionInfo?.eventFilters, [
        `/restapi/v1.0/account/${double.accountId}/telephony/sessions`
      ])
      assert.equal(double.subscriptions(), [
        {
          id,
          transportType: 'WebSocket',
          status: 'Active',
          eventFilters: registered.subscriptionInfo?.eventFilters ?? []
        }
      ])
      const envelope = capture(P01, 0)
      const report = await double.publish(envelope)
      assert.equal(report.webSocket, [{ subscriptionId: id, delivery: 'sent' }])
      await until('the notification', () => received.length === 1)
      assert.equal(received[0], { ...envelope, subscriptionId: id })
      const frames = double.requests({ transport: 'ws' }).map((r) => `${r.method} ${r.path} ${r.status}`)
      assert.equal(frames, ['POST /restapi/v1.0/subscription 200'])
    } finally {
      await wse.revoke()
    }
  }))

test('filters: account-level telephony matches every extension of the account; presence only its extension', () =>
  withDouble({}, async (double) => {
    const presence = '/restapi/v1.0/account/~/extension/~/presence?detailedTelephonyState=true&sipData=true'
    const { registered, wse, uuids } = await subscribe(double, [ACCOUNT_SESSIONS, presence])
    try {
      const id = registered.subscriptionInfo?.id ?? ''
      const account = `/restapi/v1.0/account/${double.accountId}`
      const event = (uuid: string, path: string): Envelope => ({ uuid, event: path, timestamp: '', body: {} })
      const outcomes = []
      for (const envelope of [
        event('t-ext', `${account}/extension/62242421016/telephony/sessions`),
        event('t-other-account', '/restapi/v1.0/account/1/telephony/sessions'),
        event('p-own', `${account}/extension/${double.extensionId}/presence?detailedTelephonyState=true`),
        event('p-other', `${account}/extension/62242421016/presence?detailedTelephonyState=true`)
      ])
        outcomes.push([envelope.uuid, (await double.publish(envelope)).webSocket.map((d) => d.subscriptionId)])
      assert.equal(outcomes, [
        ['t-ext', [id]],
        ['t-other-account', []],
        ['p-own', [id]],
        ['p-other', []]
      ])
      await until('two notifications', () => uuids().length === 2)
      assert.equal(uuids(), ['t-ext', 'p-own'])
    } finally {
      await wse.revoke()
    }
  }))

test('sendErrorFrame(WSG-903): the socket closes and the client recovers the same subscription', () =>
  withDouble({}, async (double) => {
    const { registered, wse, uuids } = await subscribe(double)
    try {
      const id = registered.subscriptionInfo?.id
      const recovered = once(wse.eventEmitter, 'autoRecoverSuccess')
      assert.is(double.sendErrorFrame('WSG-903'), 1)
      await recovered
      assert.is(registered.subscriptionInfo?.id, id)
      const marker = capture(P01, 3)
      await double.publish(marker)
      await until('the marker', () => uuids().includes(marker.uuid))
    } finally {
      await wse.revoke()
    }
  }))

test('dropConnections(): the client recovers (Successful, same subscription) and gets the missed notification once', () =>
  withDouble({}, async (double) => {
    const { registered, wse, uuids } = await subscribe(double)
    try {
      const id = registered.subscriptionInfo?.id
      const recovered = once(wse.eventEmitter, 'autoRecoverSuccess')
      assert.is(double.dropConnections(), 1)
      const missed = capture(P01, 1)
      assert.equal((await double.publish(missed)).webSocket, [{ subscriptionId: id ?? '', delivery: 'buffered' }])
      await recovered
      assert.is(wse.connectionDetails.recoveryState, 'Successful')
      await until('the missed notification', () => uuids().length === 1)
      const marker = capture(P01, 2)
      await double.publish(marker)
      await until('the marker', () => uuids().includes(marker.uuid))
      assert.equal(uuids(), [missed.uuid, marker.uuid])
      assert.is(registered.subscriptionInfo?.id, id)
      const upgrades = double.requests({ transport: 'ws-upgrade' })
      assert.ok(upgrades[1]?.path.includes('&wsc=') === true, 'the reconnect asked for recovery')
      assert.is(double.countRequests({ path: '/restapi/oauth/wstoken' }), 1)
    } finally {
      await wse.revoke()
    }
  }))

test('failNextRecovery(WSG-1003): the client makes a NEW subscription and the missed notification is lost', () =>
  withDouble({}, async (double) => {
    const { registered, wse, uuids } = await subscribe(double)
    try {
      const id = registered.subscriptionInfo?.id
      const failed = once(wse.eventEmitter, 'autoRecoverFailed')
      double.failNextRecovery('WSG-1003')
      double.dropConnections()
      await double.publish(capture(P01, 1))
      await failed
      assert.is(wse.connectionDetails.recoveryState, 'Failed')
      assert.is(wse.connectionDetails.recoveryErrorCode, 'WSG-1003')
      assert.is.not(registered.subscriptionInfo?.id, id)
      const marker = capture(P01, 2)
      await double.publish(marker)
      await until('the marker', () => uuids().includes(marker.uuid))
      assert.equal(uuids(), [marker.uuid])
    } finally {
      await wse.revoke()
    }
  }))

test('gateway protocol by hand: heartbeat, one subscription per connection, WSG-1003, WSG-1005, forged wsc', () =>
  withDouble({}, async (double) => {
    const tokenOf = async () => {
      const platform = sdkFor(double).platform()
      await platform.login({ jwt: double.jwt })
      const body = await (await platform.post('/restapi/oauth/wstoken')).json()
      return `${stringAt(body, 'uri') ?? ''}?access_token=${stringAt(body, 'ws_access_token') ?? ''}`
    }
    const meta = (frame: unknown) => (Array.isArray(frame) ? frame[0] : undefined)
    const body = (frame: unknown) => (Array.isArray(frame) ? frame[1] : undefined)
    const sessionA = await tokenOf()
    const first = await openRaw(sessionA)
    const details = await first.next()
    assert.is(stringAt(meta(details), 'type'), 'ConnectionDetails')
    assert.is(stringAt(body(details), 'recoveryState'), undefined)
    const wsc = stringAt(recordAt(meta(details), 'wsc'), 'token') ?? ''
    first.send([{ type: 'Heartbeat', messageId: 'hb-1' }])
    assert.equal(await first.next(), [{ type: 'Heartbeat', messageId: 'hb-1', status: 200 }])
    const post = (messageId: string) => [
      { type: 'ClientRequest', messageId, method: 'POST', path: '/restapi/v1.0/subscription/' },
      { deliveryMode: { transportType: 'WebSocket' }, eventFilters: ['/restapi/v1.0/account/~/extension/~/presence'] }
    ]
    first.send(post('m-1'))
    const created = await first.next()
    assert.equal([stringAt(meta(created), 'messageId'), meta(created)?.status], ['m-1', 200])
    first.send(post('m-2'))
    const replaced = stringAt(body(await first.next()), 'id')
    assert.equal(
      double.subscriptions().map((s) => s.id),
      [replaced]
    )
    first.ws.close()
    await first.closed

    const sessionB = await tokenOf()
    const other = await openRaw(`${sessionB}&wsc=${wsc}`)
    const otherDetails = body(await other.next())
    assert.equal(
      [stringAt(otherDetails, 'recoveryState'), stringAt(otherDetails, 'recoveryErrorCode')],
      ['Failed', 'WSG-1003']
    )
    other.ws.close()
    const back = await openRaw(`${sessionA}&wsc=${wsc}`)
    const backDetails = await back.next()
    assert.is(stringAt(body(backDetails), 'recoveryState'), 'Successful')
    assert.is(recordAt(meta(backDetails), 'wsc')?.['sequence'], 2)
    back.ws.close()

    const stale = await openRaw(`${sessionA}&wsc=${wsc}`)
    assert.is(stringAt(body(await stale.next()), 'recoveryErrorCode'), 'WSG-1005')
    stale.ws.close()
    const forged = await openRaw(`${sessionA}&wsc=WSC-forged`)
    const error = await forged.next()
    assert.equal([stringAt(meta(error), 'type'), stringAt(body(error), 'errorCode')], ['Error', 'WSG-400'])
    await forged.closed
    const refused = await openRaw(`${double.url.replace('http', 'ws')}/ws?access_token=bad`).then(
      () => 'opened',
      (e: unknown) => (e instanceof Error ? e.message : String(e))
    )
    assert.is(refused, 'upgrade refused: 401')
  }))

test('webhook: real validation handshake, renew, delivery with Verification-Token, blacklist seen by GET', () =>
  withDouble({}, async (double) => {
    const receiver = await startReceiver()
    try {
      const platform = sdkFor(double).platform()
      await platform.login({ jwt: double.jwt })
      const created = await (
        await platform.post('/restapi/v1.0/subscription', {
          eventFilters: [ACCOUNT_SESSIONS],
          expiresIn: 3600,
          deliveryMode: { transportType: 'WebHook', address: receiver.url, verificationToken: 'vt-42' }
        })
      ).json()
      const id = stringAt(created, 'id') ?? ''
      assert.equal([stringAt(created, 'status'), isRecord(created) && created['expiresIn']], ['Active', 3600])
      assert.equal(recordAt(created, 'deliveryMode'), {
        transportType: 'WebHook',
        encryption: false,
        address: receiver.url
      })
      const handshake = receiver.requests[0]
      assert.ok(typeof handshake?.headers['validation-token'] === 'string', 'Validation-Token sent')
      assert.is(handshake?.body, '')
      const renewed = await (await platform.post(`/restapi/v1.0/subscription/${id}/renew`)).json()
      assert.is(stringAt(renewed, 'status'), 'Active')

      const envelope = capture(P01, 0)
      const report = await double.publish(envelope)
      assert.equal(
        report.webhook.map((d) => [d.subscriptionId, d.ok, d.status]),
        [[id, true, 200]]
      )
      const delivery = receiver.requests[1]
      assert.is(delivery?.headers['verification-token'], 'vt-42')
      assert.is(delivery?.headers['content-type'], 'application/json; charset=UTF-8')
      assert.equal(JSON.parse(delivery?.body ?? 'null'), { ...envelope, subscriptionId: id })

      assert.ok(double.blacklist(id, 'Webhook responses with code: [404], reason: [Not Found]'))
      const seen = await (await platform.get(`/restapi/v1.0/subscription/${id}`)).json()
      assert.is(stringAt(seen, 'status'), 'Blacklisted')
      assert.is(
        stringAt(recordAt(seen, 'blacklistedData'), 'reason'),
        'Webhook responses with code: [404], reason: [Not Found]'
      )
      assert.equal((await double.publish(envelope)).skipped, [id])
      assert.ok(double.suspend(id))
      assert.is(stringAt(await (await platform.get(`/restapi/v1.0/subscription/${id}`)).json(), 'status'), 'Suspended')
      assert.is((await platform.delete(`/restapi/v1.0/subscription/${id}`)).status, 204)
      const gone = await rejection(platform.get(`/restapi/v1.0/subscription/${id}`))
      assert.equal([gone.response?.status, stringAt(await bodyOf(gone), 'errorCode')], [404, 'SUB-507'])
    } finally {
      await receiver.close()
    }
  }))

test('webhook: no echoed token -> 400 SUB-520; deliveries that keep failing -> Blacklisted with the reason', () =>
  withDouble({ webhookFailuresBeforeBlacklist: 2 }, async (double) => {
    const receiver = await startReceiver(() => ({ status: 200 }))
    try {
      const platform = sdkFor(double).platform()
      await platform.login({ jwt: double.jwt })
      const create = () =>
        platform.post('/restapi/v1.0/subscription', {
          eventFilters: [ACCOUNT_SESSIONS],
          deliveryMode: { transportType: 'WebHook', address: receiver.url }
        })
      const refused = await rejection(create())
      assert.equal([refused.response?.status, stringAt(await bodyOf(refused), 'errorCode')], [400, 'SUB-520'])
      receiver.answer = (request) => {
        const token = request.headers['validation-token']
        return typeof token === 'string' ? { status: 200, headers: { 'Validation-Token': token } } : { status: 500 }
      }
      const id = stringAt(await (await create()).json(), 'id') ?? ''
      await double.publish(capture(P01, 0))
      assert.is(stringAt(await (await platform.get(`/restapi/v1.0/subscription/${id}`)).json(), 'status'), 'Active')
      await double.publish(capture(P01, 1))
      const seen = await (await platform.get('/restapi/v1.0/subscription')).json()
      const record = isRecord(seen) && Array.isArray(seen['records']) ? seen['records'][0] : undefined
      assert.is(stringAt(record, 'status'), 'Blacklisted')
      assert.is(
        stringAt(recordAt(record, 'blacklistedData'), 'reason'),
        'Webhook responses with code: [500], reason: [Internal Server Error]'
      )
      assert.ok(double.expire(id))
      const expired = await rejection(platform.get(`/restapi/v1.0/subscription/${id}`))
      assert.equal([expired.response?.status, stringAt(await bodyOf(expired), 'errorCode')], [404, 'SUB-507'])
    } finally {
      await receiver.close()
    }
  }))

test('rate limits: X-Rate-Limit headers, force429 gives 429 + Retry-After, handleRateLimit retries, penalty', () =>
  withDouble({}, async (double) => {
    const sdk = sdkFor(double)
    const platform = sdk.platform()
    await platform.login({ jwt: double.jwt })
    const ok = await platform.get('/restapi/v1.0/subscription')
    assert.equal(
      ['group', 'limit', 'remaining', 'window'].map((h) => ok.headers.get(`x-rate-limit-${h}`)),
      ['light', '50', '49', '60']
    )
    double.force429('Light', 1, 1)
    const limitedEvent = once(platform, platform.events.rateLimitError)
    const limited = await rejection(platform.get('/restapi/v1.0/subscription'))
    await limitedEvent
    assert.equal([limited.response?.status, limited.response?.headers.get('retry-after')], [429, '1'])
    assert.is(stringAt(await bodyOf(limited), 'errorCode'), 'CMN-301')

    const patient = sdkFor(double, { handleRateLimit: true }).platform()
    await patient.login({ jwt: double.jwt })
    double.force429('Light', 1, 1)
    assert.is((await patient.get('/restapi/v1.0/subscription')).status, 200)
    const statuses = double.requests({ method: 'GET', path: '/restapi/v1.0/subscription' }).map((r) => r.status)
    assert.equal(statuses, [200, 429, 429, 200])

    double.rateLimit('Light', { limit: 1, windowS: 60 })
    assert.is((await platform.get('/restapi/v1.0/subscription')).status, 200)
    const over = await rejection(platform.get('/restapi/v1.0/subscription'))
    assert.equal([over.response?.status, over.response?.headers.get('retry-after')], [429, '60'])
  }))

test('telephony session REST: the flat body the test set, 404 once ended; presence snapshot', () =>
  withDouble({}, async (double) => {
    const platform = sdkFor(double).platform()
    await platform.login({ jwt: double.jwt })
    const party = { id: 'p-1', direction: 'Inbound', status: { code: 'Answered', rcc: false } }
    double.setSession('s-a0d1f2', [party], { creationTime: '2026-05-04T10:02:01Z' })
    const session = await (await platform.get('/restapi/v1.0/account/~/telephony/sessions/s-a0d1f2')).json()
    assert.equal(session, {
      id: 's-a0d1f2',
      creationTime: '2026-05-04T10:02:01Z',
      origin: { type: 'Call' },
      parties: [party]
    })
    double.endSession('s-a0d1f2')
    const ended = await rejection(platform.get('/restapi/v1.0/account/~/telephony/sessions/s-a0d1f2'))
    assert.is(ended.response?.status, 404)
    double.setPresence(double.extensionId, { telephonyStatus: 'Ringing', activeCalls: [{ telephonySessionId: 's-1' }] })
    const presence = await (
      await platform.get('/restapi/v1.0/account/~/extension/~/presence?detailedTelephonyState=true')
    ).json()
    assert.equal(presence, { telephonyStatus: 'Ringing', activeCalls: [{ telephonySessionId: 's-1' }] })
  }))

test('trap: an HTTP 401 at the upgrade crashes a client with no error listener; a guarded one recovers', () =>
  withDouble({}, async (double) => {
    double.refuseNextUpgrades(1, 'http')
    const naive = await runSampleClient(double, 'naive')
    assert.is.not(naive.code, 0)
    assert.ok(naive.stderr.includes('Unexpected server response: 401'), 'the unhandled socket error ended the process')
    assert.equal(naive.lines, [])
    double.refuseNextUpgrades(1, 'http')
    const guarded = await runSampleClient(double, 'guarded')
    assert.equal(guarded.lines, [
      { socketError: 'Unexpected server response: 401' },
      { registered: true },
      { revoked: true }
    ])
    assert.is(guarded.code, 0)
  }))

test('an Error frame at the upgrade is survived: rc-ex auto-recovers and register() resolves', () =>
  withDouble({}, async (double) => {
    double.refuseNextUpgrades(1, 'error-frame')
    const { registered, wse } = await subscribe(double)
    try {
      assert.ok(registered.subscriptionInfo?.id !== undefined)
      assert.equal(
        double.requests({ transport: 'ws-upgrade' }).map((r) => r.status),
        [101, 101]
      )
    } finally {
      await wse.revoke()
    }
  }))

test('trap: a notification in the same read as the subscription reply makes rc-ex throw (reading id)', () =>
  withDouble({}, async (double) => {
    double.coalesceNextSubscribeReply([capture(P01, 0)])
    const naive = await runSampleClient(double, 'naive')
    assert.is.not(naive.code, 0)
    assert.ok(naive.stderr.includes("Cannot read properties of undefined (reading 'id')"), 'TypeError in rc-ex')
  }))

test('trap: missed notifications replayed in the same read as ConnectionDetails are lost by rc-ex', () =>
  withDouble({ replay: 'same-read' }, async (double) => {
    const { wse, uuids } = await subscribe(double)
    try {
      const recovered = once(wse.eventEmitter, 'autoRecoverSuccess')
      double.dropConnections()
      const missed = await double.publish(capture(P01, 1))
      assert.equal(
        missed.webSocket.map((d) => d.delivery),
        ['buffered']
      )
      await recovered
      assert.equal(
        double.gatewaySessions().map((session) => [session.connected, session.buffered]),
        [[true, 0]],
        'the double replayed it'
      )
      const marker = capture(P01, 2)
      await double.publish(marker)
      await until('the marker', () => uuids().includes(marker.uuid))
      assert.equal(uuids(), [marker.uuid])
    } finally {
      await wse.revoke()
    }
  }))

test.run()
