export {
  type CallOptions,
  type CreateMessageParams,
  createTwilioClient,
  type ListMessagesFilter,
  type TwilioAuth,
  type TwilioClient,
  type TwilioClientOptions,
  twilioClientDefaults,
} from './client.js';
export { type CheckTwilioOptions, checkTwilio } from './doctor.js';
export {
  type AttemptWindow,
  classifyDeliveryErrorCode,
  classifyTwilioError,
  isAmbiguousError,
  isCredentialsError,
  isOptedOutError,
  isRateLimitedError,
  isRetryableKind,
  isTwilioApiError,
  TwilioApiError,
  type TwilioErrorKind,
} from './errors.js';
export {
  createTwilioPacer,
  type PacedRequest,
  pacerDefaults,
  type TwilioPacer,
  type TwilioPacerOptions,
} from './pacing.js';
export {
  MESSAGE_DIRECTIONS,
  MESSAGE_STATUSES,
  type MessagePage,
  type MessageStatus,
  parseTwilioDate,
  type TwilioMessage,
} from './schemas.js';
export { countSegments, isGsm7, type SegmentCount, type SmsEncoding } from './segments.js';
export { type SendMessageOptions, type SendMessageResult, sendMessage, sendMessageDefaults } from './send.js';
export {
  buildInboundWebhookUrl,
  buildStatusCallbackUrl,
  DEFAULT_CALLBACK_FRAGMENT,
  isSignatureError,
  SignatureError,
  signTwilioRequest,
  stripFragment,
  verifyTwilioSignature,
  webhookSignedUrl,
} from './signature.js';
