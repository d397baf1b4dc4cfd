import 'reflect-metadata';

export { type CapturedLogs, captureLogs } from './capture-logs.js';
