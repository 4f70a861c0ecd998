// Tiny numeric checks run on the pure-JS cpu backend; anything that trains uses @none/backend.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';

await tf.setBackend('cpu');
