/** One status a party went through: the code, its reason, the event's time and the notification sequence. */
export interface HistoryEntry {
  readonly status: string
  readonly reason: string | null
  /** The event's `eventTime` (ISO 8601); `''` when the event had none (see the `missing-event-time` anomaly). */
  readonly at: string
  readonly sequence: number
  /**
   * Absent for the party's own events. An end the telephony stream never sent: `presence`, taken from the
   * extension's detailed presence (`terminationType: final`); `reconciliation`, the platform, asked, no longer
   * knew the session. See session/ends.ts.
   */
  readonly source?: EndSource
}

/** Where an end that the party's own telephony events never sent came from. */
export type EndSource = 'presence' | 'reconciliation'
