/** The PostgreSQL drizzle schema: one file per family of tables under ./schema/, re-exported here. */
export * from './schema/records.js';
export * from './schema/jobs.js';
export * from './schema/reports.js';
export * from './schema/alerts.js';
export * from './schema/rating.js';
export * from './schema/console.js';
export * from './schema/members.js';
export * from './schema/exemptions.js';
export * from './schema/leaves.js';
export * from './schema/live.js';
