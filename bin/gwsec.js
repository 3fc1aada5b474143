#!/usr/bin/env node
// Thin launcher: the CLI runs compiled JavaScript (npm ci builds it via `prepare`).
import '../build/cli/main.js';
