/*
 * fuzz_check_file.c — photo_check_file(), the offline check of a photo
 * made elsewhere (`idphotoctl check`): its headers, its name (R-FILE-7)
 * and the face in it, measured at scale 1.
 *
 * An input that starts with "name:" carries the file name up to the first
 * newline (at most 200 bytes), then the JPEG; any other input is the
 * JPEG, checked under a valid ID number's name. Frames above 0.5
 * megapixels are skipped, as in fuzz_pipeline.
 */
#include <string.h>

#include "tests/fuzz/fuzzutil.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	photo_ctx *ctx = fz_photo_ctx();
	char name[256] = "11010519491231002X.jpg";
	const uint8_t *nl;
	const char *base;
	photo_fileinfo fi;
	photo_result r;
	int i;

	if (size >= 5 && memcmp(data, "name:", 5) == 0 &&
	    (nl = memchr(data, '\n', size < 206 ? size : 206)) != NULL) {
		memcpy(name, data + 5, (size_t)(nl - data - 5));
		name[nl - data - 5] = '\0';
		size -= (size_t)(nl + 1 - data);
		data = nl + 1;
	}
	if (!fz_small_jpeg(ctx, data, size, 500L * 1000))
		return 0;
	if (photo_check_file(ctx, name, data, size, &fi, &r) == -1) {
		FZ_ASSERT(photo_error(ctx)[0] != '\0');
		return 0;
	}
	FZ_ASSERT(fi.width > 0 && fi.height > 0 && fi.size == size);
	FZ_ASSERT(r.nfindings >= 0 && r.nfindings <= PHOTO_MAX_FINDINGS);
	for (i = 0; i < r.nfindings; i++)
		FZ_ASSERT(r.findings[i].code != NULL &&
		    r.findings[i].advice != NULL);
	/* a base name that cannot be an ID number never passes R-FILE-7 */
	base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
	if (strspn(base, "0123456789X") < PHOTO_ID_LEN) {
		for (i = 0; i < r.nfindings; i++)
			if (strcmp(r.findings[i].code, "FILE_NAME_ID") == 0)
				break;
		FZ_ASSERT(i < r.nfindings);
	}
	return 0;
}
