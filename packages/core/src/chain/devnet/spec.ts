/** Runtime identity the devnet reports: subtensor's spec name and the version of the served metadata. */
export const DEVNET_SPEC = {
  specName: 'node-subtensor',
  implName: 'subnetkit-devnet',
  specVersion: 343,
  transactionVersion: 1,
} as const;
