/** 5.9s, 3m05s, 2h03m: short enough for a table cell. */
export const duration = (ms: number): string => {
  const s = ms / 1000
  if (s < 60) return `${s.toFixed(1)}s`
  const whole = Math.round(s)
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`
  return `${Math.floor(whole / 3600)}h${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`
}
