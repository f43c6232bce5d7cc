// Peer 1: a bare Fastify route that only checks the Twilio signature (no storage).
import Fastify from 'fastify';
import twilio from 'twilio';

const { AUTH_TOKEN, PUBLIC_URL, PORT } = process.env;
const app = Fastify({ logger: false });
app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
  done(null, Object.fromEntries(new URLSearchParams(body))),
);
app.post('/webhooks/twilio/:tenant/inbound', async (request, reply) => {
  const ok = twilio.validateRequest(
    AUTH_TOKEN,
    request.headers['x-twilio-signature'] ?? '',
    `${PUBLIC_URL}${request.url}`,
    request.body,
  );
  if (!ok) return reply.status(403).send();
  return reply.type('text/xml').send('<?xml version="1.0" encoding="UTF-8"?><Response/>');
});
await app.listen({ host: '127.0.0.1', port: Number(PORT) });
process.send?.('ready');
