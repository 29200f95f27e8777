/** JSON schemas of the queue rows (`stats --by queue`, `GET /queues`): projections' analytics/queue-stats.ts. */
const int = { type: 'integer' } as const
const ratio = { type: 'number', nullable: true, description: 'A ratio from 0 to 1; null when nothing to divide.' }

export const AgentRowSchema = {
  type: 'object',
  required: ['extensionId', 'offered', 'answered', 'notPickedUp', 'talkMs', 'holdMs'],
  properties: {
    extensionId: { type: 'string' },
    offered: int,
    answered: int,
    notPickedUp: int,
    talkMs: int,
    holdMs: int
  }
} as const

const queueRowProperties = {
  key: { type: 'string', description: 'The queue id, with the day or hour when asked (`--by queue,day`).' },
  queue: { type: 'string', description: "The queue's extension id (the members' `to.extensionId`)." },
  name: { type: 'string', nullable: true },
  offered: int,
  answered: int,
  abandoned: int,
  shortAbandoned: int,
  voicemail: int,
  waiting: int,
  unknownEnd: int,
  answeredWithinThreshold: int,
  waitMs: int,
  asaMs: int,
  longestWaitMs: int,
  serviceLevel: ratio,
  abandonRate: ratio,
  serviceLevelMethod: { type: 'string' },
  answerWithinMs: int,
  shortAbandonMs: int,
  agents: { type: 'array', items: AgentRowSchema }
} as const

export const QueueRowSchema = {
  type: 'object',
  required: Object.keys(queueRowProperties),
  properties: queueRowProperties
} as const

export const QueueBoardRowSchema = {
  type: 'object',
  required: [...Object.keys(queueRowProperties), 'waitingNow', 'longestWaitNowMs', 'agentsOnCall'],
  properties: {
    ...queueRowProperties,
    waitingNow: { ...int, description: 'Queue calls no member has answered yet, live now.' },
    longestWaitNowMs: { ...int, description: 'The longest of their waits, now.' },
    agentsOnCall: { ...int, description: 'Members on one of the queue calls now (answered or on hold).' }
  }
} as const
