/**
 * What every scenario gets: the random source, the account, and realistic durations. Durations are
 * drawn in milliseconds with a millisecond part, as real eventTimes have.
 */
import type { Directory, Extension } from '../directory.js'
import { endpointOf, pstn } from '../directory.js'
import type { Rng } from '../prng.js'
import type { SimEndpoint, SimParty } from '../script.js'
import { SessionBuilder } from '../script.js'

export interface ScenarioContext {
  readonly rng: Rng
  readonly dir: Directory
}

export const durations = (rng: Rng) => ({
  /** Signalling latency between two related events. */
  latency: () => rng.int(12, 180),
  ring: () => rng.int(2_000, 18_000),
  talk: () => rng.int(15_000, 360_000),
  hold: () => rng.int(4_000, 90_000),
  short: () => rng.int(1_000, 6_000)
})

/** A PSTN caller reaching an extension: the caller party (no extensionId) and the user's ringing party. */
export const inboundLegs = (
  b: SessionBuilder,
  ctx: ScenarioContext,
  ext: Extension,
  caller: SimEndpoint = pstn(ctx.rng)
): { readonly caller: SimParty; readonly callee: SimParty; readonly callerId: SimEndpoint } => ({
  caller: b.party({ direction: 'Outbound', from: caller, to: { phoneNumber: ext.phoneNumber } }),
  callee: b.party({ extensionId: ext.id, direction: 'Inbound', from: caller, to: endpointOf(ext) }),
  callerId: caller
})

/**
 * Setup/Proceeding/Answered of an answered inbound call, as in capture 01: the PSTN party goes
 * Setup -> Answered (no Proceeding), the user's party Setup -> Proceeding -> Answered. Returns the time
 * at which both are connected.
 */
export const ringAndAnswer = (
  b: SessionBuilder,
  ctx: ScenarioContext,
  caller: SimParty,
  callee: SimParty,
  start: number
): number => {
  const d = durations(ctx.rng)
  let t = start
  b.step(t, caller, 'Setup')
  b.step((t += d.latency()), callee, 'Setup')
  b.step((t += d.latency()), callee, 'Proceeding')
  b.step((t += d.ring()), callee, 'Answered')
  b.step((t += d.latency()), caller, 'Answered')
  return t
}

/** Both sides hang up, in a random order a few milliseconds apart. Returns the time of the last event. */
export const hangUp = (b: SessionBuilder, ctx: ScenarioContext, at: number, ...parties: SimParty[]): number => {
  const d = durations(ctx.rng)
  const order = ctx.rng.chance(0.5) ? parties : [...parties].reverse()
  let t = at
  for (const p of order) b.step((t += d.latency()), p, 'Disconnected')
  return t
}

export { SessionBuilder }
