export { ERROR_CODES, type ErrorCode } from './codes.js';
export { type ErrorDetails, isSubnetkitError, SubnetkitError } from './subnetkit-error.js';
