/**
 * Every real capture in ../shared/payloads goes through the decoder as it is: arrays element by element,
 * objects value by value, except where a file is not made of notifications (05, 12 and 13 hold REST party
 * snapshots and fragments, decoded through the piece codecs; 10 holds `_raw` text that is not JSON).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { codecs, decode, formatDecodeFailure, type Decoded, type Notification } from '../src/index.js'

const PAYLOADS = `${process.env['CALLSTATE_SHARED_DIR'] ?? '/work/shared'}/payloads`
const files = readdirSync(PAYLOADS).filter((f) => f.endsWith('.json'))

const load = (prefix: string): unknown => {
  const name = files.find((f) => f.startsWith(prefix))
  if (name === undefined) throw new Error(`no payload ${prefix}`)
  const value: unknown = JSON.parse(readFileSync(join(PAYLOADS, name), 'utf8'))
  return value
}
const elements = (prefix: string): unknown[] => {
  const v = load(prefix)
  if (!Array.isArray(v)) throw new Error(`${prefix} is not an array`)
  return v
}
const values = (prefix: string): Record<string, unknown> => {
  const v = load(prefix)
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${prefix} is not an object`)
  return { ...v }
}

/** The decoded value, or a test failure that prints the decoder's report. */
const ok = (input: unknown): Decoded => {
  const r = decode(input)
  if (r._tag === 'Left') throw new Error(`expected to decode, got:\n${formatDecodeFailure(r.left)}`)
  return r.right
}
const problems = (input: unknown): string[] => {
  const r = decode(input)
  if (r._tag === 'Right') throw new Error(`expected a failure, decoded ${r.right.notification.kind}`)
  return formatDecodeFailure(r.left).split('\n')
}
const telephony = (n: Notification) => {
  if (n.kind !== 'telephony-session') throw new Error(`expected telephony-session, got ${n.kind}`)
  return n.body
}
const presence = (n: Notification) => {
  if (n.kind !== 'detailed-presence') throw new Error(`expected detailed-presence, got ${n.kind}`)
  return n.body
}

const entries = (v: unknown): [string, unknown][] =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.entries(v) : []
const field = (v: unknown, key: string): unknown => entries(v).find(([k]) => k === key)?.[1]

const CHECKED = new Set<string>()
const covers = (prefix: string, name: string, fn: () => void) => {
  CHECKED.add(prefix)
  test(`${prefix}: ${name}`, fn)
}

for (const prefix of ['01', '02', '03']) {
  covers(prefix, 'every event decodes as a webhook telephony session, sequences in capture order', () => {
    const decoded = elements(prefix).map(ok)
    const sequences = decoded.map((d) => telephony(d.notification).sequence)
    assert.equal(
      sequences,
      decoded.map((_, i) => i + 2)
    )
    assert.equal(new Set(decoded.map((d) => d.transport)), new Set(['webhook']))
    assert.equal(
      decoded.map((d) => d.envelope),
      elements(prefix)
    )
  })
}

test('01: the first event normalises to the model, unknown fields (rcc, park {}) left out', () => {
  assert.equal(ok(elements('01')[0]).notification, {
    kind: 'telephony-session',
    envelope: {
      uuid: '4654793329359724763',
      event: '/restapi/v1.0/account/809646016/telephony/sessions',
      timestamp: '2020-06-23T01:05:44.013Z',
      subscriptionId: '2461434a-276a-4073-bd26-34089effbad5',
      ownerId: '809646016'
    },
    body: {
      sequence: 2,
      telephonySessionId: 's-718107795d564867a6f635fd81e89940',
      sessionId: '429180487016',
      serverId: '10.13.22.27.TAM',
      eventTime: '2020-06-23T01:05:43.940Z',
      origin: 'Call',
      parties: [
        {
          id: 'p-718107795d564867a6f635fd81e89940-1',
          accountId: '809646016',
          direction: 'Outbound',
          from: { phoneNumber: '+14083388064' },
          to: { phoneNumber: '+18003151571' },
          status: { code: 'Setup' },
          missedCall: false,
          standAlone: false,
          muted: false
        }
      ]
    }
  })
})

