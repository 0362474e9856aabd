import { ocrAcceptanceSuite } from './ocr-suite.test.js';

// The tesseract program (Debian's tesseract-ocr), as installed by .ci/run and the Dockerfile.
ocrAcceptanceSuite('the tesseract program', { program: true });
