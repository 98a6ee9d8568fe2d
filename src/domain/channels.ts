/**
 * Channel vocabulary shared by planning, the store's delivery log and the notifiers: the concrete
 * channels, the logical channels routing speaks of, and the roles a recipient can have.
 */

/** The concrete channels (each has one implementation and one config block under `channels:`). */
export const CHANNEL_NAMES = ['email', 'aliyun_sms', 'tencent_sms', 'http_sms', 'wecom', 'dingtalk'] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

/** The channels routing speaks of; 'sms' means whichever provider `channels.sms_provider` names. */
export const LOGICAL_CHANNELS = ['sms', 'email', 'wecom', 'dingtalk'] as const;
export type LogicalChannel = (typeof LOGICAL_CHANNELS)[number];

/** The SMS providers `channels.sms_provider` may pick. */
export const SMS_PROVIDERS = ['aliyun_sms', 'tencent_sms', 'http_sms'] as const;
export type SmsProvider = (typeof SMS_PROVIDERS)[number];

/** Who receives alerts of a level: the branch secretary, the Party-affairs worker, the parent committee. */
export const RECIPIENT_ROLES = ['secretary', 'clerk', 'committee'] as const;
export type RecipientRole = (typeof RECIPIENT_ROLES)[number];