test('01: the status codes of the capture, in order', () => {
  const codes = elements('01').map((e) => telephony(ok(e).notification).parties.map((p) => p.status.code))
  assert.equal(codes, [
    ['Setup'],
    ['Setup'],
    ['Answered'],
    ['Disconnected'],
    ['Setup'],
    ['Proceeding'],
    ['Answered'],
    ['Hold'],
    ['Answered'],
    ['Disconnected'],
    ['Disconnected']
  ])
})

covers('04', 'a gap in sequences is kept as received (2, 3, 8)', () => {
  const bodies = elements('04').map((e) => telephony(ok(e).notification))
  assert.equal(
    bodies.map((b) => [b.sequence, b.parties[0]?.status.code]),
    [
      [2, 'Setup'],
      [3, 'Proceeding'],
      [8, 'Disconnected']
    ]
  )
})

covers('05', 'REST party snapshots decode through the Party codec, owner ids filling missing party ids', () => {
  const parties = Object.values(values('05')).map((v) => codecs.Party.decode(v))
  assert.equal(parties, [
    {
      _tag: 'Right',
      right: {
        id: 'p-fc4c93cdb34d4204ad95f349dd8f2174-1',
        accountId: '170848004',
        extensionId: '170848004',
        direction: 'Outbound',
        from: { phoneNumber: '+16504257106', extensionId: '170848004', deviceId: '52932004' },
        to: { phoneNumber: '+16579991394' },
        status: { code: 'Disconnected', reason: 'BlindTransfer' },
        standAlone: false,
        muted: false
      }
    },
    {
      _tag: 'Right',
      right: {
        id: 'p-279e175539444bdc96d16c1e2fe4dbe9-2',
        accountId: '170848004',
        extensionId: '170848004',
        direction: 'Inbound',
        from: { phoneNumber: '+16579991394' },
        to: { phoneNumber: '+16504257106', name: 'Embbnux Ji', extensionId: '170848004' },
        status: { code: 'Disconnected', reason: 'BlindTransfer' },
        standAlone: false,
        muted: false
      }
    },
    {
      _tag: 'Right',
      right: {
        id: 'p-a4a0d82257c9fz1803a3e5601z9856ea0000-1',
        accountId: '153906004',
        extensionId: '153906004',
        direction: 'Outbound',
        from: { phoneNumber: '+18445585565', name: 'Klay test1', extensionId: '153906004', deviceId: '30091004' },
        to: { phoneNumber: '+18443223062', name: 'Something1 New1', extensionId: '248452004' },
        status: {
          code: 'Gone',
          reason: 'AttendedTransfer',
          peerId: {
            sessionId: 's-a4a0d812557c5z1803a3eee14z97f6290000',
            partyId: 'p-a4a0d812557c5z1803a3eee14z97f6290000-1'
          }
        },
        standAlone: false,
        muted: false
      }
    },
    {
      _tag: 'Right',
      right: {
        id: 'p-0e91aa797b624d7a9d42c012bdb7f9f1-2',
        direction: 'Inbound',
        from: { phoneNumber: '+16504257106', extensionId: '170848004', deviceId: '52932004' },
        to: { phoneNumber: 'conference', name: 'Conference' },
        status: { code: 'Setup' },
        standAlone: false,
        muted: false,
        conferenceRole: 'Participant'
      }
    }
  ])
})

test('05: party snapshots are not envelopes', () => {
  for (const v of Object.values(values('05'))) {
    assert.equal(problems(v), ['uuid: required, missing', 'event: required, missing', 'body: required, missing'])
  }
})

covers('06', 'direct and queue calls: queueCall kept, uiCallInfo and park {} left out', () => {
  const parties = elements('06').map((e) => telephony(ok(e).notification).parties)
  assert.equal(
    parties.map((ps) => ps.map((p) => [p.status.code, p.queueCall, p.to])),
    [
      [['Setup', undefined, { phoneNumber: '+16504223279', name: 'Test User', extensionId: '62264425016' }]],
      [['Proceeding', true, { phoneNumber: '+12092271475', name: "Tyler's call queue", extensionId: '62282928016' }]]
    ]
  )
})

