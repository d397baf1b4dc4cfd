import { defineErrorCodes } from '@subnetkit/core';

/** The text subnet's own error codes (declared here, not in core's catalog). */
export const textErrors = defineErrorCodes({
  SK_TEXT_BAD_INPUT: 'A text prompt list, query input or reward input is malformed.',
  SK_TEXT_NO_REFERENCE: 'The validator model gave no usable reference completion for the picked prompts.',
});
