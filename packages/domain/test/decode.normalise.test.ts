/**
 * The tolerant side of decoding: what real data varies in, and what the model receives instead.
 * Inputs are real notifications with one thing changed.
 */
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { codecs, decode, formatDecodeFailure, KNOWN_STATUS_CODES, type Decoded } from '../src/index.js'

type Json = Record<string, unknown>
const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
const obj = (v: unknown): Json => {
  if (!isJson(v)) throw new Error('not an object')
  return v
}
const read = (name: string): unknown =>
  JSON.parse(readFileSync(`${process.env['CALLSTATE_SHARED_DIR'] ?? '/work/shared'}/payloads/${name}`, 'utf8'))
const at = (name: string, index: number): Json => {
  const all = read(name)
  return structuredClone(obj(Array.isArray(all) ? all[index] : undefined))
}
const sample = (key: string): Json =>
  structuredClone(obj(obj(read('10-docs-single-event-samples-presence-telephony-voicemail-messagestore.json'))[key]))

/** payload 01, sequence 3: an inbound IVR party. */
const telephony = (): Json => at('01-pstn-to-rc-via-ivr-answered-hold-unhold-hangup.json', 1)
const body = (n: Json): Json => obj(n['body'])
const party0 = (n: Json): Json => {
  const parties = body(n)['parties']
  return obj(Array.isArray(parties) ? parties[0] : undefined)
}

const ok = (input: unknown): Decoded => {
  const r = decode(input)
  if (r._tag === 'Left') throw new Error(`expected to decode, got:\n${formatDecodeFailure(r.left)}`)
  return r.right
}
const telephonyBody = (input: unknown) => {
  const n = ok(input).notification
  if (n.kind !== 'telephony-session') throw new Error(`expected telephony-session, got ${n.kind}`)
  return n.body
}
const codeOf = (code: string): string | undefined => {
  const n = telephony()
  obj(party0(n)['status'])['code'] = code
  return telephonyBody(n).parties[0]?.status.code
}

test('status codes: aliases and any casing map to the canonical spelling, unknown codes are kept', () => {
  assert.equal(
    ['voicemail', 'Voicemail', 'VMScreening', 'vmscreening', 'ANSWERED', 'hold', 'FaxReceive', 'Teleporting'].map(
      codeOf
    ),
    [
      'VoiceMail',
      'VoiceMail',
      'VoiceMailScreening',
      'VoiceMailScreening',
      'Answered',
      'Hold',
      'FaxReceive',
      'Teleporting'
    ]
  )
})

test('property: every known code in any casing decodes to itself', () => {
  const casing = fc
    .tuple(fc.constantFrom(...KNOWN_STATUS_CODES), fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }))
    .map(([code, upper]) => [code, [...code].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch.toLowerCase())).join('')])
  fc.assert(fc.property(casing, ([code, spelled]) => codecs.canonicalStatusCode(spelled ?? '') === code))
})

test('ids as numbers become strings, wherever they appear', () => {
  const n = telephony()
  body(n)['sessionId'] = 429180487016
  body(n)['telephonySessionId'] = 718107795
  const p = party0(n)
  p['id'] = 2
  p['accountId'] = 809646016
  p['extensionId'] = 62242421016
  obj(p['to'])['extensionId'] = 62242421016
  obj(p['status'])['peerId'] = { sessionId: 0, telephonySessionId: 5, partyId: 6 }
  const b = telephonyBody(n)
  assert.equal(
    [b.sessionId, b.telephonySessionId, b.parties[0]?.id, b.parties[0]?.accountId, b.parties[0]?.extensionId],
    ['429180487016', '718107795', '2', '809646016', '62242421016']
  )
  assert.equal(b.parties[0]?.to, { phoneNumber: '+18003151571', name: 'IVR Menu 1001', extensionId: '62242421016' })
  assert.equal(b.parties[0]?.status.peerId, { sessionId: '0', telephonySessionId: '5', partyId: '6' })
})

test('property: any safe integer id decodes to its decimal string', () => {
  fc.assert(
    fc.property(fc.maxSafeInteger(), (id) => {
      const n = telephony()
      party0(n)['extensionId'] = id
      return telephonyBody(n).parties[0]?.extensionId === String(id)
    }),
    { numRuns: 200 }
  )
})

test('origin {type} becomes origin; park {id} becomes parkId; park {} gives none', () => {
  const n = telephony()
  body(n)['origin'] = { type: 'RingOut' }
  party0(n)['park'] = { id: 801 }
  const b = telephonyBody(n)
  assert.equal([b.origin, b.parties[0]?.parkId], ['RingOut', '801'])
  party0(n)['park'] = {}
  assert.equal('parkId' in (telephonyBody(n).parties[0] ?? {}), false)
})

