/**
 * What callstate learned by asking the platform about a session whose end never arrived (the RingCentral connector's
 * reconciliation): recorded as an event of its own in the session's stream, never as a fake RingCentral
 * notification, so the audit shows where the fact came from. `gone`: the platform no longer knows the session (its
 * telephony session REST call answered 404): every party still live ended when it was asked. `live`: it still knows
 * it; nothing ends.
 */
export interface ReconciliationObservation {
  readonly telephonySessionId: string
  /** When the platform was asked (ISO). */
  readonly askedAt: string
  readonly conclusion: 'gone' | 'live'
}
