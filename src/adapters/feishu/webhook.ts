import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';
import express, { type Express, type Request, type Response } from 'express';
import type * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from 'pino';

// Webhook transport: verify, decrypt, hand the body to the SDK's EventDispatcher, answer JSON.
// It closes the SDK's gaps (tech-notes.md): a bad or missing signature, a wrong verification
// token or an undecryptable body get 401 here (the SDK answers 200 with an empty body, does not
// check the token of v2 events, and signs over its own re-serialisation of the body rather than
// the raw bytes Feishu signed); every other path or method gets an answer (adaptDefault hangs).

export const EVENTS_PATH = '/feishu/events';

export interface WebhookOptions {
  dispatcher: lark.EventDispatcher;
  encryptKey?: string;
  verificationToken?: string;
  log: Logger;
}

/** Feishu's event encryption: AES-256-CBC, key = sha256(encryptKey), iv = first 16 bytes. */
export function decrypt(encrypt: string, encryptKey: string): string {
  const key = createHash('sha256').update(encryptKey).digest();
  const buf = Buffer.from(encrypt, 'base64');
  const decipher = createDecipheriv('aes-256-cbc', key, buf.subarray(0, 16));
  return Buffer.concat([decipher.update(buf.subarray(16)), decipher.final()]).toString('utf8');
}

const sameHex = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export function mountWebhook(http: Express, opts: WebhookOptions): void {
  const { dispatcher, encryptKey, verificationToken, log } = opts;
  const router = express.Router();

  const refuse = (req: Request, res: Response, reason: string) => {
    log.warn({ reason, ip: req.ip, path: req.path }, 'feishu request refused');
    res.status(401).json({ code: 401, msg: 'unauthorized' });
  };

  // The raw text is needed for the signature: no JSON parser may run before this route.
  router.post('/events', express.text({ type: () => true, limit: '1mb' }), async (req, res) => {
    const raw = typeof req.body === 'string' ? req.body : '';
    if (encryptKey) {
      const ts = req.header('x-lark-request-timestamp');
      const nonce = req.header('x-lark-request-nonce');
      const sig = req.header('x-lark-signature');
      if (!ts || !nonce || !sig) return refuse(req, res, 'missing signature');
      const expected = createHash('sha256').update(ts + nonce + encryptKey + raw).digest('hex');
      if (!sameHex(expected, sig.toLowerCase())) return refuse(req, res, 'bad signature');
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error('not an object');
    } catch {
      log.warn({ ip: req.ip }, 'feishu request body is not JSON');
      return void res.status(400).json({ code: 400, msg: 'expected a JSON object' });
    }
    let plain = body;
    if (typeof body.encrypt === 'string') {
      if (!encryptKey) return refuse(req, res, 'encrypted body but FEISHU_ENCRYPT_KEY is not set');
      try {
        plain = JSON.parse(decrypt(body.encrypt, encryptKey)) as Record<string, unknown>;
      } catch {
        return refuse(req, res, 'undecryptable body');
      }
    } else if (encryptKey) {
      return refuse(req, res, 'plain body although FEISHU_ENCRYPT_KEY is set');
    }
    const token = (plain.header as { token?: unknown } | undefined)?.token ?? plain.token;
    if (verificationToken && token !== verificationToken) return refuse(req, res, 'wrong verification token');
    // Setting the request URL in the console sends a challenge: echo it.
    if (plain.type === 'url_verification') return void res.json({ challenge: plain.challenge });
    try {
      // The signature is checked above on the raw bytes and the body decrypted once; the SDK parses and routes.
      const data = Object.assign(Object.create({ headers: req.headers }) as object, plain);
      const value: unknown = await dispatcher.invoke(data, { needCheck: false });
      res.json(value && typeof value === 'object' ? value : {});
    } catch (e) {
      log.error({ err: e }, 'feishu handler failed');
      res.status(500).json({ code: 500, msg: 'internal error' });
    }
  });
  router.all('/events', (_req, res) => {
    res.status(405).set('allow', 'POST').json({ code: 405, msg: 'POST only' });
  });
  router.use((_req, res) => {
    res.status(404).json({ code: 404, msg: 'not found' });
  });
  http.use('/feishu', router);
}
