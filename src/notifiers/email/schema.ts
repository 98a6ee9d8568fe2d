/** Config of the email channel (`channels.email`). The SMTP URL with its password comes from SMTP_URL. */
import { z } from 'zod';

export const emailSchema = z
  .object({
    enabled: z
      .union([z.boolean(), z.literal('auto')])
      .default('auto')
      .describe('auto = on when SMTP_URL is set or host is given; true = required (error if neither); false = off'),
    from: z.string().min(3).default('组织生活预警 <noreply@orglife.local>').describe('sender shown to recipients'),
    host: z
      .string().min(1)
      .refine((h) => !/[@/:\s]/.test(h), '只写主机名；用户名和密码放入 SMTP_URL 环境变量 / a host name only: user and password go in the SMTP_URL environment variable')
      .optional()
      .describe('SMTP relay without authentication, used when SMTP_URL is not set (smtp://user:pass@host:port)'),
    port: z.number().int().min(1).max(65535).default(25).describe('port of `host` (ignored when SMTP_URL is set)'),
    secure: z.boolean().default(false).describe('implicit TLS to `host` (port 465); ignored when SMTP_URL is set'),
    max_connections: z.number().int().min(1).max(20).default(2).describe('pooled SMTP connections; also the most emails the daemon sends at once'),
    timeout_ms: z.number().int().min(1000).max(300_000).default(30_000).describe('connection and greeting timeout'),
  })
  .strict()
  .prefault({});

export type EmailConfig = z.infer<typeof emailSchema>;
