import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { emptyCounts, evolveMessages, foldMessages, messageCounts, type MessageStoreBody } from '../src/index.js'
import { decodedPayload } from './support/payloads.js'

test('payload 09: the voicemail left after the unanswered call counts one new VoiceMail for the extension', () => {
  const bodies = decodedPayload('09').flatMap((n) => (n.kind === 'message-store' ? [n.body] : []))
  assert.equal(foldMessages(bodies), {
    '133165004': {
      extensionId: '133165004',
      counts: { VoiceMail: 1, Fax: 0, SMS: 0, Pager: 0 },
      lastUpdated: '2016-10-26T16:46:22.553+0000'
    }
  })
})

test('a count is new messages announced: newCount summed per type, updatedCount ignored, new types kept', () => {
  assert.equal(
    messageCounts([
      { type: 'VoiceMail', newCount: 2, updatedCount: 5 },
      { type: 'Voicemail', newCount: 1, updatedCount: 0 },
      { type: 'SMS', newCount: 3, updatedCount: 0 },
      { type: 'Fax', newCount: 0, updatedCount: 1 },
      { type: 'Video', newCount: 1, updatedCount: 0 }
    ]),
    { VoiceMail: 3, Fax: 0, SMS: 3, Pager: 0, Video: 1 }
  )
  assert.equal(messageCounts([]), emptyCounts)
})

test('the fold is per extension and does not depend on order', () => {
  const a: MessageStoreBody = {
    extensionId: '1',
    lastUpdated: '2024-01-01T10:00:00.000Z',
    changes: [{ type: 'SMS', newCount: 1, updatedCount: 0 }]
  }
  const b: MessageStoreBody = {
    extensionId: '1',
    lastUpdated: '2024-01-01T11:00:00.000Z',
    changes: [{ type: 'Pager', newCount: 2, updatedCount: 0 }]
  }
  const c: MessageStoreBody = { extensionId: '2', changes: [{ type: 'Fax', newCount: 1, updatedCount: 0 }] }
  const expected = {
    '1': {
      extensionId: '1',
      counts: { VoiceMail: 0, Fax: 0, SMS: 1, Pager: 2 },
      lastUpdated: '2024-01-01T11:00:00.000Z'
    },
    '2': { extensionId: '2', counts: { VoiceMail: 0, Fax: 1, SMS: 0, Pager: 0 }, lastUpdated: null }
  }
  assert.equal(foldMessages([a, b, c]), expected)
  assert.equal(foldMessages([c, b, a]), expected)
  assert.equal(evolveMessages(foldMessages([b, c]), a), expected)
})

test.run()
