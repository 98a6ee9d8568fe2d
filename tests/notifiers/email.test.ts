import { afterEach, describe, expect, it } from 'vitest';
import { NotifierError } from '../../src/notifiers/errors.js';
import { createNotifiers } from '../../src/notifiers/registry.js';
import type { Notifier } from '../../src/notifiers/types.js';
import { startSmtpServer, type SmtpStandin } from '../helpers/smtp.js';
import { channels, envOf, rejection } from './setup.js';

const MESSAGE = {
  to: 'secretary@branch.example.cn',
  subject: '【组织生活预警】第一党支部：2 项工作待完成',
  text: '第一党支部：\n1. 本月支委会尚未召开\n2. 本季度党课尚未开展',
  html: '<h1>第一党支部</h1><ol><li>本月支委会尚未召开</li><li>本季度党课尚未开展</li></ol>',
};

describe('email notifier', () => {
  let smtp: SmtpStandin | undefined;
  let notifier: Notifier | undefined;
  afterEach(async () => {
    await notifier?.close();
    await smtp?.close();
    notifier = smtp = undefined;
  });

  async function emailVia(server: SmtpStandin, url = server.url): Promise<Notifier> {
    const n = createNotifiers(channels(), envOf({ SMTP_URL: url })).get('email');
    expect(n).toBeDefined();
    return n!;
  }

  it('delivers a Chinese subject with text and HTML bodies that the SMTP server receives and parses', async () => {
    smtp = await startSmtpServer();
    notifier = await emailVia(smtp);
    const result = await notifier.send(MESSAGE);
    const [mail] = await smtp.waitForMessages(1);
    expect(mail!.subject).toBe(MESSAGE.subject);
    expect(mail!.text.trim()).toBe(MESSAGE.text);
    expect(mail!.html).toContain('<li>本月支委会尚未召开</li>');
    expect(mail!.envelope.to).toEqual(['secretary@branch.example.cn']);
    expect(mail!.from).toContain('组织生活预警');
    expect(mail!.from).toContain('noreply@orglife.local');
    expect(result.providerMessageId).toBe(mail!.messageId);
  });

  it('logs in with the user and password of SMTP_URL', async () => {
    smtp = await startSmtpServer({ auth: { user: 'orglife', pass: 'p@ss word' } });
    notifier = await emailVia(smtp);
    await notifier.send(MESSAGE);
    const [mail] = await smtp.waitForMessages(1);
    expect(mail!.user).toBe('orglife');
  });

  it('treats a wrong SMTP password as permanent and does not repeat the password', async () => {
    smtp = await startSmtpServer({ auth: { user: 'orglife', pass: 'right-password' } });
    notifier = await emailVia(smtp, `smtp://orglife:wrong-password-123@127.0.0.1:${smtp.port}`);
    const err = await rejection(notifier.send(MESSAGE));
    expect(err).toBeInstanceOf(NotifierError);
    expect(err.permanent).toBe(true);
    expect(err.message).toContain('SMTP 认证失败');
    expect(err.message).not.toContain('wrong-password-123');
  });

  it('treats a 5xx recipient rejection as permanent', async () => {
    smtp = await startSmtpServer({ rejectRecipient: (a) => (a.startsWith('gone@') ? { code: 550, message: 'No such user' } : null) });
    notifier = await emailVia(smtp);
    const err = await rejection(notifier.send({ ...MESSAGE, to: 'gone@branch.example.cn' }));
    expect(err.permanent).toBe(true);
    expect(err.code).toBe('550');
    expect(smtp.messages).toHaveLength(0);
  });

  it('treats a 4xx recipient rejection as temporary', async () => {
    smtp = await startSmtpServer({ rejectRecipient: () => ({ code: 451, message: 'Try again later' }) });
    notifier = await emailVia(smtp);
    const err = await rejection(notifier.send(MESSAGE));
    expect(err.permanent).toBe(false);
    expect(err.code).toBe('451');
  });

  it('treats a refused connection as temporary', async () => {
    const gone = await startSmtpServer();
    await gone.close();
    notifier = createNotifiers(channels(), envOf({ SMTP_URL: gone.url })).get('email')!;
    const err = await rejection(notifier.send(MESSAGE));
    expect(err).toBeInstanceOf(NotifierError);
    expect(err.permanent).toBe(false);
  });

  it('rejects an address that is not an email address as permanent, without connecting', async () => {
    smtp = await startSmtpServer();
    notifier = await emailVia(smtp);
    const err = await rejection(notifier.send({ ...MESSAGE, to: '13812345678' }));
    expect(err.permanent).toBe(true);
    expect(err.code).toBe('invalid_address');
    expect(err.message).toContain('138****5678');
    expect(err.message).not.toContain('13812345678');
  });

  it('sends through an unauthenticated relay named by channels.email.host when SMTP_URL is unset', async () => {
    smtp = await startSmtpServer();
    notifier = createNotifiers(channels({ email: { host: '127.0.0.1', port: smtp.port } }), envOf()).get('email')!;
    await notifier.send(MESSAGE);
    expect((await smtp.waitForMessages(1))[0]!.subject).toBe(MESSAGE.subject);
  });
});
