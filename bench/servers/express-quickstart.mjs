// Peer 2: Twilio's quick-start shape: Express + twilio.webhook() (no storage).
import express from 'express';
import twilio from 'twilio';

const { AUTH_TOKEN, PUBLIC_URL, PORT } = process.env;
const app = express();
app.use(express.urlencoded({ extended: false }));
app.post(
  '/webhooks/twilio/:tenant/inbound',
  twilio.webhook(AUTH_TOKEN, { url: undefined, host: new URL(PUBLIC_URL).host, protocol: 'http' }),
  (_req, res) => {
    const twiml = new twilio.twiml.MessagingResponse();
    res.type('text/xml').send(twiml.toString());
  },
);
app.listen(Number(PORT), '127.0.0.1', () => process.send?.('ready'));
