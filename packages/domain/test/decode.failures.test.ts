/**
 * Hand-broken copies of real notifications: each must fail with exactly the listed `path: reason` lines,
 * every problem at once, paths relative to the unwrapped envelope.
 */
import { readFileSync } from 'node:fs'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { decode, formatDecodeFailure } from '../src/index.js'

type Json = Record<string, unknown>
const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

const read = (name: string): unknown =>
  JSON.parse(readFileSync(`${process.env['CALLSTATE_SHARED_DIR'] ?? '/work/shared'}/payloads/${name}`, 'utf8'))
const first = (name: string, index: number): Json => {
  const all = read(name)
  const v = Array.isArray(all) ? all[index] : undefined
  if (!isJson(v)) throw new Error(`${name}[${index}] is not an object`)
  return v
}

/** A fresh deep copy of a real telephony notification (payload 01, inbound IVR party, sequence 3). */
const telephony = (): Json => structuredClone(first('01-pstn-to-rc-via-ivr-answered-hold-unhold-hangup.json', 1))
/** A fresh deep copy of a real detailed presence notification (payload 09, ringing). */
const presence = (): Json =>
  structuredClone(first('09-inbound-unanswered-to-voicemail-presence-plus-message-store.json', 0))
const messageStore = (): Json =>
  structuredClone(first('09-inbound-unanswered-to-voicemail-presence-plus-message-store.json', 2))

const obj = (v: unknown): Json => {
  if (!isJson(v)) throw new Error('not an object')
  return v
}
const body = (n: Json): Json => obj(n['body'])
const party0 = (n: Json): Json => {
  const parties = body(n)['parties']
  return obj(Array.isArray(parties) ? parties[0] : undefined)
}

const lines = (input: unknown): string[] => {
  const r = decode(input)
  if (r._tag === 'Right') throw new Error(`expected a failure, decoded ${r.right.notification.kind}`)
  return formatDecodeFailure(r.left).split('\n')
}

test('the unbroken copies decode (the breakage below is what fails)', () => {
  assert.equal(
    [telephony(), presence(), messageStore()].map((n) => decode(n)._tag),
    ['Right', 'Right', 'Right']
  )
})

test('party without status', () => {
  const n = telephony()
  delete party0(n)['status']
  assert.equal(lines(n), ['body.parties[0].status: required, missing'])
})

test('party status without code, and an empty code', () => {
  const n = telephony()
  delete obj(party0(n)['status'])['code']
  assert.equal(lines(n), ['body.parties[0].status.code: required, missing'])
  obj(party0(n)['status'])['code'] = ''
  assert.equal(lines(n), ['body.parties[0].status.code: expected non-empty status code string, got ""'])
})

test('party without id', () => {
  const n = telephony()
  delete party0(n)['id']
  assert.equal(lines(n), ['body.parties[0].id: required, missing'])
})

test('telephony event without sequence', () => {
  const n = telephony()
  delete body(n)['sequence']
  assert.equal(lines(n), ['body.sequence: required, missing'])
})

test('sequence must be an integer: no fractions, no numeric strings (no real payload sends one)', () => {
  const n = telephony()
  body(n)['sequence'] = 'abc'
  assert.equal(lines(n), ['body.sequence: expected integer, got "abc"'])
  body(n)['sequence'] = '3'
  assert.equal(lines(n), ['body.sequence: expected integer, got "3"'])
  body(n)['sequence'] = 2.5
  assert.equal(lines(n), ['body.sequence: expected integer, got 2.5'])
})

test('telephonySessionId a boolean, and missing', () => {
  const n = telephony()
  body(n)['telephonySessionId'] = true
  assert.equal(lines(n), ['body.telephonySessionId: expected string or integer id, got true'])
  delete body(n)['telephonySessionId']
  assert.equal(lines(n), ['body.telephonySessionId: required, missing'])
})

test('parties not an array', () => {
  const n = telephony()
  body(n)['parties'] = party0(n)
  assert.equal(lines(n), ['body.parties: expected array of Party, got an object'])
})

test('no uuid, empty uuid, no event, no body', () => {
  const noUuid = telephony()
  delete noUuid['uuid']
  assert.equal(lines(noUuid), ['uuid: required, missing'])
  const emptyUuid = telephony()
  emptyUuid['uuid'] = ''
  assert.equal(lines(emptyUuid), ['uuid: expected non-empty string, got ""'])
  const noEvent = telephony()
  delete noEvent['event']
  assert.equal(lines(noEvent), ['event: required, missing'])
  const noBody = telephony()
  delete noBody['body']
  assert.equal(lines(noBody), ['body: required, missing'])
})

