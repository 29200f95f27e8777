/**
 * The fold must not depend on arrival order or duplicates (DOMAIN.md: delivery is at least once and not ordered).
 * Property: any shuffle of the notifications, with any of them delivered again (as a separate copy, like the
 * account-level and extension-level deliveries), evolved one at a time, is deep-equal to the in-order fold.
 */
import * as fc from 'fast-check'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  KNOWN_STATUS_CODES,
  TRANSITIONS,
  emptySession,
  evolveSession,
  evolveSessionWith,
  foldSession,
  type EndFact,
  type KnownStatusCode,
  type TelephonySessionBody
} from '../src/index.js'
import { sessionBodies } from './support/payloads.js'
import { SESSION, t } from './support/sessions.js'

/** The bodies shuffled, some delivered twice (deep copies, as a second subscription would deliver them). */
const deliveries = (bodies: ReadonlyArray<TelephonySessionBody>): fc.Arbitrary<TelephonySessionBody[]> =>
  fc.array(fc.nat({ max: Math.max(0, bodies.length - 1) }), { maxLength: bodies.length }).chain((again) => {
    const all = [...bodies, ...again.flatMap((i) => (bodies[i] === undefined ? [] : [structuredClone(bodies[i])]))]
    return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length })
  })

const evolveAll = (id: string, bodies: ReadonlyArray<TelephonySessionBody>) =>
  bodies.reduce(evolveSession, emptySession(id))

for (const prefix of ['01', '02', '03', '04']) {
  test(`payload ${prefix}: shuffled and duplicated deliveries fold to the in-order state`, () => {
    const bodies = sessionBodies(prefix)
    const id = bodies[0]?.telephonySessionId ?? ''
    const inOrder = evolveAll(id, bodies)
    fc.assert(
      fc.property(deliveries(bodies), (arrived) => {
        assert.equal(evolveAll(id, arrived), inOrder)
      }),
      { numRuns: 200 }
    )
  })
}

/** A plausible status path of one party: a walk through the transition table, sometimes with an unknown code. */
const partyPath: fc.Arbitrary<{ code: string; reason?: string }[]> = fc
  .tuple(
    fc.constantFrom<KnownStatusCode>('Setup', 'Proceeding', 'Answered'),
    fc.array(fc.nat(), { minLength: 0, maxLength: 6 }),
    fc.constantFrom(undefined, 'CallSwitch', 'BlindTransfer', 'Conference', 'Recording')
  )
  .map(([start, picks, flavour]) => {
    const codes: { code: string; reason?: string }[] = [{ code: start }]
    let current: KnownStatusCode = start
    for (const pick of picks) {
      const next: ReadonlyArray<KnownStatusCode> = TRANSITIONS[current]
      const chosen = next[pick % Math.max(1, next.length)]
      if (chosen === undefined) break
      current = chosen
      const reason =
        (chosen === 'Disconnected' && (flavour === 'CallSwitch' || flavour === 'BlindTransfer')) ||
        (chosen === 'Gone' && flavour === 'Conference')
          ? flavour
          : undefined
      codes.push(reason === undefined ? { code: chosen } : { code: chosen, reason })
      if (flavour === 'Recording' && chosen === 'Answered') codes.push({ code: 'Recording' })
    }
    return codes
  })

/**
 * A plausible session: 1 to 3 parties, their paths interleaved into one sequence (as the platform numbers events
 * across parties), eventTimes rising with the sequence, some events lost (gaps) and, rarely, an out-of-table step.
 */