covers('07', 'two sessions, mobilePickupData with ccMailboxes as an array', () => {
  const bodies = elements('07').map((e) => telephony(ok(e).notification))
  assert.equal(
    bodies.map((b) => [b.telephonySessionId, b.sequence, b.parties[0]?.status]),
    [
      [
        's-a39d666edaab42fdaa476135027819bc',
        6,
        {
          code: 'Answered',
          mobilePickupData: {
            ccMailboxes: ['684351005'],
            to: '#374005@sip.devtest.ringcentral.com:5060',
            sid: '35195775561837',
            srvLvl: '-149699523',
            srvLvlExt: '406'
          }
        }
      ],
      ['s-9d11ac1bba524888bffaaef0488557c3', 4, { code: 'Answered' }]
    ]
  )
})

covers('08', 'bodies without envelope or party ids fail with every reason', () => {
  for (const e of elements('08')) {
    assert.equal(problems(e), [
      'uuid: required, missing',
      'event: required, missing',
      'body.parties[0].id: required, missing'
    ])
  }
})

covers('09', 'detailed presence with a number extensionId, then the voicemail message-store event', () => {
  const [ringing, ended, voicemail] = elements('09').map((e) => ok(e).notification)
  assert.equal(ringing, {
    kind: 'detailed-presence',
    envelope: {
      uuid: '61fa2f05-5679-4c57-a1d4-4b8fab2d8254',
      event: '/restapi/v1.0/account/133128004/extension/133165004/presence?detailedTelephonyState=true',
      timestamp: '2016-10-26T16:44:49.441Z',
      subscriptionId: 'a8d72076-a1ce-42b3-86d7-5835ce9df152'
    },
    body: {
      extensionId: '133165004',
      sequence: 107945,
      telephonyStatus: 'Ringing',
      presenceStatus: 'Available',
      userStatus: 'Available',
      dndStatus: 'DoNotAcceptDepartmentCalls',
      allowSeeMyPresence: true,
      ringOnMonitoredCall: false,
      pickUpCallsOnHold: false,
      activeCalls: [
        {
          id: '448115d0d81241fcaf4fc0d0b01c0ef9',
          direction: 'Inbound',
          from: '+14158905908',
          to: '+16505819987',
          telephonyStatus: 'Ringing',
          sessionId: '14860368004'
        }
      ]
    }
  })
  assert.equal(ended && presence(ended).activeCalls.map((c) => [c.telephonyStatus, c.terminationType]), [
    ['NoCall', 'final']
  ])
  assert.equal(voicemail, {
    kind: 'message-store',
    envelope: {
      uuid: 'bc8cfb3d-661e-4393-9210-f3ff5be73ebc',
      event: '/restapi/v1.0/account/133128004/extension/133165004/message-store',
      timestamp: '2016-10-26T16:46:29.437Z',
      subscriptionId: 'a8d72076-a1ce-42b3-86d7-5835ce9df152'
    },
    body: {
      extensionId: '133165004',
      lastUpdated: '2016-10-26T16:46:22.553+0000',
      changes: [{ type: 'VoiceMail', newCount: 1, updatedCount: 0 }]
    }
  })
})

covers('10', 'documentation samples: kinds and transports; `_raw` sources are not JSON', () => {
  const samples = values('10')
  const summary = Object.entries(samples).map(([key, v]) => {
    if (typeof v === 'object' && v !== null && '_raw' in v) {
      const raw = v._raw
      assert.type(raw, 'string')
      assert.throws(() => JSON.parse(String(raw)), SyntaxError)
      return [key, 'not JSON']
    }
    const d = ok(v)
    return [key, d.transport, d.notification.kind]
  })
  assert.equal(summary, [
    ['voice/telephony-session-event.json', 'webhook', 'telephony-session'],
    ['events/extension-telephony-sessions.json', 'pn_apns', 'telephony-session'],
    ['events/account-telephony-sessions.json', 'pn_apns', 'telephony-session'],
    ['events/detailed-extension-presence.json', 'webhook', 'detailed-presence'],
    ['events/detailed-extension-presence-with-sip.json', 'webhook', 'detailed-presence'],
    ['events/extension-presence.json', 'webhook', 'presence'],
    ['events/voicemail-message.json', 'webhook', 'unknown'],
    ['events/message.json', 'not JSON'],
    ['events/fax-message.json', 'webhook', 'unknown'],
    ['events/instant-message.json', 'not JSON']
  ])
})

