/**
 * `orglife rating …`: the star-rating year (评星定级). Each subcommand lives in its own file
 * (rating-*.ts); this one only groups them.
 */
import type { Command } from 'commander';
import { registerRatingCampaign } from './rating-campaign.js';
import { registerRatingSteps } from './rating-steps.js';
import { registerRatingHistory } from './rating-history.js';
import { registerRatingWeak } from './rating-weak.js';
import { registerRatingDemoSites } from './rating-demo-sites.js';
import { registerRatingSubsidies } from './rating-subsidies.js';

export function registerRating(program: Command): void {
  const rating = program
    .command('rating')
    .description('评星定级：年度四步走、星级历程与摘星降级、激励保障、软弱涣散整顿 / the star-rating year');
  registerRatingCampaign(rating);
  registerRatingSteps(rating);
  registerRatingSubsidies(rating);
  registerRatingHistory(rating);
  registerRatingWeak(rating);
  registerRatingDemoSites(rating);
}
