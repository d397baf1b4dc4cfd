export { ERROR_CODES, type ErrorCode } from './codes.js';
export { defineErrorCodes, type ErrorCatalog, isErrorCatalog, type PluginErrorCode } from './plugin-codes.js';
export { type ErrorDetails, isSubnetkitError, SubnetkitError } from './subnetkit-error.js';
