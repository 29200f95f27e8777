/**
 * Scenarios where a call moves between people or sessions: call queue, blind and attended transfer,
 * park and pickup, conference merge. No public capture shows whole streams of these (payloads/README),
 * so they follow DOMAIN.md: BlindTransfer on Disconnected, Gone + peerId linking sessions, Gone reason
 * Conference with peerId sessionId "0" for the bridge.
 *
 * A held party is always taken off hold (Answered) before it leaves by Gone: DOMAIN.md closes a hold
 * span only at Answered or Disconnected, so a Hold -> Gone would leave the hold metric undefined.
 */
import { endpointOf, pickExtensions, pstn } from '../directory.js'
import type { SimSession } from '../script.js'
import type { ScenarioContext } from './context.js'
import { SessionBuilder, durations, hangUp, inboundLegs, ringAndAnswer } from './context.js'

/**
 * A queue call rings 2-4 members at once (Proceeding, no Setup: capture 06); one answers, the others are
 * Disconnected. One call in four is abandoned: nobody picks up before the caller hangs up.
 */
export const callQueue = (ctx: ScenarioContext, start: number): SimSession[] => {
  const d = durations(ctx.rng)
  const b = new SessionBuilder(ctx.rng, 'call-queue')
  const members = pickExtensions(ctx.rng, ctx.dir, ctx.rng.int(2, 4))
  const callerId = pstn(ctx.rng)
  const queue = { phoneNumber: ctx.dir.queue.phoneNumber, name: ctx.dir.queue.name, extensionId: ctx.dir.queue.id }
  const caller = b.party({ direction: 'Outbound', from: callerId, to: queue })
  const shownAs = {
    phoneNumber: callerId.phoneNumber,
    name: `${ctx.dir.queue.name} - ${callerId.name ?? 'WIRELESS CALLER'}`
  }
  const legs = members.map((m) =>
    b.party({
      extensionId: m.id,
      direction: 'Inbound',
      queueCall: true,
      queueName: ctx.dir.queue.name,
      from: shownAs,
      to: queue
    })
  )
  let t = start
  b.step(t, caller, 'Setup')
  // The caller hears the queue greeting and hold music: the caller's party is answered by the queue.
  b.step((t += d.short()), caller, 'Answered')
  t += ctx.rng.int(2_000, 30_000)
  // The call enters the queue when its first member's phone starts ringing.
  const rung = legs.map((leg) => {
    b.step((t += d.latency()), leg, 'Proceeding')
    return t
  })
  const entered = rung[0] ?? t
  if (ctx.rng.chance(0.25)) {
    // Nobody picks up: the caller hangs up while the members' phones still ring, often within 5 s of entering the
    // queue (every leg has rung by then), and every member's leg is Disconnected.
    t = entered + (ctx.rng.chance(0.4) ? ctx.rng.int(800, 4_000) : ctx.rng.int(6_000, 90_000))
    b.step(t, caller, 'Disconnected')
    for (const leg of legs) b.step((t += d.latency()), leg, 'Disconnected')
    return [b.build()]
  }
  const winner = ctx.rng.pick(legs)
  b.step((t += d.ring()), winner, 'Answered')
  for (const leg of legs) if (leg !== winner) b.step((t += d.latency()), leg, 'Disconnected')
  hangUp(b, ctx, t + d.talk(), caller, winner)
  return [b.build()]
}

/** The user answers, then transfers blind to a colleague: Disconnected reason BlindTransfer, a new party rings. */
export const blindTransfer = (ctx: ScenarioContext, start: number): SimSession[] => {
  const d = durations(ctx.rng)
  const b = new SessionBuilder(ctx.rng, 'blind-transfer')
  const [first, second] = pickExtensions(ctx.rng, ctx.dir, 2)
  if (!first || !second) return []
  const { caller, callee, callerId } = inboundLegs(b, ctx, first)
  const next = b.party({ extensionId: second.id, direction: 'Inbound', from: callerId, to: endpointOf(second) })
  let t = ringAndAnswer(b, ctx, caller, callee, start)
  b.step((t += d.talk() / 3), callee, 'Disconnected', { reason: 'BlindTransfer' })
  b.step((t += d.latency()), next, 'Setup')
  b.step((t += d.latency()), next, 'Proceeding')
  b.step((t += d.ring()), next, 'Answered')
  hangUp(b, ctx, t + d.talk(), caller, next)
  return [b.build()]
}

/**
 * Warm transfer over two sessions: the user holds the caller, calls a colleague in a second session,
 * comes back, and completes: both of the user's parties go Gone/AttendedTransfer with peerIds linking
 * the sessions. The caller and the colleague then talk until they hang up in their own sessions.
 */
export const attendedTransfer = (ctx: ScenarioContext, start: number): SimSession[] => {
  const d = durations(ctx.rng)
  const s1 = new SessionBuilder(ctx.rng, 'attended-transfer')
  const s2 = new SessionBuilder(ctx.rng, 'attended-transfer')
  const [agent, colleague] = pickExtensions(ctx.rng, ctx.dir, 2)
  if (!agent || !colleague) return []
  const { caller, callee } = inboundLegs(s1, ctx, agent)
  const callerId = { phoneNumber: agent.number, name: agent.name, extensionId: agent.id, deviceId: agent.deviceId }
  const target = { phoneNumber: colleague.number, name: colleague.name, extensionId: colleague.id }
  const consult = s2.party({ extensionId: agent.id, direction: 'Outbound', from: callerId, to: target })
  const other = s2.party({ extensionId: colleague.id, direction: 'Inbound', from: callerId, to: target })
  let t = ringAndAnswer(s1, ctx, caller, callee, start)
  s1.step((t += d.talk() / 3), callee, 'Hold')
  s2.step((t += d.latency()), consult, 'Setup')
  s2.step((t += d.latency()), other, 'Setup')
  s2.step((t += d.latency()), consult, 'Answered')
  s2.step((t += d.latency()), other, 'Proceeding')
  s2.step((t += d.ring()), other, 'Answered')
  s1.step((t += d.talk() / 4), callee, 'Answered')
  s1.step((t += d.short()), callee, 'Gone', { reason: 'AttendedTransfer', peerId: s2.peer(other) })
  s2.step((t += d.latency()), consult, 'Gone', { reason: 'AttendedTransfer', peerId: s1.peer(caller) })
  t += d.talk()
  s1.step((t += d.latency()), caller, 'Disconnected')
  s2.step((t += d.latency()), other, 'Disconnected')
  return [s1.build(), s2.build()]
}