test('reason and other enum-ish strings accept anything', () => {
  const n = telephony()
  party0(n)['direction'] = 'Sideways'
  obj(party0(n)['status'])['reason'] = 'CallSwitch'
  party0(n)['conferenceRole'] = 'Observer'
  const p = telephonyBody(n).parties[0]
  assert.equal([p?.direction, p?.status.reason, p?.conferenceRole], ['Sideways', 'CallSwitch', 'Observer'])
})

test('ccMailboxes as a comma-separated string becomes an array', () => {
  const n = telephony()
  obj(party0(n)['status'])['mobilePickupData'] = { ccMailboxes: '400144455008, 400144457008', sid: 402936472080 }
  assert.equal(telephonyBody(n).parties[0]?.status.mobilePickupData, {
    ccMailboxes: ['400144455008', '400144457008'],
    sid: '402936472080'
  })
})

test('eventTime missing falls back to the envelope timestamp', () => {
  const n = telephony()
  delete body(n)['eventTime']
  assert.equal(telephonyBody(n).eventTime, '2020-06-23T01:05:44.017Z')
  delete n['timestamp']
  assert.equal(telephonyBody(n).eventTime, undefined)
})

test("a time without a zone is read as UTC, never as the machine's local time; a zone given is kept", () => {
  const n = telephony()
  body(n)['eventTime'] = '2020-06-23T01:05:43.964'
  n['timestamp'] = '2020-06-23T01:05:44.017'
  const decoded = ok(n)
  assert.equal(
    decoded.notification.kind === 'telephony-session' && decoded.notification.body.eventTime,
    '2020-06-23T01:05:43.964Z'
  )
  assert.equal(decoded.notification.envelope.timestamp, '2020-06-23T01:05:44.017Z')
  body(n)['eventTime'] = '2020-06-23T03:05:43.964+02:00'
  assert.equal(telephonyBody(n).eventTime, '2020-06-23T03:05:43.964+02:00')
  body(n)['eventTime'] = '2020-06-23T01:05:43.964 in the evening'
  assert.equal(decode(n)._tag, 'Left')
})

test('a queue leg carries the queue name from uiCallInfo (payload 06, the call-queue call)', () => {
  const queued = telephonyBody(at('06-direct-call-vs-call-queue-call-first-events.json', 1))
  assert.equal(
    [queued.parties[0]?.queueCall, queued.parties[0]?.queueName, queued.parties[0]?.to?.extensionId],
    [true, "Tyler's call queue", '62282928016']
  )
  assert.equal(
    telephonyBody(at('06-direct-call-vs-call-queue-call-first-events.json', 0)).parties[0]?.queueName,
    undefined
  )
})

test('presence extensionId missing is taken from the event path /extension/<id>/presence', () => {
  const n = sample('events/extension-presence.json')
  delete body(n)['extensionId']
  assert.equal(ok(n).notification.body, {
    extensionId: '6610372004',
    sequence: 2698,
    telephonyStatus: 'CallConnected',
    presenceStatus: 'Busy',
    userStatus: 'Available',
    dndStatus: 'TakeAllCalls',
    meetingStatus: 'Disconnected',
    allowSeeMyPresence: true,
    ringOnMonitoredCall: false,
    pickUpCallsOnHold: false
  })
})

test('message store: extensionId from the path, counters omitted when zero read as 0', () => {
  const n = at('09-inbound-unanswered-to-voicemail-presence-plus-message-store.json', 2)
  delete body(n)['extensionId']
  body(n)['changes'] = [{ type: 'VoiceMail', newCount: 1 }, { type: 'SMS' }]
  assert.equal(ok(n).notification.body, {
    extensionId: '133165004',
    lastUpdated: '2016-10-26T16:46:22.553+0000',
    changes: [
      { type: 'VoiceMail', newCount: 1, updatedCount: 0 },
      { type: 'SMS', newCount: 0, updatedCount: 0 }
    ]
  })
})

test('detailed presence without activeCalls has none', () => {
  const n = at('09-inbound-unanswered-to-voicemail-presence-plus-message-store.json', 1)
  delete body(n)['activeCalls']
  const d = ok(n).notification
  assert.equal(d.kind === 'detailed-presence' ? d.body.activeCalls : 'wrong kind', [])
})

