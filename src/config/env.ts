import { z } from 'zod';

// Environment variables, parsed once at start. Names are the outside contract in design.md.
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z.string().default('file:./data/backline.db').refine((u) => /^(file:|postgres(ql)?:\/\/)/.test(u), 'expected file:./path.db or postgres://user@host:5432/db'),
  BACKLINE_CONFIG: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SLACK_BOT_TOKEN: z.string().optional(),
  SLACK_SIGNING_SECRET: z.string().optional(),
  SLACK_APP_TOKEN: z.string().optional(),
  SLACK_API_URL: z.url().optional(),
  SLACK_WEB_API_PRIORITY: z.enum(['background', 'normal']).default('background'),
  FEISHU_APP_ID: z.string().optional(),
  FEISHU_APP_SECRET: z.string().optional(),
  FEISHU_MODE: z.enum(['ws', 'webhook']).default('ws'),
  FEISHU_VERIFICATION_TOKEN: z.string().optional(),
  FEISHU_ENCRYPT_KEY: z.string().optional(),
  FEISHU_DOMAIN: z.string().optional(),
  BACKLINE_SANDBOX: z.enum(['0', '1', 'true', 'false']).optional(),
  BACKLINE_ADMIN_TOKEN: z.string().optional(),
});

export type Env = z.output<typeof envSchema> & { slackEnabled: boolean; feishuEnabled: boolean };

export function readEnv(env: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid environment:\n${lines}`);
  }
  const e = parsed.data;
  return { ...e, slackEnabled: Boolean(e.SLACK_BOT_TOKEN && e.SLACK_SIGNING_SECRET), feishuEnabled: Boolean(e.FEISHU_APP_ID && e.FEISHU_APP_SECRET) };
}
