import { defineErrorCodes } from '@subnetkit/core';

/** The prediction subnet's own error codes (declared here, not in core's catalog). */
export const predictErrors = defineErrorCodes({
  SK_PREDICT_UNKNOWN_SERIES: 'A forecast feed was asked for a series it does not serve.',
  SK_PREDICT_FEED_RANGE: 'A replay feed was asked for data outside the series it replays.',
  SK_PREDICT_BAD_INPUT: 'A forecast, its truth or a query input is malformed (length, NaN, Infinity).',
});