test('optional fields sent as null are treated as absent', () => {
  const n = telephony()
  body(n)['serverId'] = null
  party0(n)['direction'] = null
  const b = telephonyBody(n)
  assert.equal(['serverId' in b, 'direction' in (b.parties[0] ?? {})], [false, false])
})

test('unknown extra fields are left out of the notification but kept in the envelope', () => {
  const n = telephony()
  body(n)['recordings'] = [{ id: 1 }]
  party0(n)['uiCallInfo'] = { primary: { type: 'QueueName' } }
  const d = ok(n)
  assert.equal(['recordings' in telephonyBody(n), 'uiCallInfo' in (telephonyBody(n).parties[0] ?? {})], [false, false])
  assert.equal(d.envelope, n)
})

test('a well-formed envelope with an unrecognised path decodes as unknown, body untouched', () => {
  const n = telephony()
  n['event'] = '/restapi/v1.0/account/~/extension/1/missed-calls'
  n['body'] = { anything: [1, 'two'], extensionId: 5 }
  assert.equal(ok(n).notification, {
    kind: 'unknown',
    envelope: {
      uuid: '6211462813750803130',
      event: '/restapi/v1.0/account/~/extension/1/missed-calls',
      timestamp: '2020-06-23T01:05:44.017Z',
      subscriptionId: '2461434a-276a-4073-bd26-34089effbad5',
      ownerId: '809646016'
    },
    body: { anything: [1, 'two'], extensionId: 5 }
  })
})

test('kind by event path', () => {
  const paths = [
    '/restapi/v1.0/account/~/telephony/sessions',
    '/restapi/v1.0/account/1/extension/2/telephony/sessions?statusCode=Answered&direction=Inbound',
    '/restapi/v1.0/account/~/extension/2/presence',
    '/restapi/v1.0/account/~/extension/2/presence?detailedTelephonyState=true',
    '/restapi/v1.0/account/~/extension/2/presence?sipData=true&detailedTelephonyState=true',
    '/restapi/v1.0/account/~/extension/2/presence?detailedTelephonyState=false',
    '/restapi/v1.0/account/~/extension/2/presence/line/presence',
    '/restapi/v1.0/account/~/extension/2/presence/line/presence?detailedTelephonyState=true',
    '/restapi/v1.0/account/~/extension/2/favorite/presence?detailedTelephonyState=true',
    '/restapi/v1.0/account/~/extension/2/message-store',
    '/restapi/v1.0/account/~/extension/2/message-store/instant?type=SMS',
    '/restapi/v1.0/account/~/extension/2/voicemail',
    '/restapi/v1.0/account/~/extension/1/missed-calls'
  ]
  assert.equal(paths.map(codecs.kindOfEvent), [
    'telephony-session',
    'telephony-session',
    'presence',
    'detailed-presence',
    'detailed-presence',
    'presence',
    'presence',
    'detailed-presence',
    'detailed-presence',
    'message-store',
    'unknown',
    'unknown',
    'unknown'
  ])
})

test('pn_gcm unwraps like pn_apns (constructed: no real GCM sample is public)', () => {
  const envelope = telephony()
  const inData = ok({ uuid: envelope['uuid'], pn_gcm: { data: envelope } })
  const flat = ok({ pn_gcm: { notification: { title: 'call' }, ...envelope } })
  assert.equal([inData.transport, inData.envelope], ['pn_gcm', envelope])
  assert.equal([flat.transport, flat.envelope], ['pn_gcm', envelope])
  assert.equal(flat.notification, ok(envelope).notification)
})

test('property: decode never throws, and a failure always has at least one path: reason line', () => {
  fc.assert(
    fc.property(fc.oneof(fc.jsonValue(), fc.anything()), (input) => {
      const r = decode(input)
      return r._tag === 'Right' || (r.left.problems.length > 0 && r.left.problems.every((p) => p.reason !== ''))
    }),
    { numRuns: 500 }
  )
})

test('property: a real notification with random junk fields added decodes to the same notification', () => {
  const base = ok(telephony()).notification
  const junkKey = fc
    .string({ minLength: 1 })
    .filter(
      (k) =>
        !['uuid', 'event', 'timestamp', 'subscriptionId', 'ownerId', 'body', 'pn_apns', 'pn_gcm', '__proto__'].includes(
          k
        )
    )
  fc.assert(
    fc.property(junkKey, fc.jsonValue(), (key, value) => {
      const n = telephony()
      n[key] = value
      const r = decode(n)
      return r._tag === 'Right' && JSON.stringify(r.right.notification) === JSON.stringify(base)
    }),
    { numRuns: 200 }
  )
})

test.run()
