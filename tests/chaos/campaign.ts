/**
 * The contract every reliability campaign (`npm run chaos`) keeps. A campaign tries to break one of callstate's
 * promises on purpose (an acknowledged notification is never lost, nothing is stored twice, bad input is kept with a
 * reason, nobody reads call data without the token) and says what held. It runs at the size asked: `npm run chaos`
 * at full size, the test suite (tests/test/chaos.*.test.ts) at a small one, without timing assertions.
 */

export interface CampaignContext {
  /** How much to try (each campaign says what a unit is: inputs, kill cycles, clients...). */
  readonly size: number
  /** A fresh directory the campaign owns (data directories, logs); removed by the runner afterwards. */
  readonly workDir: string
  /** Progress lines for a person watching (stderr). */
  readonly log: (line: string) => void
}

export interface CampaignResult {
  /** Inputs, requests or operations tried. */
  readonly tried: number
  /** Faults injected (kills, full disks, corruptions, slow clients...); 0 when the campaign injects none. */
  readonly faults: number
  /** Acknowledged notifications (answered 200, or reported stored) that are not in the log afterwards. */
  readonly lost: number
  /** Notifications stored more than once. */
  readonly duplicates: number
  /** Process crashes (a stack trace, an exit nobody asked for) of callstate itself. */
  readonly crashes: number
  /** The campaign's own figures, printed and written to RELIABILITY.md (name -> value). */
  readonly figures: Readonly<Record<string, string | number>>
  /** Weaknesses found and not fixed, each with its reason (listed as open in RELIABILITY.md). */
  readonly open: ReadonlyArray<string>
}

export interface Campaign {
  /** Short name, used by `--only` and the test file name: `hostile-input`, `crash`, ... */
  readonly name: string
  /** One line: the promise it tries to break, and how. */
  readonly describe: string
  /** The default size of a full run, and what one unit of size is. */
  readonly defaultSize: number
  readonly unit: string
  readonly run: (context: CampaignContext) => Promise<CampaignResult>
}
