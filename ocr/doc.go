// Package ocr reads the text in a picture — a chat screenshot, a photo of a
// "warrant", a poster — with Tesseract, and says how sure it is.
//
// # Why Tesseract's command line and not a cgo binding
//
// The Go bindings (gosseract and its forks) are cgo wrappers around
// libtesseract's C++ API. We call the `tesseract` program instead:
//
//   - Isolation. Tesseract and Leptonica are large C/C++ libraries fed with
//     pictures strangers send us. In a child process a crash, a leak or a
//     runaway page costs one OCR job, not the bot; a context timeout kills the
//     process for certain, which cannot be done to a thread inside ours.
//   - Builds. The binary stays pure Go (CGO_ENABLED=0, cross-compiles, fast
//     `go test`); only the runtime image needs Debian's tesseract-ocr
//     packages. A binding would tie every build to libtesseract-dev headers of
//     the exact installed version (gosseract's own CI pins them).
//   - Cost. Process start-up is ~30 ms and the language model load ~100 ms,
//     against 0.5–2 s of recognition for a screenshot: under 10 %. The TSV
//     output carries everything we need (per-word confidence and boxes).
//
// What we lose — keeping a warm TessBaseAPI between pictures — is small next
// to the recognition time, and the worker pool bounds how many run at once.
//
// # The pipeline
//
// Decode checks the byte size, sniffs the real format from the first bytes
// (PNG, JPEG, WebP, GIF's first frame; a PDF or anything else renamed .jpg is
// refused with ErrUnsupported), refuses animated WebP, and reads the
// dimensions with image.DecodeConfig before decoding a single pixel, so a
// 10,000×10,000 picture is refused in microseconds. Engine.Read then, in one
// of a few worker slots: greys the picture, binarises it (Otsu), turns dark
// mode and dark blocks (a dark bubble, a coloured avatar) into black on white,
// rescales so the median glyph is about 32 px high (small text up, big photos
// down), and runs `tesseract … tsv` under a timeout. Words keep their
// confidence; the mean tells a blurry picture (LowConfidence) from a clear one.
package ocr
