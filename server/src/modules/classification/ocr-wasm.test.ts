import { delimiter } from 'node:path';
import { findTesseractProgram } from './extraction/ocr/ocr-engine.js';
import { ocrAcceptanceSuite } from './ocr-suite.test.js';

// The same acceptance with the tesseract program off PATH: the app falls back to
// tesseract.js with the language data of @tesseract.js-data/eng. The extraction processes
// inherit this PATH. (ocr-offline.test.ts proves this path fetches nothing from the network.)
process.env.PATH = (process.env.PATH ?? '')
  .split(delimiter)
  .filter((dir) => findTesseractProgram(dir) === null)
  .join(delimiter);

ocrAcceptanceSuite('tesseract.js', { program: false });
