// Tests that train use @none/backend's wasm path (the cpu backend would take minutes).
import { initBackend } from '@none/backend';

await initBackend({ prefer: 'wasm' });