/**
 * The user parks the call on a park location; most of the time a colleague picks it up from there
 * (the parked party is then released), otherwise the caller gives up while parked.
 */
export const parkAndPickup = (ctx: ScenarioContext, start: number): SimSession[] => {
  const d = durations(ctx.rng)
  const b = new SessionBuilder(ctx.rng, 'park-pickup')
  const [agent, colleague] = pickExtensions(ctx.rng, ctx.dir, 2)
  if (!agent || !colleague) return []
  const { caller, callee } = inboundLegs(b, ctx, agent)
  const location = `*8${String(ctx.rng.int(1, 99)).padStart(2, '0')}`
  let t = ringAndAnswer(b, ctx, caller, callee, start)
  b.step((t += d.talk() / 3), callee, 'Parked', { parkData: location })
  if (ctx.rng.chance(0.2)) {
    b.step((t += ctx.rng.int(30_000, 180_000)), caller, 'Disconnected')
    b.step((t += d.latency()), callee, 'Disconnected')
    return [b.build()]
  }
  const picker = b.party({
    extensionId: colleague.id,
    direction: 'Outbound',
    from: endpointOf(colleague, true),
    to: { phoneNumber: location }
  })
  b.step((t += ctx.rng.int(5_000, 60_000)), picker, 'Setup')
  b.step((t += d.latency()), picker, 'Answered')
  b.step((t += d.latency()), callee, 'Disconnected')
  hangUp(b, ctx, t + d.talk(), caller, picker)
  return [b.build()]
}

/**
 * The user holds the caller, calls a colleague, then merges both into a conference: every party of the
 * two sessions goes Gone/Conference with a peerId into the bridge session (origin Conference, sessionId
 * "0", capture 12), where the three talk until they hang up.
 */
export const conferenceMerge = (ctx: ScenarioContext, start: number): SimSession[] => {
  const d = durations(ctx.rng)
  const s1 = new SessionBuilder(ctx.rng, 'conference-merge')
  const s2 = new SessionBuilder(ctx.rng, 'conference-merge')
  const bridge = new SessionBuilder(ctx.rng, 'conference-merge', 'Conference', '0')
  const [host, guest] = pickExtensions(ctx.rng, ctx.dir, 2)
  if (!host || !guest) return []
  const { caller, callee, callerId } = inboundLegs(s1, ctx, host)
  const hostId = { phoneNumber: host.number, name: host.name, extensionId: host.id, deviceId: host.deviceId }
  const target = { phoneNumber: guest.number, name: guest.name, extensionId: guest.id }
  const a2 = s2.party({ extensionId: host.id, direction: 'Outbound', from: hostId, to: target })
  const b2 = s2.party({ extensionId: guest.id, direction: 'Inbound', from: hostId, to: target })
  const conference = { phoneNumber: 'conference', name: 'Conference' }
  const hostLeg = bridge.party({
    extensionId: host.id,
    direction: 'Outbound',
    conferenceRole: 'Host',
    from: hostId,
    to: conference
  })
  const callerLeg = bridge.party({
    direction: 'Inbound',
    conferenceRole: 'Participant',
    from: callerId,
    to: conference
  })
  const guestLeg = bridge.party({
    extensionId: guest.id,
    direction: 'Inbound',
    conferenceRole: 'Participant',
    from: endpointOf(guest),
    to: conference
  })

  let t = ringAndAnswer(s1, ctx, caller, callee, start)
  s1.step((t += d.talk() / 3), callee, 'Hold')
  s2.step((t += d.latency()), a2, 'Setup')
  s2.step((t += d.latency()), b2, 'Setup')
  s2.step((t += d.latency()), a2, 'Answered')
  s2.step((t += d.latency()), b2, 'Proceeding')
  s2.step((t += d.ring()), b2, 'Answered')
  s1.step((t += d.talk() / 4), callee, 'Answered')
  const legs = [hostLeg, callerLeg, guestLeg]
  for (const leg of legs) bridge.step((t += d.latency()), leg, 'Setup')
  const merge = { reason: 'Conference' }
  s1.step((t += d.latency()), callee, 'Gone', { ...merge, peerId: bridge.peer(hostLeg) })
  s1.step((t += d.latency()), caller, 'Gone', { ...merge, peerId: bridge.peer(callerLeg) })
  s2.step((t += d.latency()), a2, 'Gone', { ...merge, peerId: bridge.peer(hostLeg) })
  s2.step((t += d.latency()), b2, 'Gone', { ...merge, peerId: bridge.peer(guestLeg) })
  for (const leg of legs) bridge.step((t += d.latency()), leg, 'Answered')
  hangUp(bridge, ctx, t + d.talk(), ...legs)
  return [s1.build(), s2.build(), bridge.build()]
}
