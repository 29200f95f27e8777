/** A status as colour AND icon AND words, so it reads without colour (colour-blind safe). */
export type Tone = 'ringing' | 'talking' | 'hold' | 'parked' | 'voicemail' | 'ended' | 'stale' | 'other'

const TONES: Record<string, [Tone, string, string]> = {
  // session statuses
  ringing: ['ringing', '☎', 'Ringing'],
  active: ['talking', '◉', 'Talking'],
  'on-hold': ['hold', '❚❚', 'On hold'],
  parked: ['parked', 'P', 'Parked'],
  voicemail: ['voicemail', '✉', 'Voicemail'],
  ended: ['ended', '■', 'Ended'],
  stale: ['stale', '?', 'Stale'],
  // party statuses (the spec's spelling)
  Setup: ['ringing', '☎', 'Setup'],
  Proceeding: ['ringing', '☎', 'Ringing'],
  Answered: ['talking', '◉', 'Answered'],
  Hold: ['hold', '❚❚', 'On hold'],
  Parked: ['parked', 'P', 'Parked'],
  VoiceMail: ['voicemail', '✉', 'Voicemail'],
  Disconnected: ['ended', '■', 'Disconnected'],
  Gone: ['ended', '↪', 'Gone']
}

export const toneOf = (status: string): [Tone, string, string] => TONES[status] ?? ['other', '•', status]

export const StatusBadge = ({ status, testid, stale }: { status: string; testid?: string; stale?: boolean }) => {
  const [tone, icon, label] = toneOf(stale ? 'stale' : status)
  return (
    <span class={`badge tone-${tone}`} data-testid={testid} data-status={stale ? 'stale' : status}>
      <span aria-hidden="true">{icon}</span> {label}
    </span>
  )
}
