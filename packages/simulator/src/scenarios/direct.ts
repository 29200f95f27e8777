/**
 * Single-session scenarios: one call between a caller and a callee, with the variations that change a
 * party's outcome (missed, voicemail, no answer, hold, hang-up on hold, device switch, IVR routing, an end told only
 * by presence, never-ending).
 */
import type { Extension } from '../directory.js'
import { endpointOf, pickExtensions, pstn } from '../directory.js'
import type { SimSession } from '../script.js'
import type { ScenarioContext } from './context.js'
import { SessionBuilder, durations, hangUp, inboundLegs, ringAndAnswer } from './context.js'

export const inboundAnswered = (ctx: ScenarioContext, start: number): SimSession[] => {
  const b = new SessionBuilder(ctx.rng, 'inbound-answered')
  const [ext] = pickExtensions(ctx.rng, ctx.dir, 1)
  if (!ext) return []
  if (ctx.rng.chance(0.25)) return [viaIvr(b, ctx, ext, start)]
  const { caller, callee } = inboundLegs(b, ctx, ext)
  const t = ringAndAnswer(b, ctx, caller, callee, start)
  hangUp(b, ctx, t + durations(ctx.rng).talk(), caller, callee)
  return [b.build()]
}

/**
 * One inbound call in four reaches the user through the main number's IVR menu, as in capture 01: the menu answers
 * the caller (the caller's party is Answered at once), its own leg (an extension's, Inbound) ends without ringing or
 * answering, and the user's party begins as the menu's leg ends. The menu's leg is `routed`; the call connects,
 * and its talk starts, when the user answers.
 */
const viaIvr = (b: SessionBuilder, ctx: ScenarioContext, ext: Extension, start: number): SimSession => {
  const d = durations(ctx.rng)
  const callerId = pstn(ctx.rng)
  const menu = { phoneNumber: ctx.dir.mainNumber, name: ctx.dir.ivr.name, extensionId: ctx.dir.ivr.id }
  const caller = b.party({ direction: 'Outbound', from: callerId, to: menu })
  const ivr = b.party({ extensionId: ctx.dir.ivr.id, direction: 'Inbound', from: callerId, to: menu })
  const callee = b.party({ extensionId: ext.id, direction: 'Inbound', from: callerId, to: endpointOf(ext) })
  let t = start
  b.step(t, caller, 'Setup')
  b.step((t += d.latency()), ivr, 'Setup')
  b.step((t += d.latency()), caller, 'Answered')
  b.step((t += ctx.rng.int(4_000, 20_000)), ivr, 'Disconnected')
  // The same instant in the capture; build() keeps times strictly increasing, so 1 ms later here.
  b.step(t, callee, 'Setup')
  b.step((t += d.latency()), callee, 'Proceeding')
  b.step((t += d.ring()), callee, 'Answered')
  hangUp(b, ctx, t + d.talk(), caller, callee)
  return b.build()
}

/** The caller gives up while the user's phone rings: the user's party is missed, the caller's cancelled. */
export const inboundMissed = (ctx: ScenarioContext, start: number): SimSession[] => {
  const d = durations(ctx.rng)
  const b = new SessionBuilder(ctx.rng, 'inbound-missed')
  const [ext] = pickExtensions(ctx.rng, ctx.dir, 1)
  if (!ext) return []
  const { caller, callee } = inboundLegs(b, ctx, ext)
  let t = start
  b.step(t, caller, 'Setup')
  b.step((t += d.latency()), callee, 'Setup')
  b.step((t += d.latency()), callee, 'Proceeding')
  b.step((t += d.ring()), caller, 'Disconnected')
  b.step((t += d.latency()), { ...callee, missed: true }, 'Disconnected')
  return [b.build()]
}

/**
 * Nobody answers, the call goes to voicemail: the user's party turns VoiceMail, the caller's party is
 * answered by the voicemail system, and a message-store notification follows (capture 09).
 */
export const inboundVoicemail = (ctx: ScenarioContext, start: number): SimSession[] => {
  const d = durations(ctx.rng)
  const b = new SessionBuilder(ctx.rng, 'inbound-voicemail')
  const [ext] = pickExtensions(ctx.rng, ctx.dir, 1)
  if (!ext) return []
  const { caller, callee } = inboundLegs(b, ctx, ext)
  const missed = { ...callee, missed: true }
  let t = start
  b.step(t, caller, 'Setup')
  b.step((t += d.latency()), callee, 'Setup')
  b.step((t += d.latency()), callee, 'Proceeding')
  b.step((t += ctx.rng.int(15_000, 30_000)), missed, 'VoiceMail')
  b.step((t += d.latency()), caller, 'Answered')
  const message = ctx.rng.int(8_000, 60_000)
  b.step((t += message), caller, 'Disconnected')
  b.step((t += d.latency()), missed, 'Disconnected')
  b.voicemail(ext.id, t + ctx.rng.int(5_000, 80_000))
  return [b.build()]
}

