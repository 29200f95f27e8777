/**
 * Export records as text: NDJSON (one JSON object per line, fields in EXPORT_FIELDS order) or CSV (RFC 4180:
 * a header line, a field quoted when it holds a comma, a quote, CR or LF or starts/ends with a space, quotes
 * doubled; null as an empty field). Lines end with LF, like the NDJSON output.
 */
import { EXPORT_FIELDS, type ExportRecord } from './export.js'

export const ndjsonLine = (record: ExportRecord): string => {
  const ordered: Record<string, string | number | boolean | null> = {}
  for (const f of EXPORT_FIELDS) ordered[f] = record[f]
  return JSON.stringify(ordered)
}

const csvField = (value: string | number | boolean | null): string => {
  if (value === null) return ''
  const text = String(value)
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export const CSV_HEADER = EXPORT_FIELDS.join(',')

export const csvLine = (record: ExportRecord): string => EXPORT_FIELDS.map((f) => csvField(record[f])).join(',')
