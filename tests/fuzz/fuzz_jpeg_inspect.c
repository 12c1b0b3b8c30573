/*
 * fuzz_jpeg_inspect.c — photo_inspect() on arbitrary bytes: the headers
 * of a file made elsewhere (R-FILE-1..6, 8). It must either refuse the
 * bytes with an error or describe a picture that has pixels.
 */
#include <string.h>

#include "tests/fuzz/fuzzutil.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	photo_ctx *ctx = fz_photo_ctx();
	photo_fileinfo fi;

	memset(&fi, 0xa5, sizeof(fi));
	if (photo_inspect(ctx, data, size, &fi) == -1) {
		FZ_ASSERT(photo_error(ctx)[0] != '\0');
		return 0;
	}
	FZ_ASSERT(fi.width > 0 && fi.height > 0);
	FZ_ASSERT(fi.components >= 1 && fi.components <= 4);
	FZ_ASSERT(fi.size == size);
	FZ_ASSERT(fi.quality >= 0 && fi.quality <= 100);
	return 0;
}
