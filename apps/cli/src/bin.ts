#!/usr/bin/env node
// No colour codes into pipes and files, and none when NO_COLOR is set to anything: citty
// reads NO_COLOR=1 once, when it loads, so this comes before it is imported.
if (!process.stdout.isTTY || process.env.NO_COLOR !== undefined) process.env.NO_COLOR = '1';

const { runMain } = await import('citty');
const { main } = await import('./main');
runMain(main);

export {};
