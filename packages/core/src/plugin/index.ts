export { CORE_VERSION, SUPPORTED_API_VERSIONS } from './core-identity.js';
export { defineSubnet } from './define-subnet.js';
export { type LoadedSubnet, type LoadSubnetOptions, loadSubnet, type SubnetSpec } from './load-subnet.js';
export { PluginHost } from './plugin-host.js';
export type * from './types.js';
export { parseSubnetOptions, validateSubnet } from './validate-subnet.js';
