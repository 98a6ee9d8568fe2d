/** Config of the health-check reports. Placeholder until the reports land. */
import { z } from 'zod';

export const reportsSchema = z.object({}).strict().prefault({});
