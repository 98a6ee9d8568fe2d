/** The notifiers: one interface, one implementation per channel, a typed registry. Channel contracts: README (Configuration reference, channels). */
export * from './types.js';
export { NotifierError } from './errors.js';
export * from './sms-params.js';
export { channelsSchema, routingSchema, physicalChannel, robotsFor, RECIPIENT_ROLES, DEFAULT_ROUTES } from './config.js';
export type { ChannelsConfig, RoutingConfig, RecipientRole } from './config.js';
export { createNotifiers, isChannelEnabled, type Notifiers, type CreateNotifiersOptions } from './registry.js';
