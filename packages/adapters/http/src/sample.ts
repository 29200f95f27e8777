/**
 * A real notification for the start-up hint and the README's curl example: the first event of payload 01
 * (../shared/payloads/01-pstn-to-rc-via-ivr-answered-hold-unhold-hangup.json), a real 2020 capture.
 */
export const SAMPLE_NOTIFICATION =
  '{"uuid":"4654793329359724763","event":"/restapi/v1.0/account/809646016/telephony/sessions",' +
  '"timestamp":"2020-06-23T01:05:44.013Z","subscriptionId":"2461434a-276a-4073-bd26-34089effbad5",' +
  '"ownerId":"809646016","body":{"sequence":2,"sessionId":"429180487016",' +
  '"telephonySessionId":"s-718107795d564867a6f635fd81e89940","serverId":"10.13.22.27.TAM",' +
  '"eventTime":"2020-06-23T01:05:43.940Z","parties":[{"accountId":"809646016",' +
  '"id":"p-718107795d564867a6f635fd81e89940-1","direction":"Outbound","to":{"phoneNumber":"+18003151571"},' +
  '"from":{"phoneNumber":"+14083388064"},"status":{"code":"Setup","rcc":false},"park":{},"missedCall":false,' +
  '"standAlone":false,"muted":false}],"origin":{"type":"Call"}}}'

/** The start-up hint: where the server listens and a curl that sends the sample. */
export const startupHint = (url: string, webhookPath: string, withToken: boolean): string =>
  [
    `callstate serve: listening on ${url}`,
    `  webhook   POST ${url}${webhookPath}`,
    `  queries   GET ${url}/calls/active   ${url}/sessions   ${url}/openapi.json`,
    `  feed      GET ${url}/feed (Server-Sent Events)   metrics ${url}/metrics   health ${url}/health`,
    '',
    'Send a real notification (payload 01, first event):',
    `  curl -sS -X POST ${url}${webhookPath} -H 'Content-Type: application/json' ` +
      (withToken ? `-H "Verification-Token: $CALLSTATE_VERIFICATION_TOKEN" ` : '') +
      `-d '${SAMPLE_NOTIFICATION}'`,
    `  curl -sS ${url}/sessions/s-718107795d564867a6f635fd81e89940`,
    ''
  ].join('\n')
