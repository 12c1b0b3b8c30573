/*
 * jpeghead.c — what the headers of a JPEG say, for cutting its
 * entropy-coded data between threads: where the frame header and the
 * scan's data are, the frame's size, sampling and restart interval, and
 * a copy of the headers for a part that starts further down the frame.
 * decode.c cuts at restart markers, split.c where its two Huffman
 * decoders meet; both take the file's shape from here. Pure byte
 * parsing, no libjpeg.
 */
#include <stdlib.h>
#include <string.h>

#include "photo/internal.h"

int
photo_jpeg_layout(const unsigned char *b, size_t n, struct jlayout *l)
{
	size_t i = 2, len;
	int m, k;

	memset(l, 0, sizeof(*l));
	while (i + 4 <= n) {
		if (b[i] != 0xFF)
			return -1;
		m = b[i + 1];
		if (m == 0xFF) {
			i++;
			continue;
		}
		len = (size_t)b[i + 2] << 8 | b[i + 3];
		if (len < 2 || i + 2 + len > n)
			return -1;
		if (m == 0xC0 || m == 0xC1) {
			if (len < 8 || b[i + 4] != 8)
				return -1;
			l->sof = i;
			l->h = (unsigned)b[i + 5] << 8 | b[i + 6];
			l->w = (unsigned)b[i + 7] << 8 | b[i + 8];
			l->ncomp = b[i + 9];
			if ((l->ncomp != 3 && l->ncomp != 1) ||
			    len != 8 + 3 * (size_t)l->ncomp)
				return -1;
			for (k = 0; k < l->ncomp; k++) {
				int hs = b[i + 11 + 3 * k] >> 4;
				int vs = b[i + 11 + 3 * k] & 15;

				if (hs < 1 || hs > 2 || vs < 1 || vs > 2)
					return -1;
				l->hmax = hs > l->hmax ? hs : l->hmax;
				l->vmax = vs > l->vmax ? vs : l->vmax;
			}
			if (l->ncomp == 1 && (l->hmax != 1 || l->vmax != 1))
				return -1;
		} else if ((m >= 0xC2 && m <= 0xCF && m != 0xC4 && m != 0xC8 &&
		    m != 0xCC) || m == 0xD8 || (m >= 0xD0 && m <= 0xD7))
			return -1;	/* progressive, arithmetic, lossless */
		else if (m == 0xDD && len == 4)
			l->ri = (unsigned)b[i + 4] << 8 | b[i + 5];
		else if (m == 0xDA) {
			if (l->sof == 0 || b[i + 4] != l->ncomp)
				return -1;
			l->data = i + 2 + len;
			return l->h > 0 && l->w > 0 ? 0 : -1;
		}
		i += 2 + len;
	}
	return -1;
}

unsigned char *
photo_jpeg_part_head(const unsigned char *jpeg, const struct jlayout *l,
    unsigned row)
{
	unsigned char *head;
	unsigned h = l->h - row * 8 * (unsigned)l->vmax;

	if ((head = malloc(l->data)) == NULL)
		return NULL;
	memcpy(head, jpeg, l->data);
	head[l->sof + 5] = (unsigned char)(h >> 8);
	head[l->sof + 6] = (unsigned char)h;
	return head;
}
