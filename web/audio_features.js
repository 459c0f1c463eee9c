// CLAP model input from decoded audio: the C++ ClapFeatureExtractor (src/audio/clap_features.hpp:
// resampling to the model's rate, padding/truncation, log-mel) run in WASM, batched for ONNX Runtime.
import { check } from './errors.js';
import { loadWasm, withHeapCopy } from './wasm.js';

/** The checked preprocessor_config.json of a CLAP model ({ samplingRate, maxLengthS, truncation, ... }). */
export async function clapFeatureConfig(preprocessorJson) {
  const M = await loadWasm();
  return check(M.clapFeatureConfig(preprocessorJson));
}

/**
 * Features of one decoded sound: { data: Float32Array [channels][frames][mels], channels, frames, mels, isLonger }.
 * `name` names the sound in errors.
 */
export async function clapFeatures(preprocessorJson, { samples, sampleRate }, name = 'audio') {
  const M = await loadWasm();
  try {
    return withHeapCopy(M, samples, (ptr) => check(M.clapFeatures(preprocessorJson, ptr, samples.length, sampleRate)));
  } catch (err) {
    err.message = `${name}: ${err.message}`;
    throw err;
  }
}

/** Several sounds' features as one input_features batch [n, channels, frames, mels] and is_longer [n, 1]. */
export function featureBatch(features) {
  const { channels, frames, mels } = features[0];
  const size = channels * frames * mels;
  const data = new Float32Array(features.length * size);
  features.forEach((f, i) => data.set(f.data, i * size));
  return { data, dims: [features.length, channels, frames, mels], isLonger: features.map((f) => f.isLonger) };
}