test('10: the pn_apns sample unwraps to the pn_apns object without aps', () => {
  const sample = values('10')['events/extension-telephony-sessions.json']
  const d = ok(sample)
  const apns = field(sample, 'pn_apns')
  const withoutAps = Object.fromEntries(entries(apns).filter(([k]) => k !== 'aps'))
  assert.equal(field(apns, 'aps'), { 'content-available': 1 })
  assert.equal(d.envelope, withoutAps)
  assert.equal(d.transport, 'pn_apns')
  assert.equal(d.notification.envelope.ownerId, '400144455008')
  assert.equal(telephony(d.notification).parties[0]?.status.mobilePickupData?.ccMailboxes, ['400144455008'])
})

test('10: an unrecognised event path keeps the body as received', () => {
  const fax = values('10')['events/fax-message.json']
  const d = ok(fax)
  const body = field(fax, 'body')
  assert.equal(d.notification, {
    kind: 'unknown',
    envelope: {
      uuid: 'ed1cf00c-0420-4bf5-a0ae-e659bb9f77e0',
      event: '/restapi/v1.0/account/~/extension/823476228762/fax?direction=Inbound',
      subscriptionId: 'dc853541-66ac-45d8-a289-1a239fd72888',
      ownerId: '823476228762',
      timestamp: '2018-02-28T10:06:15.000Z'
    },
    body
  })
})

covers('11', 'the WebSocket frame unwraps; the telephony sample keeps mobilePickupData', () => {
  const samples = values('11')
  const frame = samples['wsServerNotificationFrame_presence_outbound_ringing']
  const d = ok(frame)
  assert.equal(d.transport, 'websocket')
  assert.equal(d.envelope, Array.isArray(frame) ? frame[1] : undefined)
  assert.equal(d.notification.kind, 'detailed-presence')
  const body = presence(d.notification)
  assert.equal([body.extensionId, body.sequence, body.totalActiveCalls], ['908199004', 10, 1])
  assert.equal(body.activeCalls, [
    {
      id: 'j4d3cdrpsor53mefq01c',
      direction: 'Outbound',
      from: '+19073490936',
      to: '+12055439065',
      startTime: '2022-02-10T08:43:42.718Z',
      telephonyStatus: 'Ringing',
      sessionId: '45561702004',
      telephonySessionId: 's-a4a0d8226a3d4z17ee2cd74ddz2edde0000',
      partyId: 'p-a4a0d8226a3d4z17ee2cd74ddz2edde0000-1'
    }
  ])
  const t = ok(samples['telephonySession_inbound_proceeding_mobilePickupData'])
  assert.equal(t.transport, 'webhook')
  const session = telephony(t.notification)
  assert.equal(
    [session.accountId, session.extensionId, session.parties[0]?.status.code],
    ['400144452008', '400144455008', 'Proceeding']
  )
})

covers('12', 'the conference fragment is not a notification; its status decodes as a PartyStatus', () => {
  const fragment = values('12')
  assert.equal(problems(fragment), ['uuid: required, missing', 'event: required, missing', 'body: required, missing'])
  assert.equal(codecs.PartyStatus.decode(fragment['status']), {
    _tag: 'Right',
    right: {
      code: 'Gone',
      reason: 'Conference',
      peerId: {
        sessionId: '0',
        telephonySessionId: 's-a0dd888305b18z18c590772c3z13204cb0000',
        partyId: 'p-a0dd888305b18z18c590772c3z13204cb0000-2'
      }
    }
  })
})

covers('13', 'the RingOut REST snapshot is not a notification; its parties decode, both Inbound', () => {
  const snapshot = values('13')
  assert.equal(problems(snapshot), ['uuid: required, missing', 'event: required, missing', 'body: required, missing'])
  const parties = codecs.Parties.decode(snapshot['parties'])
  assert.equal(
    parties._tag === 'Right' && parties.right.map((p) => [p.id, p.direction, p.ringOutRole, p.extensionId]),
    [
      ['p-a1d145704da1cz18e8c134b27z1547700000-1', 'Inbound', 'Initiator', '893779005'],
      ['p-a1d145704da1cz18e8c134b27z1547700000-2', 'Inbound', 'Target', undefined]
    ]
  )
})

test('every payload file is covered by a test above', () => {
  assert.equal(
    files.map((f) => f.slice(0, 2)).filter((p) => !CHECKED.has(p)),
    []
  )
})

test.run()
