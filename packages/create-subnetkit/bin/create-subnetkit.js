#!/usr/bin/env node
// A committed launcher: npm links bins at install time, before the build creates dist/.
import '../dist/bin.js';