/** A user calls out to a phone number; one call in five is not answered (callee missed, caller cancelled). */
export const outboundPstn = (ctx: ScenarioContext, start: number): SimSession[] => {
  const d = durations(ctx.rng)
  const b = new SessionBuilder(ctx.rng, 'outbound-pstn')
  const [ext] = pickExtensions(ctx.rng, ctx.dir, 1)
  if (!ext) return []
  const dest = { phoneNumber: pstn(ctx.rng).phoneNumber }
  const user = b.party({ extensionId: ext.id, direction: 'Outbound', from: endpointOf(ext, true), to: dest })
  const remote = b.party({ direction: 'Inbound', from: endpointOf(ext), to: dest })
  let t = start
  b.step(t, user, 'Setup')
  b.step((t += d.latency()), remote, 'Proceeding')
  b.step((t += d.short()), user, 'Proceeding')
  if (ctx.rng.chance(0.2)) {
    b.step((t += ctx.rng.int(10_000, 40_000)), user, 'Disconnected')
    b.step((t += d.latency()), remote, 'Disconnected')
    return [b.build()]
  }
  b.step((t += d.ring()), remote, 'Answered')
  b.step((t += d.latency()), user, 'Answered')
  hangUp(b, ctx, t + d.talk(), user, remote)
  return [b.build()]
}

/**
 * Extension to extension, as capture 02: the caller's party is Answered right after Setup (it hears
 * ringback), the callee rings then answers. One in seven is not answered (callee missed).
 */
export const internal = (ctx: ScenarioContext, start: number): SimSession[] => {
  const d = durations(ctx.rng)
  const b = new SessionBuilder(ctx.rng, 'internal')
  const [from, to] = pickExtensions(ctx.rng, ctx.dir, 2)
  if (!from || !to) return []
  const callerId = { phoneNumber: from.number, name: from.name, extensionId: from.id, deviceId: from.deviceId }
  const target = { phoneNumber: to.number, name: to.name, extensionId: to.id }
  const a = b.party({ extensionId: from.id, direction: 'Outbound', from: callerId, to: target })
  const c = b.party({ extensionId: to.id, direction: 'Inbound', from: callerId, to: target })
  let t = start
  b.step(t, a, 'Setup')
  b.step((t += d.latency()), c, 'Setup')
  b.step((t += d.latency()), a, 'Answered')
  b.step((t += d.latency()), c, 'Proceeding')
  if (ctx.rng.chance(1 / 7)) {
    b.step((t += d.ring()), a, 'Disconnected')
    b.step((t += d.latency()), { ...c, missed: true }, 'Disconnected')
    return [b.build()]
  }
  b.step((t += d.ring()), c, 'Answered')
  hangUp(b, ctx, t + d.talk(), a, c)
  return [b.build()]
}

/**
 * The user holds and unholds (one to three times). One call in four ends while on hold: the caller
 * hangs up and the held party is `hung-up-on-hold`.
 */
export const holdUnhold = (ctx: ScenarioContext, start: number): SimSession[] => {
  const d = durations(ctx.rng)
  const b = new SessionBuilder(ctx.rng, 'hold-unhold')
  const [ext] = pickExtensions(ctx.rng, ctx.dir, 1)
  if (!ext) return []
  const { caller, callee } = inboundLegs(b, ctx, ext)
  let t = ringAndAnswer(b, ctx, caller, callee, start)
  const holds = ctx.rng.int(1, 3)
  for (let i = 0; i < holds; i++) {
    b.step((t += d.talk() / 3), callee, 'Hold')
    b.step((t += d.hold()), callee, 'Answered')
  }
  if (ctx.rng.chance(0.25)) {
    b.step((t += d.talk() / 3), callee, 'Hold')
    b.step((t += d.hold()), caller, 'Disconnected')
    b.step((t += d.latency()), callee, 'Disconnected')
    return [b.build()]
  }
  hangUp(b, ctx, t + d.talk() / 3, caller, callee)
  return [b.build()]
}

