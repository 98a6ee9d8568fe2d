/** Config schema of exemptions (`exemptions:`): the longest one admins may grant. */
import { z } from 'zod';

export const exemptionsSchema = z
  .object({
    max_days: z
      .number().int().min(1).max(731).default(184)
      .describe('the longest exemption (豁免), in days from its first to its last day: none is open-ended; grant a new one to extend'),
  })
  .strict()
  .prefault({});
