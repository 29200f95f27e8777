/** Where the connector reports (a pino logger in `serve`, or anything with the two levels it uses). */
export interface ConnectorLog {
  readonly info: (fields: Record<string, unknown>, message: string) => void
  readonly warn: (fields: Record<string, unknown>, message: string) => void
}
