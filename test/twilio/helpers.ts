import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Secret } from '../../src/config/secret.js';
import { startTwilioSimulator, type TwilioSimulator } from '../../src/sim/twilio/index.js';
import type { SimAccount, TwilioSimulatorOptions } from '../../src/sim/twilio/types.js';
import { createTwilioClient, type TwilioClient, type TwilioClientOptions } from '../../src/twilio/client.js';

/** Fictional credentials: they only open the simulator. */
export const ACCOUNT: SimAccount = {
  accountSid: `AC${'0123456789abcdef'.repeat(2)}`,
  authToken: 'test-auth-token-0123456789abcdef',
  apiKeys: [{ sid: `SK${'fedcba9876543210'.repeat(2)}`, secret: 'test-api-key-secret' }],
};
export const FROM = '+13125550100';
export const TO = '+13125550142';
export const SERVICE_SID = `MG${'00112233445566778899aabbccddeeff'}`;

export async function startSim(options: TwilioSimulatorOptions = {}): Promise<TwilioSimulator> {
  return startTwilioSimulator({
    seed: 7,
    accounts: [ACCOUNT],
    defaultMps: 1000,
    deliveryDelayMs: 10,
    ...options,
  });
}

export function clientFor(sim: TwilioSimulator, over: Partial<TwilioClientOptions> = {}): TwilioClient {
  return createTwilioClient({
    accountSid: ACCOUNT.accountSid,
    auth: { type: 'authToken', authToken: new Secret(ACCOUNT.authToken) },
    baseUrl: sim.url,
    timeoutMs: 5_000,
    ...over,
  });
}

export interface SpecExtract {
  message: {
    properties: Record<string, { type?: string; format?: string; $ref?: string; nullable?: boolean }>;
  };
  message_enum_status: { enum: string[] };
  message_enum_direction: { enum: string[] };
  ListMessageResponse: { properties: Record<string, { type: string; nullable?: boolean }> };
}

const SPEC = new URL('../../../shared/reference/twilio_api_v2010.json', import.meta.url);
const EXTRACT = new URL('./fixtures/message-schema.json', import.meta.url);

/** The spec's message and list schemas: from the full spec when present, else the checked-in extract. */
export function loadSpec(): { spec: SpecExtract; fromFullSpec: boolean } {
  const extract = JSON.parse(readFileSync(EXTRACT, 'utf8')) as SpecExtract;
  if (!existsSync(SPEC)) return { spec: extract, fromFullSpec: false };
  const full = JSON.parse(readFileSync(SPEC, 'utf8')) as {
    components: { schemas: Record<string, unknown> };
    paths: Record<
      string,
      { get: { responses: { 200: { content: { 'application/json': { schema: unknown } } } } } }
    >;
  };
  const list = full.paths['/2010-04-01/Accounts/{AccountSid}/Messages.json'];
  return {
    spec: {
      message: full.components.schemas['api.v2010.account.message'] as SpecExtract['message'],
      message_enum_status: full.components.schemas.message_enum_status as SpecExtract['message_enum_status'],
      message_enum_direction: full.components.schemas
        .message_enum_direction as SpecExtract['message_enum_direction'],
      ListMessageResponse: list?.get.responses[200].content['application/json']
        .schema as SpecExtract['ListMessageResponse'],
    },
    fromFullSpec: true,
  };
}

export interface ReceivedWebhook {
  url: string;
  headers: IncomingMessage['headers'];
  params: Record<string, string>;
}

/** A plain HTTP server standing in for our webhook routes: records every POST, answers `status`. */
export async function startReceiver(status = 200): Promise<{
  url: string;
  received: ReceivedWebhook[];
  setStatus(code: number): void;
  close(): Promise<void>;
}> {
  const received: ReceivedWebhook[] = [];
  let code = status;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      received.push({
        url: req.url ?? '',
        headers: req.headers,
        params: Object.fromEntries(new URLSearchParams(body)),
      });
      res.writeHead(code, { 'content-type': 'text/xml' }).end('<Response/>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    setStatus(c) {
      code = c;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
