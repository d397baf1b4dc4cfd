#!/usr/bin/env node
import 'reflect-metadata';
import { createSubnetkit } from './index.js';

process.exitCode = await createSubnetkit(process.argv.slice(2));
