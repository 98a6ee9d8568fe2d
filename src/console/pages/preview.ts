import type { FastifyInstance } from 'fastify';
import type { PageContext } from '../context.js';
export function previewPages(_app: FastifyInstance, _ctx: PageContext): void {}
