/** One status a party went through: the code, its reason, the event's time and the notification sequence. */
export interface HistoryEntry {
  readonly status: string
  readonly reason: string | null
  /** The event's `eventTime` (ISO 8601); `''` when the event had none (see the `missing-event-time` anomaly). */
  readonly at: string
  readonly sequence: number
}
