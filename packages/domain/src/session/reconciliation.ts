/**
 * What callstate learned by asking the platform about a session whose end never arrived (the RingCentral connector's
 * reconciliation): recorded as an event of its own in the session's stream, never as a fake RingCentral
 * notification, so the audit shows where the fact came from. `gone`: the platform no longer knows the session (its
 * telephony session REST call answered 404): every party still live has ended, at `endAt` when the observation
 * says, else when the platform was asked. `live`: it still knows it; nothing ends.
 *
 * The end lies somewhere between the call's last event and the question. The connector asks about a call once it
 * has been quiet for a while (`--reconcile-after`), so for a call it was following, "when asked" overstates the
 * clocks by at most that delay plus a round; for a call silent far longer (callstate was not listening when it
 * ended), it gives `endAt` = the last event, so the clocks stop there, as the stale rule stops them.
 */
export interface ReconciliationObservation {
  readonly telephonySessionId: string
  /** When the platform was asked (ISO). */
  readonly askedAt: string
  readonly conclusion: 'gone' | 'live'
  /** When the parties are taken to have ended (ISO; absent: `askedAt`). */
  readonly endAt?: string
}