const sessionHistory: fc.Arbitrary<TelephonySessionBody[]> = fc
  .tuple(
    fc.array(partyPath, { minLength: 1, maxLength: 3 }),
    fc.array(fc.nat({ max: 2 }), { minLength: 30, maxLength: 30 }),
    fc.array(fc.integer({ min: 0, max: 9000 }), { minLength: 30, maxLength: 30 }),
    fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
    fc.constantFrom(...KNOWN_STATUS_CODES)
  )
  .map(([paths, order, steps, lost, stray]) => {
    const cursors = paths.map(() => 0)
    const bodies: TelephonySessionBody[] = []
    let ms = 0
    for (let sequence = 2; cursors.some((c, i) => c < (paths[i]?.length ?? 0)); sequence++) {
      const live = paths.flatMap((p, i) => ((cursors[i] ?? 0) < p.length ? [i] : []))
      const who = live[(order[sequence % order.length] ?? 0) % live.length] ?? 0
      const status = paths[who]?.[cursors[who] ?? 0] ?? { code: stray }
      cursors[who] = (cursors[who] ?? 0) + 1
      ms += steps[sequence % steps.length] ?? 0
      if (lost[sequence % lost.length] === true && sequence % 5 === 0) continue
      bodies.push({
        sequence,
        telephonySessionId: SESSION,
        sessionId: '100',
        eventTime: t(ms / 1000),
        origin: 'Call',
        parties: [{ id: `p-${who}`, direction: who === 0 ? 'Outbound' : 'Inbound', status }]
      })
    }
    return bodies
  })

test('generated sessions: shuffled and duplicated deliveries fold to the in-order state', () => {
  fc.assert(
    fc.property(
      sessionHistory.chain((bodies) => fc.tuple(fc.constant(bodies), deliveries(bodies))),
      ([bodies, arrived]) => {
        const inOrder = foldSession(SESSION, bodies)
        assert.equal(evolveAll(SESSION, arrived), inOrder)
        assert.equal(foldSession(SESSION, arrived), inOrder)
      }
    ),
    { numRuns: 300 }
  )
})

test('generated sessions with two contents at one sequence still fold order-independently', () => {
  fc.assert(
    fc.property(
      sessionHistory.chain((bodies) => {
        const first = bodies[0]
        const twin: TelephonySessionBody[] =
          first === undefined
            ? []
            : [{ ...first, parties: first.parties.map((p) => ({ ...p, status: { code: 'Hold' } })) }]
        return fc.tuple(fc.constant([...bodies, ...twin]), deliveries([...bodies, ...twin]))
      }),
      ([bodies, arrived]) => {
        assert.equal(evolveAll(SESSION, arrived), foldSession(SESSION, bodies))
      }
    ),
    { numRuns: 200 }
  )
})

/** End facts as presence would send them: for random parties (or for extension 101), at random times. */
const endFacts: fc.Arbitrary<EndFact[]> = fc
  .array(
    fc.record({
      party: fc.constantFrom<string | null>('p-0', 'p-1', 'p-2', null),
      seconds: fc.integer({ min: 0, max: 200 }),
      event: fc.constantFrom('e1', 'e2', 'e3')
    }),
    { maxLength: 4 }
  )
  .map((picks) =>
    picks.map((p): EndFact => ({
      source: 'presence',
      eventId: p.event,
      at: t(p.seconds),
      extensionId: '101',
      partyId: p.party
    }))
  )

type Arrival = { readonly body: TelephonySessionBody } | { readonly end: EndFact }

test('generated sessions with presence ends: any interleaving of both streams, with copies, gives one state', () => {
  fc.assert(
    fc.property(
      fc.tuple(sessionHistory, endFacts).chain(([bodies, ends]) => {
        const arrivals: Arrival[] = [
          ...bodies.map((body) => ({ body })),
          ...ends.map((end) => ({ end })),
          ...ends.slice(0, 1).map((end) => ({ end: structuredClone(end) }))
        ]
        return fc.tuple(
          fc.constant(bodies),
          fc.constant(ends),
          fc.shuffledSubarray(arrivals, { minLength: arrivals.length, maxLength: arrivals.length })
        )
      }),
      ([bodies, ends, arrived]) => {
        // the extension's parties: p-1 is extension 101's, so an end naming no party applies to it
        const withExtensions = (b: TelephonySessionBody): TelephonySessionBody => ({
          ...b,
          parties: b.parties.map((p) => (p.id === 'p-1' ? { ...p, extensionId: '101' } : p))
        })
        const expected = evolveSessionWith(foldSession(SESSION, bodies.map(withExtensions)), [], ends)
        const actual = arrived.reduce(
          (s, a) => ('body' in a ? evolveSessionWith(s, [withExtensions(a.body)]) : evolveSessionWith(s, [], [a.end])),
          emptySession(SESSION)
        )
        assert.equal(actual, expected)
      }
    ),
    { numRuns: 300 }
  )
})

test.run()