test('body null or not an object, for each known kind', () => {
  const t = telephony()
  t['body'] = null
  assert.equal(lines(t), ['body: expected TelephonySessionBody, got null'])
  const p = presence()
  p['body'] = 'Ringing'
  assert.equal(lines(p), ['body: expected DetailedPresenceBody, got "Ringing"'])
  const plain = presence()
  plain['event'] = '/restapi/v1.0/account/~/extension/133165004/presence'
  plain['body'] = [1]
  assert.equal(lines(plain), ['body: expected PresenceBody, got an array'])
  const m = messageStore()
  m['body'] = 7
  assert.equal(lines(m), ['body: expected MessageStoreBody, got 7'])
})

test('several problems at once are all listed, envelope first, in field order', () => {
  const n = telephony()
  delete n['uuid']
  n['timestamp'] = 'yesterday'
  body(n)['sequence'] = 'abc'
  body(n)['origin'] = 'Call'
  delete party0(n)['id']
  obj(party0(n)['to'])['extensionId'] = 1.5
  party0(n)['status'] = { reason: 'Pickup' }
  assert.equal(lines(n), [
    'uuid: required, missing',
    'timestamp: expected ISO 8601 date-time, got "yesterday"',
    'body.sequence: expected integer, got "abc"',
    'body.origin: expected Origin, got "Call"',
    'body.parties[0].id: required, missing',
    'body.parties[0].to.extensionId: expected string or integer id, got 1.5',
    'body.parties[0].status.code: required, missing'
  ])
})

test('problems in several parties carry their index', () => {
  const n = telephony()
  const p = party0(n)
  body(n)['parties'] = [p, { ...p, id: 7, status: { code: 'Answered' }, muted: 'no' }, { status: 'Gone' }]
  assert.equal(lines(n), [
    'body.parties[1].muted: expected boolean, got "no"',
    'body.parties[2].id: required, missing',
    'body.parties[2].status: expected PartyStatus, got "Gone"'
  ])
})

test('presence without any extensionId: not in the body, and the path names the subscriber, not the subject', () => {
  const line = presence()
  line['event'] = '/restapi/v1.0/account/~/extension/1/presence/line/presence?detailedTelephonyState=true'
  delete body(line)['extensionId']
  assert.equal(lines(line), ['body.extensionId: required, missing'])
  const noId = presence()
  noId['event'] = '/restapi/v1.0/account/~/extension/~/presence?detailedTelephonyState=true'
  delete body(noId)['extensionId']
  assert.equal(lines(noId), ['body.extensionId: required, missing'])
})

test('detailed presence: active call without id, bad sequence', () => {
  const n = presence()
  const calls = body(n)['activeCalls']
  if (Array.isArray(calls)) delete obj(calls[0])['id']
  body(n)['sequence'] = '107945'
  assert.equal(lines(n), ['body.sequence: expected integer, got "107945"', 'body.activeCalls[0].id: required, missing'])
})

test('message store without changes, with a change without type', () => {
  const n = messageStore()
  delete body(n)['changes']
  assert.equal(lines(n), ['body.changes: required, missing'])
  body(n)['changes'] = [{ newCount: 1 }]
  assert.equal(lines(n), ['body.changes[0].type: required, missing'])
})

test('an id number that JSON could not hold exactly is refused, not turned into a wrong id', () => {
  const n = telephony()
  party0(n)['extensionId'] = 2 ** 53 + 2
  assert.equal(lines(n), ['body.parties[0].extensionId: expected string or integer id, got 9007199254740994'])
})

test('not an envelope at all', () => {
  assert.equal(lines(42), ['(root): expected Envelope, got 42'])
  assert.equal(lines(null), ['(root): expected Envelope, got null'])
  assert.equal(lines([1, 2, 3]), ['(root): expected Envelope, got an array'])
  assert.equal(lines({}), ['uuid: required, missing', 'event: required, missing', 'body: required, missing'])
})

test('a WebSocket frame with a broken envelope reports paths inside the envelope', () => {
  const n = telephony()
  delete party0(n)['status']
  assert.equal(lines([{ type: 'ServerNotification', status: 200 }, n]), ['body.parties[0].status: required, missing'])
})

test('the failure value lists each problem as path and reason', () => {
  const n = telephony()
  delete n['uuid']
  body(n)['sequence'] = 'abc'
  assert.equal(decode(n), {
    _tag: 'Left',
    left: {
      _tag: 'DecodeFailure',
      problems: [
        { path: 'uuid', reason: 'required, missing' },
        { path: 'body.sequence', reason: 'expected integer, got "abc"' }
      ]
    }
  })
})

test.run()
