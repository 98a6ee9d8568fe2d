import type { FastifyInstance } from 'fastify';
import type { PageContext } from '../context.js';
export function importPages(_app: FastifyInstance, _ctx: PageContext): void {}
