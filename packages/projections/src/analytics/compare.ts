/** Code-unit order: the same on every machine and locale (localeCompare is not), so output order is stable. */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
