export { createDashboardApp, type DashboardApp } from './app.js';
export { type RunningDashboard, startDashboard } from './serve.js';
export { type DashboardNeuron, type DashboardSnapshot, type DashboardSubnet, readSnapshot } from './snapshot.js';
export { chainSource, type DashboardSource, localNetworkSource, type Observation } from './source.js';
