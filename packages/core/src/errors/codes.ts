/**
 * Core's catalog of Subnetkit error codes (subnets declare their own with `defineErrorCodes`,
 * errors/plugin-codes.ts). A released code never changes meaning:
 * callers branch on `code`, never on message text. Each entry says what went wrong in general;
 * the thrown error's message says what to do about this particular case.
 */
export const ERROR_CODES = {
  // plugin
  SK_PLUGIN_INVALID: 'A subnet definition does not match the plugin contract.',
  SK_PLUGIN_API_VERSION: 'A subnet targets a plugin apiVersion this core does not support.',
  SK_PLUGIN_BAD_NAME: 'A subnet name is not a lowercase slug.',
  SK_PLUGIN_MISSING_HANDLER: 'A subnet lacks miner.handle, validator.challenge or validator.reward.',
  SK_PLUGIN_DUPLICATE_CORE: 'A subnet package resolved a second copy of @subnetkit/core.',
  SK_PLUGIN_DUPLICATE_NAME: 'Two subnets with the same name were loaded into one host.',
  SK_PLUGIN_NOT_FOUND: 'A subnet package or path could not be resolved.',
  SK_PLUGIN_LOAD_FAILED: 'A subnet module threw or had no default export while loading.',
  SK_PLUGIN_PEER_RANGE: 'A subnet package requires a @subnetkit/core version this host is not.',
  SK_PLUGIN_BAD_OPTIONS: "A subnet's options do not match its options schema.",
  SK_PLUGIN_BAD_OUTPUT: 'A plugin function returned a value that breaks the contract.',
  // config
  SK_CONFIG_INVALID: 'The project configuration does not match its schema.',
  SK_CONFIG_UNREADABLE: 'A configuration file could not be read or parsed.',
  // cli
  SK_CLI_USAGE: 'A command was called with wrong arguments.',
  SK_CLI_NOT_AVAILABLE: 'A command exists but its feature is not implemented yet.',
  SK_CLI_ABORTED: 'The user declined a confirmation or interrupted the command (Ctrl-C; details.signal).',
  SK_CLI_PORT_IN_USE: 'A port the command would listen on is taken (checked before anything costly).',
  SK_CLI_FILE_NOT_FOUND: 'An input file named on the command line does not exist or cannot be read.',
  // di
  SK_DI_RESOLVE: 'A service could not be resolved from the container.',
  // chain
  SK_CHAIN_EXTRINSIC_FAILED: 'An extrinsic was rejected by the chain (details.chainError names it).',
  SK_CHAIN_BAD_SIGNATURE: 'An extrinsic signature does not verify.',
  SK_CHAIN_BAD_NONCE: 'An extrinsic nonce is stale or from the future.',
  SK_CHAIN_INSUFFICIENT_BALANCE: 'An account cannot pay for the call.',
  SK_CHAIN_NOT_FOUND: 'A subnet, neuron or account does not exist.',
  SK_CHAIN_BAD_INPUT: 'An extrinsic or query has malformed arguments.',
  SK_CHAIN_STORAGE: 'The chain database failed or is corrupt.',
  SK_CHAIN_CONNECTION: 'The chain endpoint could not be reached or dropped.',
  SK_CHAIN_TIMEOUT: 'A chain call did not complete in time.',
  // timelock (commit-reveal v4)
  SK_TIMELOCK_BAD_CIPHERTEXT: 'A timelock ciphertext does not have the tle wire layout (lengths, point encoding).',
  SK_TIMELOCK_DECRYPT_FAILED: 'A timelock ciphertext does not open with the given beacon signature.',
  SK_TIMELOCK_BAD_INPUT: 'A timelock round, key, signature or payload is malformed.',
  // consensus
  SK_CONSENSUS_BAD_SCENARIO: 'A consensus scenario file is malformed.',
  // wallet
  SK_WALLET_BAD_PASSWORD: 'A keyfile could not be decrypted with the given password.',
  SK_WALLET_BAD_MNEMONIC: 'A mnemonic has a wrong word, word count or checksum.',
  SK_WALLET_KEYFILE_CORRUPT: 'A keyfile is truncated, corrupted or in an unknown format.',
  SK_WALLET_KEY_EXISTS: 'A key already exists and --overwrite was not given.',
  SK_WALLET_NOT_FOUND: 'A wallet or key file does not exist.',
  SK_WALLET_PERMISSION: 'A wallet file or folder cannot be read or written.',
  SK_WALLET_NO_PASSWORD: 'An encrypted key needs a password and none was available.',
  SK_WALLET_BAD_URI: 'A secret URI or derivation path is malformed.',
  SK_WALLET_BAD_NAME: 'A wallet or hotkey name is not a plain file name.',
  SK_WALLET_WEAK_PASSWORD: 'A new keyfile password is too short or too simple.',
  SK_WALLET_NOT_READY: 'Wallet crypto was used before `await initCrypto()`.',
  SK_WALLET_BAD_ADDRESS: 'An SS58 address or public key is malformed or has a bad checksum.',
  SK_WALLET_UNSUPPORTED_FORMAT: 'A keyfile uses a legacy format that cannot be decrypted.',
  SK_CRYPTO_KEY_TABLES_OFF:
    'The sr25519 key-table verifier disagreed with the wasm verifier and was switched off (a warning; verification goes on).',
  // protocol
  SK_PROTOCOL_BAD_SIGNATURE: 'A request or response signature does not verify.',
  SK_PROTOCOL_BAD_REQUEST: 'A synapse request is malformed.',
  SK_PROTOCOL_TIMEOUT: 'A synapse call timed out.',
  SK_PROTOCOL_UNREACHABLE: 'An axon could not be reached.',
  SK_PROTOCOL_BAD_RESPONSE: 'An axon answered with a response that fails the schema.',
  SK_PROTOCOL_BAD_SPEC: 'A synapse definition cannot be mapped to the wire format.',
  SK_PROTOCOL_BAD_WEIGHTS: 'Weights or uids given to a weight utility are invalid.',
  SK_PROTOCOL_BAD_IP: 'An IP address, or its integer form, is malformed.',
  SK_PROTOCOL_AXON_STATE: 'An axon was used in the wrong lifecycle state (attach after listen, listen twice).',
  // models
  SK_MODEL_NOT_FOUND: 'A model was not found locally and remote loading is off or failed.',
  SK_MODEL_LOAD_FAILED: 'A model file is corrupt or its layout is not supported.',
  SK_MODEL_BAD_INPUT: 'A model input is empty, of the wrong type or over its limits.',
  SK_MODEL_DEVICE: 'The requested device is not available.',
  SK_MODEL_CANCELLED: 'A model call was cancelled.',
  SK_MODEL_OVERLOADED: 'A model queue is full.',
  SK_MODEL_INFERENCE_FAILED: 'A loaded model failed while running a request.',
  SK_MODEL_DISPOSED: 'The model runtime was shut down.',
  SK_MODEL_UNREACHABLE:
    'An OpenAI-compatible inference server could not be reached, refused the call or broke off its answer.',
  SK_MODEL_TIMEOUT: 'A model call to an inference server did not finish within its timeout.',
  // neuron
  SK_NEURON_NOT_REGISTERED: 'The hotkey is not registered on the subnet.',
  SK_NEURON_DEREGISTERED: 'The hotkey was deregistered while running.',
  SK_NEURON_STATE_CORRUPT: 'Persisted validator state could not be read.',
  // localnet
  SK_LOCALNET_NOT_RUNNING: 'No localnet is running at the data dir (it stopped, or never started there).',
  SK_LOCALNET_FILE_CORRUPT: 'A localnet file in the data dir (network.json, history.jsonl) is truncated or malformed.',
  SK_LOCALNET_JOIN_FAILED: 'A localnet could not set up its subnets on a chain it joined (details.step says where).',
  // gateway
  SK_GATEWAY_BAD_REQUEST: "A gateway request body does not match the endpoint's schema (HTTP 400).",
  SK_GATEWAY_UNAUTHORIZED: 'A gateway request has no API key or an unknown one (HTTP 401).',
  SK_GATEWAY_RATE_LIMITED: 'A gateway API key exceeded its rate limit (HTTP 429, Retry-After).',
  SK_GATEWAY_NO_MINER: 'No miner of the subnet serves an axon, or none gave a valid answer (HTTP 503, Retry-After).',
  SK_GATEWAY_OVERLOADED: 'The gateway has too many requests in flight (HTTP 503, Retry-After).',
  SK_GATEWAY_TIMEOUT: "No miner answered within the gateway's timeout (HTTP 504).",
  SK_GATEWAY_KEYS_CORRUPT: 'The gateway API key file is truncated or malformed.',
  // scaffold
  SK_SCAFFOLD_BAD_NAME: 'A package name breaks npm naming rules.',
  SK_SCAFFOLD_EXISTS: 'The target directory exists and --force was not given.',
  SK_SCAFFOLD_BAD_KIND: 'An unknown subnet template kind was requested.',
  SK_SCAFFOLD_FAILED: 'Generating a package failed; nothing was written.',
  SK_SCAFFOLD_DOCTOR_FAILED: 'A subnet package failed a publishing check (subnetkit doctor).',
  // operations
  SK_OPS_SHUTDOWN_FORCED: 'A second SIGTERM/SIGINT forced the exit before the graceful shutdown finished.',
  SK_OPS_SHUTDOWN_TIMEOUT: 'A graceful shutdown did not finish within its deadline (--shutdown-timeout).',
  // dashboard
  SK_DASHBOARD_BAD_REQUEST: 'A dashboard URL has a malformed subnet id or uid (HTTP 400).',
  SK_DASHBOARD_NOT_FOUND: 'A dashboard page, subnet or neuron does not exist (HTTP 404).',
  // generic
  SK_INTERNAL: 'An unexpected internal failure (a bug: please report it).',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
