/**
 * The scenario mix. Weights are percentages of calls, chosen to look like a small support team's day:
 * mostly plain inbound and outbound calls, a steady share of queue calls and missed/voicemail calls, and
 * a few of each harder case (transfers, park, conference, device switch), two calls in a hundred whose end
 * only the user's presence tells, and one whose end never arrives. docs/simulator.md lists the same table (and so
 * does the help of `callstate simulate`).
 */
import type { ScenarioName, SimSession } from '../script.js'
import type { ScenarioContext } from './context.js'
import {
  callSwitch,
  holdUnhold,
  inboundAnswered,
  inboundMissed,
  inboundVoicemail,
  internal,
  outboundPstn,
  presenceClosed,
  ringOut,
  unending
} from './direct.js'
import { attendedTransfer, blindTransfer, callQueue, conferenceMerge, parkAndPickup } from './linked.js'

export type Scenario = (ctx: ScenarioContext, start: number) => SimSession[]

export const SCENARIO_TABLE: ReadonlyArray<readonly [ScenarioName, number, Scenario]> = [
  ['inbound-answered', 22, inboundAnswered],
  ['outbound-pstn', 16, outboundPstn],
  ['internal', 10, internal],
  ['inbound-missed', 8, inboundMissed],
  ['inbound-voicemail', 8, inboundVoicemail],
  ['hold-unhold', 8, holdUnhold],
  ['call-queue', 8, callQueue],
  ['blind-transfer', 4, blindTransfer],
  ['attended-transfer', 3, attendedTransfer],
  ['park-pickup', 3, parkAndPickup],
  ['ringout', 3, ringOut],
  ['conference-merge', 2, conferenceMerge],
  ['call-switch', 2, callSwitch],
  ['presence-closed', 2, presenceClosed],
  ['unending', 1, unending]
]

export type { ScenarioContext } from './context.js'
