/**
 * Config of the notifier channels and of routing. Placeholder until the notifiers land: each
 * channel's own schema will live beside it and be composed here.
 */
import { z } from 'zod';

export const channelsSchema = z.object({}).strict().prefault({});
export const routingSchema = z.object({}).strict().prefault({});