/** RingOut: the platform rings the user first, then the target; both parties are Inbound (capture 13). */
export const ringOut = (ctx: ScenarioContext, start: number): SimSession[] => {
  const d = durations(ctx.rng)
  const b = new SessionBuilder(ctx.rng, 'ringout', 'RingOut')
  const [ext] = pickExtensions(ctx.rng, ctx.dir, 1)
  if (!ext) return []
  const target = pstn(ctx.rng)
  const own = { phoneNumber: ext.phoneNumber }
  const initiator = b.party({
    extensionId: ext.id,
    direction: 'Inbound',
    ringOutRole: 'Initiator',
    from: own,
    to: { phoneNumber: target.phoneNumber }
  })
  const callee = b.party({ direction: 'Inbound', ringOutRole: 'Target', from: target, to: own })
  let t = start
  b.step(t, initiator, 'Setup')
  b.step((t += d.latency()), initiator, 'Proceeding')
  b.step((t += d.short()), initiator, 'Answered')
  b.step((t += d.latency()), callee, 'Proceeding')
  b.step((t += d.ring()), callee, 'Answered')
  hangUp(b, ctx, t + d.talk(), initiator, callee)
  return [b.build()]
}

/**
 * The user answers on the desk phone, then moves the call to the mobile app: the first party is
 * Disconnected with reason CallSwitch, the same user's second party is Answered. The call goes on.
 */
export const callSwitch = (ctx: ScenarioContext, start: number): SimSession[] => {
  const d = durations(ctx.rng)
  const b = new SessionBuilder(ctx.rng, 'call-switch')
  const [ext] = pickExtensions(ctx.rng, ctx.dir, 1)
  if (!ext) return []
  const { caller, callee, callerId } = inboundLegs(b, ctx, ext)
  const mobile = b.party({
    extensionId: ext.id,
    direction: 'Inbound',
    from: callerId,
    to: { ...endpointOf(ext), deviceId: ext.mobileDeviceId }
  })
  let t = ringAndAnswer(b, ctx, caller, callee, start)
  b.step((t += d.talk() / 2), callee, 'Disconnected', { reason: 'CallSwitch' })
  b.step((t += d.latency()), mobile, 'Answered')
  hangUp(b, ctx, t + d.talk() / 2, caller, mobile)
  return [b.build()]
}

/**
 * An answered call whose end the telephony stream never delivers: both parties' final Disconnected events are lost,
 * but the user's detailed presence (`NoCall`, `terminationType: final`, naming the session and the party) arrives
 * when the call ended. The call ends there, for the PSTN caller too (presence never names a party without an
 * extension, and no party with one is left on the call).
 */
export const presenceClosed = (ctx: ScenarioContext, start: number): SimSession[] => {
  const d = durations(ctx.rng)
  const b = new SessionBuilder(ctx.rng, 'presence-closed')
  const [ext] = pickExtensions(ctx.rng, ctx.dir, 1)
  if (!ext) return []
  const { caller, callee } = inboundLegs(b, ctx, ext)
  const end = ringAndAnswer(b, ctx, caller, callee, start) + d.talk()
  const [userEnd, callerEnd] = ctx.rng.chance(0.5) ? [end, end + d.latency()] : [end + d.latency(), end]
  b.step(userEnd, callee, 'Disconnected', { lost: true, presenceAt: userEnd + ctx.rng.int(25, 160) })
  b.step(callerEnd, caller, 'Disconnected', { lost: true })
  return [b.build()]
}

/**
 * A call whose end never arrives (the "stuck ringing" complaint): it stays ringing, connected, or on hold for ever.
 * On hold, the caller's talk is still open when the events stop, and counts up to the session's last event.
 */
export const unending = (ctx: ScenarioContext, start: number): SimSession[] => {
  const b = new SessionBuilder(ctx.rng, 'unending')
  const [ext] = pickExtensions(ctx.rng, ctx.dir, 1)
  if (!ext) return []
  const { caller, callee } = inboundLegs(b, ctx, ext)
  const d = durations(ctx.rng)
  if (ctx.rng.chance(0.5)) {
    let t = start
    b.step(t, caller, 'Setup')
    b.step((t += d.latency()), callee, 'Setup')
    b.step((t += d.latency()), callee, 'Proceeding')
    return [b.build()]
  }
  const t = ringAndAnswer(b, ctx, caller, callee, start)
  if (ctx.rng.chance(0.5)) b.step(t + d.talk() / 3, callee, 'Hold')
  return [b.build()]
}
