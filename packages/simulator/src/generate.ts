/**
 * The simulator: a streaming generator. Calls start one after another at realistic intervals through the
 * day; their events are kept in a time-ordered heap and released once no call still to be scripted can
 * start before them, so only the calls in progress are held in memory, whatever `--calls` is.
 */
import { makeDirectory } from './directory.js'
import { TimeHeap } from './heap.js'
import type { SimItem, SimOutput } from './noise.js'
import { withNoise } from './noise.js'
import type { SimulateOptions } from './options.js'
import type { Rng } from './prng.js'
import { mulberry32, weighted } from './prng.js'
import { Renderer } from './render.js'
import { SCENARIO_TABLE } from './scenarios/index.js'
import type { SimSession, SimStep } from './script.js'
import { truthOf } from './truth.js'

type Pending =
  | { readonly kind: 'step'; readonly session: SimSession; readonly step: SimStep }
  | { readonly kind: 'voicemail'; readonly extensionId: string; readonly at: number }

/** Relative call volume by UTC hour: quiet nights, busy mornings and afternoons, a lunch dip. */
const LOAD_BY_HOUR = [
  0.03, 0.02, 0.02, 0.02, 0.02, 0.03, 0.08, 0.3, 0.7, 1, 1, 1, 0.7, 0.85, 1, 1, 0.9, 0.6, 0.3, 0.2, 0.12, 0.08, 0.05,
  0.04
]
/** Mean gap between two call starts at full load. */
const BUSY_GAP_MS = 40_000

const nextGap = (rng: Rng, at: number): number => {
  const load = LOAD_BY_HOUR[new Date(at).getUTCHours()] ?? 1
  return Math.max(200, Math.round((-Math.log(1 - rng.next()) * BUSY_GAP_MS) / load))
}

/** The clean stream: notifications in delivery order, and the truth of each session as soon as it is scripted. */
export function* simulateClean(options: SimulateOptions): Generator<SimItem> {
  const rng = mulberry32(options.seed)
  const dir = makeDirectory(rng, options.extensions)
  const renderer = new Renderer(rng, dir)
  const ctx = { rng, dir }
  const table = SCENARIO_TABLE.map(([name, weight, run]) => [{ name, run }, weight] as const)
  const heap = new TimeHeap<Pending>()
  let clock = options.start
  let scripted = 0

  while (scripted < options.calls || heap.size > 0) {
    const next = heap.peekTime()
    if (scripted < options.calls && (next === undefined || next >= clock)) {
      const scenario = weighted(rng, table)
      scripted++
      // The call's number ties together the sessions of one customer call (transfer, conference).
      for (const session of scenario.run(ctx, clock)) {
        yield { _tag: 'Truth', truth: truthOf(session, scripted) }
        for (const step of session.steps) heap.push(step.at, { kind: 'step', session, step })
        for (const v of session.voicemails) heap.push(v.at, { kind: 'voicemail', ...v })
      }
      clock += nextGap(rng, clock)
      continue
    }
    const item = heap.pop()
    if (item === undefined) break
    const out =
      item.kind === 'voicemail'
        ? [renderer.messageStore(item.extensionId, item.at)]
        : [...renderer.telephony(item.session, item.step), ...renderer.presence(item.session, item.step)]
    for (const notification of out) yield { _tag: 'Notification', notification }
  }
}

/** Noise gets its own PRNG, derived from the seed, so rates never change the calls. */
const NOISE_SALT = 0x9e3779b9

/** The full output: lines (clean or noisy, in the chosen format) interleaved with truth records. */
export const simulate = (options: SimulateOptions): Generator<SimOutput> =>
  withNoise(simulateClean(options), options, options.format, mulberry32((options.seed ^ NOISE_SALT) >>> 0))

/** Only the notification lines. */
export function* simulateLines(options: SimulateOptions): Generator<string> {
  for (const item of simulate(options)) if (item._tag === 'Line') yield item.text
}
