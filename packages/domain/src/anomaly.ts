/**
 * Anomalies: facts that were kept but do not fit the rules. Folds never throw and never drop a fact; what
 * does not fit is recorded here so a reader can see why a call looks odd (a gap, a reordered or bogus event).
 * Plain JSON, so states that carry anomalies stay serialisable and comparable with deep equality.
 */
export type Anomaly =
  /** `to` followed `from` in the sequence-ordered history, and the transition table does not allow it. */
  | {
      readonly kind: 'illegal-transition'
      readonly partyId: string
      readonly from: string
      readonly to: string
      readonly sequence: number
    }
  /** A status code outside DOMAIN.md's list: kept and allowed, but flagged. */
  | { readonly kind: 'unknown-status'; readonly partyId: string; readonly status: string; readonly sequence: number }
  /** Two different contents for the same party at the same sequence: both are kept. */
  | { readonly kind: 'conflicting-update'; readonly partyId: string; readonly sequence: number }
  /** A telephony event with no eventTime (and no envelope timestamp to fall back on): kept, but untimed. */
  | { readonly kind: 'missing-event-time'; readonly partyId: string; readonly sequence: number }
