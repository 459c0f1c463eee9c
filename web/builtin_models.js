// The built-in model's files as URLs. Each is a literal `new URL(..., import.meta.url)`, the one form
// bundlers (Vite, webpack 5, Parcel) turn into emitted assets, so `Model.load('builtin:tiny')` works in
// a bundled app with no configuration, and in place when the package is served as files. This module is
// imported only when the built-in model is asked for, so apps that use other models carry none of it.

/** @type {Record<string, () => Record<string, URL>>} file name (as in the model folder) -> URL */
export const BUILTIN_MODELS = {
  tiny: () => ({
    'config.json': new URL('../models/tiny/config.json', import.meta.url),
    'preprocessor_config.json': new URL('../models/tiny/preprocessor_config.json', import.meta.url),
    'tokenizer.json': new URL('../models/tiny/tokenizer.json', import.meta.url),
    'tokenizer_config.json': new URL('../models/tiny/tokenizer_config.json', import.meta.url),
    'onnx/text_model.onnx': new URL('../models/tiny/onnx/text_model.onnx', import.meta.url),
    'onnx/vision_model.onnx': new URL('../models/tiny/onnx/vision_model.onnx', import.meta.url),
  }),
  // A small CLAP (audio-text) model trained on generated sounds (scripts/train-sound): for audio items.
  sound: () => ({
    'config.json': new URL('../models/sound/config.json', import.meta.url),
    'preprocessor_config.json': new URL('../models/sound/preprocessor_config.json', import.meta.url),
    'tokenizer.json': new URL('../models/sound/tokenizer.json', import.meta.url),
    'tokenizer_config.json': new URL('../models/sound/tokenizer_config.json', import.meta.url),
    'onnx/text_model.onnx': new URL('../models/sound/onnx/text_model.onnx', import.meta.url),
    'onnx/audio_model.onnx': new URL('../models/sound/onnx/audio_model.onnx', import.meta.url),
  }),
};
