#!/usr/bin/env node
import { runMain } from 'citty';
import { benchCommand } from './commands';

runMain(benchCommand);
