/**
 * Config schema of colour grades (`grades:`, 红黄绿): a branch's colour each month comes from how
 * many consecutive months it has had a warning (预警 or 督办) standing; repeated red months carry the
 * consequences the county sets (约谈, loss of awards). The single source of these defaults;
 * config/default.yaml restates them for admins.
 */
import { z } from 'zod';

const consequenceSchema = z
  .object({
    red_months: z.number().int().min(1).max(24).describe('consecutive red months (this month included) that bring this consequence'),
    action: z.string().min(1).max(200).describe('what follows, as cadres read it, for example 乡镇党委书记约谈支部书记'),
  })
  .strict();

export const gradesSchema = z
  .object({
    yellow_months: z
      .number().int().min(1).max(24).default(1)
      .describe('consecutive months with a warning standing (this month included) that make a branch yellow (组织生活运行不畅)'),
    red_months: z
      .number().int().min(1).max(24).default(3)
      .describe('consecutive months with a warning standing that make a branch red (长期不开展组织生活); at least yellow_months'),
    consequences: z
      .array(consequenceSchema)
      .max(10)
      .default([
        { red_months: 2, action: '乡镇（街道）党委书记约谈支部书记' },
        { red_months: 3, action: '取消支部及书记本年度评先评优资格' },
      ])
      .describe('what repeated red brings; the consequence with the largest red_months reached applies (one per branch and month)'),
  })
  .strict()
  .refine((g) => g.red_months >= g.yellow_months, { message: 'red_months must be at least yellow_months', path: ['red_months'] })
  .prefault({});

export type GradesConfig = z.infer<typeof gradesSchema>;
